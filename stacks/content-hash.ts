import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Top-level names excluded by a .dockerignore (plain names and `dir/` forms; enough for our own file). */
export function dockerignoreNames(text: string): Set<string> {
    return new Set(text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#") && !l.startsWith("!"))
        .map((l) => l.replace(/^\.?\//, "").replace(/\/\*{0,2}$/, "")));
}

/** A stable hash of a build context: relative paths and contents, in sorted order. */
export function hashDirectory(dir: string): string {
    const ignoreFile = path.join(dir, ".dockerignore");
    const ignored = fs.existsSync(ignoreFile) ? dockerignoreNames(fs.readFileSync(ignoreFile, "utf8")) : new Set<string>();
    const hash = createHash("sha256");
    const walk = (rel: string) => {
        for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const child = rel ? `${rel}/${entry.name}` : entry.name;
            if (ignored.has(child) || ignored.has(entry.name)) continue;
            if (entry.isDirectory()) walk(child);
            else if (entry.isFile()) hash.update(`${child}\0`).update(fs.readFileSync(path.join(dir, child))).update("\0");
        }
    };
    walk("");
    return hash.digest("hex");
}
