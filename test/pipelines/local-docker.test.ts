import { execFileSync } from "child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
  containerFailure,
  dockerRunArgs,
  FAILURE_TAIL_LINES,
  numericImageUser,
  parseDigestReference,
  shellCommand,
} from "../../pipelines/local/docker-args";
import { dockerLauncher, preflight, taskImages } from "../../pipelines/local/docker-launcher";
import { parsePipeline } from "../../pipelines/local/ir";
import { parseArgs, runPipeline, RunOptions } from "../../pipelines/local/run";
import { fakeIr } from "../fixtures/local-ir";

const DIGEST = `sha256:${"ab12".repeat(16)}`;
const REF = `127.0.0.1:5123/amber@${DIGEST}`;

describe("docker runner: digest references", () => {
  it("accepts repo[:tag]@sha256 references with registry hosts and ports", () => {
    expect(parseDigestReference(REF, "--image")).toEqual({ repository: "127.0.0.1:5123/amber", digest: DIGEST });
    expect(parseDigestReference(`localhost:5000/amber:ctx-0123abcd@${DIGEST}`, "x")).toEqual({
      repository: "localhost:5000/amber",
      tag: "ctx-0123abcd",
      digest: DIGEST,
    });
    expect(parseDigestReference(`docker.io/library/registry@${DIGEST}`, "x").repository).toBe(
      "docker.io/library/registry",
    );
  });

  it("refuses tags, latest, short or upper-case digests, naming where the reference came from", () => {
    expect(() => parseDigestReference("127.0.0.1:5123/amber:0.1.0", "--image")).toThrow(
      /^--image: '127.0.0.1:5123\/amber:0.1.0' is not a digest reference .*pin the image by digest/,
    );
    expect(() => parseDigestReference(`amber:latest@${DIGEST}`, "--image")).toThrow(/names the tag latest/);
    expect(() => parseDigestReference("amber@sha256:abc", "--image")).toThrow(/sha256:<64 lowercase hex>/);
    expect(() => parseDigestReference(`amber@${DIGEST.toUpperCase()}`, "x")).toThrow(/not a digest reference/);
    expect(() => parseDigestReference(`Amber@${DIGEST}`, "x")).toThrow(/not a digest reference/);
  });

  it("reads numeric image users; names and root give none", () => {
    expect(numericImageUser("10001:10001")).toEqual({ uid: 10001, gid: 10001 });
    expect(numericImageUser("10001")).toEqual({ uid: 10001, gid: 10001 });
    expect(numericImageUser("amber")).toBeUndefined();
    expect(numericImageUser("")).toBeUndefined();
  });
});

describe("docker runner: the docker run command line", () => {
  const task = {
    image: REF,
    command: ["protein-step", "--log-json"],
    args: ["fetch-pdb", "--output-pdb", "/out/fetch-pdb/output_pdb"],
    env: { B: "2", A: "1" },
    taskDir: "/out/fetch-pdb",
    readOnlyDirs: ["/out/prev", "/data", "/out/prev", "/out/fetch-pdb"],
  };

  it("replaces the entrypoint with the command, mounts at the same paths, passes only the IR's env", () => {
    expect(dockerRunArgs(task)).toEqual([
      "run",
      "--rm",
      "--mount",
      "type=bind,source=/out/fetch-pdb,target=/out/fetch-pdb",
      "--mount",
      "type=bind,source=/out/prev,target=/out/prev,readonly",
      "--mount",
      "type=bind,source=/data,target=/data,readonly",
      "--env",
      "A=1",
      "--env",
      "B=2",
      "--entrypoint",
      "protein-step",
      REF,
      "--log-json",
      "fetch-pdb",
      "--output-pdb",
      "/out/fetch-pdb/output_pdb",
    ]);
  });

  it("runs as the image's user with the image's environment: no --user, no host variables", () => {
    const argv = dockerRunArgs({ ...task, env: {} });
    expect(argv).not.toContain("--user");
    expect(argv).not.toContain("--env");
    expect(argv.join(" ")).not.toMatch(/AMBERHOME|PATH=/);
  });

  it("keeps the image's entrypoint when the executor has no command", () => {
    const argv = dockerRunArgs({ ...task, command: [] });
    expect(argv).not.toContain("--entrypoint");
    expect(argv.slice(argv.indexOf(REF))).toEqual([REF, ...task.args]);
  });

  it("refuses mount paths docker cannot carry", () => {
    expect(() => dockerRunArgs({ ...task, taskDir: "out/x" })).toThrow(/must be absolute/);
    expect(() => dockerRunArgs({ ...task, readOnlyDirs: ["/data,readonly=false"] })).toThrow(/comma/);
  });

  it("prints a command a POSIX shell reads back word for word", () => {
    const words = ["docker", "run", "--env", "X=it's $HOME", "a b", "{{$}}", 'q"uote', "plain/path:1@sha256"];
    const printed = execFileSync("sh", ["-c", `printf '%s\\n' ${shellCommand(words)}`], { encoding: "utf8" });
    expect(printed.split("\n").slice(0, -1)).toEqual(words);
    expect(shellCommand(["plain/path:1@sha256"])).toBe("plain/path:1@sha256");
  });

  it("explains a failed container with its last lines and the command that reproduces it", () => {
    const log = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join("\n") + "\n\n";
    const text = containerFailure(log, 3, null, ["run", "--rm", REF, "a b"]);
    expect(text.startsWith(`container exited with code 3; last ${FAILURE_TAIL_LINES} line(s) of its output:`)).toBe(
      true,
    );
    expect(text).toContain("  | line 40");
    expect(text).toContain(`  | line ${40 - FAILURE_TAIL_LINES + 1}\n`);
    expect(text).not.toContain(`line ${40 - FAILURE_TAIL_LINES}\n`);
    expect(text.split("\n").pop()).toBe(`  reproduce: docker run --rm ${REF} 'a b'`);
    expect(containerFailure("", null, "SIGKILL", ["run"])).toMatch(/^killed by SIGKILL; .*\n {2}\| \(no output\)\n/);
  });
});

