/**
 * How every user command (npm run watch, results, render, ui, compile, pipeline:local, …) states its usage:
 * `--help`/`-h` prints it with every flag and exits 0; a usage error prints the message and the usage line
 * and exits 2; any other error prints `<command>: <message>` (no stack trace) and exits 1 unless the
 * command says otherwise. The flags a command accepts are the ones its usage lists.
 */
import { parseFlags, Flags } from "./cli-flags";

export const EXIT_USAGE = 2;

export interface Usage {
  /** The npm script, e.g. "watch". */
  command: string;
  /** One line: `npm run watch -- [--run ID] …`. */
  synopsis: string;
  /** What the command does, a few lines. */
  about: string;
  /** `[flag with its value placeholder, what it does]`, e.g. `["--run ID", "the run to watch"]`. */
  flags: Array<[string, string]>;
}

/** A wrong invocation: reported with the usage line and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

export function helpText(usage: Usage): string {
  const width = Math.max(...usage.flags.map(([flag]) => flag.length), "-h, --help".length);
  const rows = [...usage.flags, ["-h, --help", "print this help and exit"] as [string, string]];
  return (
    `usage: ${usage.synopsis}\n\n${usage.about.trim()}\n\nflags:\n` +
    rows.map(([flag, what]) => `  ${flag.padEnd(width)}  ${what}\n`).join("")
  );
}

export function usageFailure(usage: Usage, message: string): string {
  return `${usage.command}: ${message}\nusage: ${usage.synopsis}  (--help for details)\n`;
}

/** Flag names of a usage: `--run ID` takes a value, `--plain` is a switch. */
export function usageFlagNames(usage: Usage): { valued: string[]; switches: string[] } {
  const valued: string[] = [];
  const switches: string[] = [];
  for (const [flag] of usage.flags) {
    const [name, placeholder] = flag.split(/[ =]/, 2);
    if (!name.startsWith("--")) continue;
    (placeholder ? valued : switches).push(name.slice(2));
  }
  return { valued, switches };
}

/** Runs a command's argument parsing: whatever it throws is a UsageError (exit 2 with the usage line). */
export function asUsageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}

/** `--name value`, `--name=value` and switches, exactly the flags `usage` lists; anything else is a UsageError. */
export function parseUsageFlags(argv: string[], usage: Usage): Flags {
  const { valued, switches } = usageFlagNames(usage);
  return asUsageErrors(() => parseFlags(argv, valued, switches));
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/**
 * Runs a command's main with the shared conventions; resolves to its exit code. `main` returns its own
 * code (0 done, others as the command documents) or throws: a UsageError exits 2 with the usage line,
 * anything else `failureCode` with the message alone.
 */
export async function runCli(
  usage: Usage,
  argv: string[],
  main: (argv: string[]) => Promise<number> | number,
  io: CliIo = processIo,
  failureCode = 1,
): Promise<number> {
  if (wantsHelp(argv)) {
    io.out(helpText(usage));
    return 0;
  }
  try {
    return await main(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(usageFailure(usage, error.message));
      return EXIT_USAGE;
    }
    io.err(`${usage.command}: ${(error as Error).message}\n`);
    return failureCode;
  }
}
