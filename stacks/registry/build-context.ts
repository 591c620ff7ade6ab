/** The AMBER image's build context: .dockerignore rules and the content hash the image is tagged with. */
import * as fs from "fs";
import * as path from "path";
import { hashTree } from "../../pipelines/hash-tree";

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
  return hashTree(dir, { include: (rel) => !isIgnored(rel, rules) });
}