/** A stand-in for the docker CLI: answers version/inspect/pull as told and runs `run` on this host. */
function fakeDocker(dir: string, behaviour: { daemon: boolean; images: string[]; user?: string }) {
  const program = join(dir, "docker");
  const calls = join(dir, "calls.txt");
  const known = behaviour.images.map((i) => `"${i}"`).join(" ");
  writeFileSync(
    program,
    `#!/bin/sh
echo "$*" >> '${calls}'
case "$1" in
  version)
    ${behaviour.daemon ? "echo 20.10.24" : 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1'} ;;
  image)
    for known in ${known}; do
      [ "$known" = "$5" ] && { echo '{"Id":"sha256:feed","Config":{"User":"${behaviour.user ?? "10001:10001"}"}}'; exit 0; }
    done
    echo "Error: No such image: $5" >&2; exit 1 ;;
  pull) echo "Error response from daemon: manifest for $2 not found: manifest unknown" >&2; exit 1 ;;
  run)
    shift
    while [ $# -gt 0 ]; do
      case "$1" in
        --rm) shift ;;
        --mount|--env) shift 2 ;;
        --entrypoint) entrypoint=$2; shift 2 ;;
        *) break ;;
      esac
    done
    shift
    exec "$entrypoint" "$@" ;;
esac
`,
  );
  chmodSync(program, 0o755);
  return { program, calls: () => (existsSync(calls) ? readFileSync(calls, "utf8") : "") };
}

const ir = fakeIr(
  {
    make: { script: 'printf "%s" "$2" > "$4"', params: { word: { pipeline: "word" } }, outputs: ["out"] },
    upper: { script: 'tr a-z A-Z < "$2" > "$4"', inputs: { data: "make.out" }, outputs: ["out"] },
    broken: { script: 'echo "protein-step broken: bad input" >&2; exit 3', after: ["make"] },
  },
  { word: { type: "STRING", default: "hello" } },
).replace(/image: test:1/g, `image: "${REF}"`);

function setup(behaviour: { daemon: boolean; images: string[] }, expectedImage?: string) {
  const dir = mkdtempSync(join(tmpdir(), "local-docker-"));
  const irPath = join(dir, "pipeline.yaml");
  writeFileSync(irPath, ir);
  const docker = fakeDocker(dir, behaviour);
  const dockerOptions = { program: docker.program, expectedImage, dataDirs: ["/data"], log: () => undefined };
  const options: RunOptions = {
    irPath,
    outDir: join(dir, "out"),
    parameterLayers: [],
    params: [],
    jobs: 2,
    env: {},
    launcher: (tasks) => {
      const images = preflight(tasks, dockerOptions);
      return { launcher: dockerLauncher(images, dockerOptions), images };
    },
    useCache: true,
    codeVersion: "docker",
    log: () => undefined,
  };
  return { options, docker };
}

