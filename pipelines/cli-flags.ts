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
