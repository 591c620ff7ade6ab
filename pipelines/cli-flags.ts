/** Walks `--flag [value]` arguments; `value()` consumes the flag's value, or throws when it has none. */
export function walkFlags(argv: string[], visit: (flag: string, value: () => string) => void): void {
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    visit(flag, () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new Error(`${flag} needs a value`);
      return next;
    });
  }
}

export type Flags = Record<string, string | boolean>;

/** `--name value`, `--name=value` and bare `--switch` (listed in `switches`); anything else is an error. */
export function parseFlags(argv: string[], known: string[], switches: string[] = []): Flags {
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    const name = match?.[1] ?? "";
    if (!match || (!known.includes(name) && !switches.includes(name))) {
      throw new Error(
        `unknown argument "${argv[i]}"; flags: ${[...known, ...switches].map((f) => `--${f}`).join(" ")}`,
      );
    }
    if (switches.includes(name)) {
      flags[name] = true;
    } else {
      const value = match[2] ?? argv[++i];
      if (value === undefined || value === "") throw new Error(`--${name} needs a value`);
      flags[name] = value;
    }
  }
  return flags;
}