describe("docker runner: a run", () => {
  it("runs each task through docker run, records the runner and the image, explains failures", async () => {
    const { options, docker } = setup({ daemon: true, images: [REF] }, REF);
    const summary = await runPipeline(options);
    expect(summary.runner).toBe("docker");
    expect(summary.images).toEqual([{ reference: REF, digest: DIGEST, id: "sha256:feed", user: "10001:10001" }]);
    expect(Object.fromEntries(summary.tasks.map((t) => [t.name, t.state]))).toEqual({
      make: "SUCCEEDED",
      upper: "SUCCEEDED",
      broken: "FAILED",
    });
    expect(readFileSync(join(options.outDir, "upper", "out"), "utf8")).toBe("HELLO");
    const runs = docker
      .calls()
      .split("\n")
      .filter((line) => line.startsWith("run "));
    expect(runs).toHaveLength(3);
    const upper = runs.find((line) => line.includes("upper"))!;
    expect(upper).toContain(
      `--mount type=bind,source=${join(options.outDir, "upper")},target=${join(options.outDir, "upper")} `,
    );
    expect(upper).toContain(`source=${join(options.outDir, "make")},target=${join(options.outDir, "make")},readonly`);
    expect(upper).toContain("source=/data,target=/data,readonly");
    const broken = summary.tasks.find((t) => t.name === "broken")!;
    expect(broken.error).toMatch(
      /^container exited with code 3; last 1 line\(s\) of its output:\n {2}\| protein-step broken: bad input\n {2}reproduce: docker run --rm /,
    );
    expect(JSON.parse(readFileSync(join(options.outDir, "summary.json"), "utf8"))).toEqual(summary);
    const again = await runPipeline(options);
    expect(Object.fromEntries(again.tasks.map((t) => [t.name, t.state]))).toEqual({
      make: "CACHED",
      upper: "CACHED",
      broken: "FAILED",
    });
  });

  it("says when no daemon answers, and writes nothing", async () => {
    const { options } = setup({ daemon: false, images: [REF] });
    await expect(runPipeline(options)).rejects.toThrow(
      /^no Docker daemon answers \(Cannot connect to the Docker daemon .*\): start dockerd, or point DOCKER_HOST/,
    );
    expect(existsSync(options.outDir)).toBe(false);
  });

  it("says when the image is neither in the engine nor pullable, and writes nothing", async () => {
    const { options, docker } = setup({ daemon: true, images: [] });
    await expect(runPipeline(options)).rejects.toThrow(
      new RegExp(
        `^image ${REF.replace(/[.]/g, "\\.")} does not exist in the Docker engine and docker pull failed \\(.*manifest unknown\\)`,
      ),
    );
    expect(docker.calls()).toContain(`pull ${REF}`);
    expect(existsSync(options.outDir)).toBe(false);
  });

  it("refuses an IR compiled for another image than --image, before asking the daemon", async () => {
    const other = `127.0.0.1:5123/amber@sha256:${"cd34".repeat(16)}`;
    const { options, docker } = setup({ daemon: true, images: [REF, other] }, other);
    await expect(runPipeline(options)).rejects.toThrow(
      /is .*, not --image .*: compile the IR for it \(npm run compile -- --image /,
    );
    expect(docker.calls()).toBe("");
    expect(existsSync(options.outDir)).toBe(false);
  });

  it("lists every image problem at once: tags in the IR and a tag as --image", () => {
    const tasks = parsePipeline(fakeIr({ a: { script: "true" } })).tasks;
    expect(() => taskImages(tasks, "amber:0.1.0")).toThrow(
      /cannot run in containers:\n {2}- --image: 'amber:0.1.0' is not a digest reference.*\n {2}- IR executor image of task\(s\) a: 'test:1' is not a digest reference/,
    );
  });

  it("says when the docker CLI is missing", () => {
    const tasks = parsePipeline(ir).tasks;
    expect(() => preflight(tasks, { program: "/nonexistent/docker", dataDirs: [], log: () => undefined })).toThrow(
      /the Docker CLI '\/nonexistent\/docker' is not on PATH/,
    );
  });
});

describe("docker runner: command line", () => {
  it("takes --runner docker with --image and --mount; keeps subprocess the default", () => {
    expect(parseArgs(["--out", "d"], 2)).toMatchObject({ runner: "subprocess", mounts: [] });
    const args = parseArgs(["--out", "d", "--runner", "docker", "--image", REF, "--mount", tmpdir()], 2);
    expect(args).toMatchObject({ runner: "docker", image: REF, mounts: [tmpdir()] });
  });

  it("rejects flags that do not fit the runner", () => {
    expect(() => parseArgs(["--out", "d", "--runner", "podman"], 2)).toThrow(
      /--runner podman: use subprocess or docker/,
    );
    expect(() => parseArgs(["--out", "d", "--image", REF], 2)).toThrow(/--image and --mount need --runner docker/);
    expect(() => parseArgs(["--out", "d", "--runner", "docker", "--venv", "v"], 2)).toThrow(
      /--venv is for the subprocess/,
    );
    expect(() => parseArgs(["--out", "d", "--runner", "docker", "--mount", "/nonexistent"], 2)).toThrow(
      /--mount \/nonexistent: not a directory/,
    );
  });
});
