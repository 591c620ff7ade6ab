/**
 * The pure half of the Docker runner: digest references, the `docker run` command line of a task as KFP's
 * launcher would run it (see kfp.local.DockerRunner), and the failure text that lets anyone reproduce it.
 */

export interface DigestReference {
  /** e.g. `127.0.0.1:5000/amber` */
  repository: string;
  tag?: string;
  /** `sha256:<64 hex>` */
  digest: string;
}

// [host[:port]/]path[:tag]@sha256:<hex>, after the reference grammar of the distribution project.
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const HOST =
  "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)";
const DIGEST_REF = new RegExp(
  `^(${HOST}?${COMPONENT}(?:/${COMPONENT})*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?@(sha256:[a-f0-9]{64})$`,
);

/** Parses `repo[:tag]@sha256:<64 hex>`; anything else (a tag alone, `:latest`, a short digest) is an error. */
export function parseDigestReference(ref: string, where: string): DigestReference {
  const match = DIGEST_REF.exec(ref);
  if (!match) {
    const hint = ref.includes("@")
      ? "the digest must be sha256:<64 lowercase hex> after a valid repository name"
      : "a tag can change under you; pin the image by digest (docker inspect --format '{{index .RepoDigests 0}}' IMAGE)";
    throw new Error(`${where}: '${ref}' is not a digest reference repo@sha256:<64 hex>: ${hint}`);
  }
  const [, repository, tag, digest] = match;
  if (tag === "latest") throw new Error(`${where}: '${ref}' names the tag latest; use repo@sha256:<digest> alone`);
  return { repository, ...(tag !== undefined ? { tag } : {}), digest };
}

/** `10001:10001` or `10001` → numeric ids; a user name or an empty User (root) gives undefined. */
export function numericImageUser(user: string): { uid: number; gid: number } | undefined {
  const match = /^(\d+)(?::(\d+))?$/.exec(user.trim());
  if (!match) return undefined;
  const uid = Number(match[1]);
  return { uid, gid: match[2] !== undefined ? Number(match[2]) : uid };
}

export interface ContainerTask {
  image: string;
  command: string[];
  args: string[];
  /** the executor's env from the IR: the only variables set besides the image's own */
  env: Record<string, string>;
  /** mounted read-write at the same path */
  taskDir: string;
  /** mounted read-only at the same path: input artifacts' directories and data directories */
  readOnlyDirs: string[];
}

function bindMount(path: string, readOnly: boolean): string {
  if (!path.startsWith("/")) throw new Error(`mount path ${path} must be absolute`);
  if (/[,\n"]/.test(path))
    throw new Error(`mount path ${path} contains a comma, quote or newline, which docker --mount cannot carry`);
  return `type=bind,source=${path},target=${path}${readOnly ? ",readonly" : ""}`;
}

/**
 * `docker run` arguments (after `docker`) for one task, as Kubernetes runs a container: the executor's
 * command replaces the image's ENTRYPOINT and its args follow, the image's USER, WORKDIR and ENV apply
 * unchanged (no --user, no host environment), and files reach the container through bind mounts at the
 * same paths the placeholders were resolved to.
 */
export function dockerRunArgs(task: ContainerTask): string[] {
  const argv = ["run", "--rm", "--mount", bindMount(task.taskDir, false)];
  for (const dir of [...new Set(task.readOnlyDirs)].filter((d) => d !== task.taskDir)) {
    argv.push("--mount", bindMount(dir, true));
  }
  for (const [name, value] of Object.entries(task.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    argv.push("--env", `${name}=${value}`);
  }
  if (task.command.length > 0) argv.push("--entrypoint", task.command[0]);
  argv.push(task.image, ...task.command.slice(1), ...task.args);
  return argv;
}

/** Quotes words for a POSIX shell so the printed command can be pasted as it is. */
export function shellCommand(words: string[]): string {
  return words
    .map((word) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`))
    .join(" ");
}

export const FAILURE_TAIL_LINES = 15;

/** A failed container: how it ended, its last lines of output, and the exact command that reproduces it. */
export function containerFailure(
  logText: string,
  exitCode: number | null,
  signal: string | null,
  dockerArgv: string[],
): string {
  const lines = logText
    .replace(/\s+$/, "")
    .split("\n")
    .filter((line) => line.trim() !== "");
  const tail = lines.slice(-FAILURE_TAIL_LINES);
  const how = signal ? `killed by ${signal}` : `container exited with code ${exitCode}`;
  const output = tail.length > 0 ? tail.map((line) => `  | ${line}`).join("\n") : "  | (no output)";
  return `${how}; last ${tail.length} line(s) of its output:\n${output}\n  reproduce: ${shellCommand(["docker", ...dockerArgv])}`;
}
