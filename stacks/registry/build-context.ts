import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

interface IgnoreRule {
  pattern: RegExp;
  negated: boolean;
}

/** .dockerignore rules: `*`, `**`, `?`, `!` negation, last match wins, a match on a directory covers its contents. */
export function dockerignoreRules(text: string): IgnoreRule[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((line) => {
      const negated = line.startsWith("!");
      const body = (negated ? line.slice(1) : line).replace(/^\.?\//, "").replace(/\/+$/, "");
      const source = body
        .split("/")
        .map((part) =>
          part === "**"
            ? ".*"
            : part
                .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                .replace(/\*/g, "[^/]*")
                .replace(/\?/g, "[^/]"),
        )
        .join("/");
      return { pattern: new RegExp(`^${source.replace(/^\.\*\//, "(.*/)?")}(/.*)?$`), negated };
    });
}

export function isIgnored(relPath: string, rules: IgnoreRule[]): boolean {
  let ignored = false;
  for (const rule of rules) if (rule.pattern.test(relPath)) ignored = !rule.negated;
  return ignored;
}

/** A stable hash of a build context as Docker sends it: relative paths and contents, in sorted order. */
export function hashDirectory(dir: string): string {
  const ignoreFile = path.join(dir, ".dockerignore");
  const rules = fs.existsSync(ignoreFile) ? dockerignoreRules(fs.readFileSync(ignoreFile, "utf8")) : [];
  const hash = createHash("sha256");
  const walk = (rel: string) => {
    for (const entry of fs
      .readdirSync(path.join(dir, rel), { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && !isIgnored(child, rules)) {
        hash
          .update(`${child}\0`)
          .update(fs.readFileSync(path.join(dir, child)))
          .update("\0");
      }
    }
  };
  walk("");
  return hash.digest("hex");
}
