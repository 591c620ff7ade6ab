/**
 * The Docker runner: every task is one `docker run` of its executor's image (see ./docker-args). Before
 * anything is written it checks that a daemon answers, that every image is pinned by digest (and is the
 * one --image names), and that each image is in the engine or can be pulled.
 */
import { spawnSync } from "child_process";
import { chmodSync, chownSync } from "fs";
import { join } from "path";
import { containerFailure, dockerRunArgs, numericImageUser, parseDigestReference } from "./docker-args";
import type { TaskLauncher } from "./execute";
import type { LocalTask } from "./ir";

export interface ImageRecord {
  /** as the IR names it: repo@sha256:… */
  reference: string;
  /** the registry manifest digest the reference pins */
  digest: string;
  /** the engine's image id (digest of the image config) */
  id: string;
  /** the image's USER */
  user: string;
}

export interface DockerOptions {
  /** the docker CLI (default `docker` on PATH) */
  program?: string;
  /** when set, every executor in the IR must use exactly this reference */
  expectedImage?: string;
  /** host directories mounted read-only at the same path into every task (data a parameter names) */
  dataDirs: string[];
  log: (line: string) => void;
}

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: NodeJS.ErrnoException;
}

function docker(program: string, args: string[]): CliResult {
  const result = spawnSync(program, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return {
    status: result.status,
    stdout: result.stdout ?? "",
    stderr: result.stderr ?? "",
    ...(result.error ? { error: result.error as NodeJS.ErrnoException } : {}),
  };
}

const lastLine = (text: string) =>
  text
    .trim()
    .split("\n")
    .filter((line) => line.trim() !== "")
    .pop() ?? "no output";

/** The images the tasks run, validated as digest references; all problems in one error. */
export function taskImages(tasks: LocalTask[], expectedImage: string | undefined): string[] {
  const problems: string[] = [];
  let expected = expectedImage;
  if (expectedImage !== undefined) {
    try {
      parseDigestReference(expectedImage, "--image");
    } catch (error) {
      problems.push((error as Error).message);
      expected = undefined;
    }
  }
  const images = [...new Set(tasks.map((task) => task.image))].sort();
  for (const image of images) {
    const users = tasks.filter((task) => task.image === image).map((task) => task.name);
    const where = `IR executor image of task(s) ${users.join(", ")}`;
    if (image === "") {
      problems.push(`${where}: the executor names no image`);
      continue;
    }
    try {
      parseDigestReference(image, where);
    } catch (error) {
      problems.push((error as Error).message);
    }
    if (expected !== undefined && image !== expected) {
      problems.push(
        `${where} is ${image}, not --image ${expected}: compile the IR for it (npm run compile -- --image ${expected} --out DIR) and pass --ir DIR/protein.yaml`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`cannot run in containers:\n  - ${problems.join("\n  - ")}`);
  return images;
}

function inspectImage(program: string, reference: string): ImageRecord | undefined {
  const result = docker(program, ["image", "inspect", "--format", "{{json .}}", reference]);
  if (result.status !== 0) return undefined;
  const image = JSON.parse(result.stdout) as { Id: string; Config?: { User?: string } };
  const { digest } = parseDigestReference(reference, "image");
  return { reference, digest, id: image.Id, user: image.Config?.User ?? "" };
}

/** Daemon and images, checked before anything is written; pulls an image the engine does not have. */
export function preflight(tasks: LocalTask[], options: DockerOptions): ImageRecord[] {
  const program = options.program ?? "docker";
  const references = taskImages(tasks, options.expectedImage);
  const version = docker(program, ["version", "--format", "{{.Server.Version}}"]);
  if (version.error?.code === "ENOENT") {
    throw new Error(`the Docker CLI '${program}' is not on PATH: install Docker (Debian: apt-get install docker.io)`);
  }
  if (version.status !== 0 || version.stdout.trim() === "") {
    throw new Error(
      `no Docker daemon answers (${lastLine(version.stderr)}): start dockerd, or point DOCKER_HOST at a running daemon`,
    );
  }
  return references.map((reference) => {
    const local = inspectImage(program, reference);
    if (local) return local;
    options.log(`image ${reference} is not in the engine; pulling it…`);
    const pull = docker(program, ["pull", reference]);
    const pulled = pull.status === 0 ? inspectImage(program, reference) : undefined;
    if (!pulled) {
      throw new Error(
        `image ${reference} does not exist in the Docker engine and docker pull failed (${lastLine(pull.stderr)}): build and push it, and pass the digest the registry reports`,
      );
    }
    return pulled;
  });
}

/**
 * Runs each task in its image as the image's user. The task directory is handed to that user (owner when
 * this process is root, else opened to all) so the container can write its outputs there.
 */
export function dockerLauncher(images: ImageRecord[], options: DockerOptions): TaskLauncher {
  const program = options.program ?? "docker";
  const users = new Map(images.map((image) => [image.reference, numericImageUser(image.user)]));
  return {
    name: "docker",
    launch(task, argv, taskDir, inputDirs) {
      const user = users.get(task.image);
      for (const dir of [taskDir, join(taskDir, "parameters")]) {
        if (user && process.getuid?.() === 0) chownSync(dir, user.uid, user.gid);
        else if (user) chmodSync(dir, 0o777);
      }
      const args = dockerRunArgs({
        image: task.image,
        command: argv.slice(0, task.command.length),
        args: argv.slice(task.command.length),
        env: task.env,
        taskDir,
        readOnlyDirs: [...inputDirs, ...options.dataDirs],
      });
      // The docker CLI itself needs the host's environment (DOCKER_HOST, HOME); the container gets none of it.
      return { program, args, env: process.env, cwd: taskDir };
    },
    failure: (launch, logText, exitCode, signal) => containerFailure(logText, exitCode, signal, launch.args),
  };
}
