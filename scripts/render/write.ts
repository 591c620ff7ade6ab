import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { RenderedObject } from "./collect";

/** Marks a directory render wrote, so a later render may replace it (and nothing else). */
export const MARKER = ".kfp-protein-render";

export function fileNameOf(index: number, r: RenderedObject): string {
  const o = r.object;
  const parts = [
    String(index).padStart(3, "0"),
    r.patch ? "patch" : "",
    o.kind,
    o.metadata.namespace ?? "",
    o.metadata.name,
  ];
  return `${parts
    .filter((p) => p)
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "_")}.yaml`;
}

/**
 * Writes one YAML file per object into `out`, in apply order. The files are written to a sibling
 * directory first and moved into place at the end, so a failure leaves `out` as it was.
 */
export function writeRendered(out: string, objects: readonly RenderedObject[]): string[] {
  const target = path.resolve(out);
  if (fs.existsSync(target)) {
    const entries = fs.readdirSync(target);
    if (entries.length > 0 && !entries.includes(MARKER))
      throw new Error(
        `--out ${out}: the directory exists and was not written by render. Fix: choose an empty or new directory.`,
      );
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(`${target}.render-`);
  try {
    const names = objects.map((r, i) => {
      const name = fileNameOf(i + 1, r);
      const head = r.patch
        ? "# A server-side-apply patch of an object above (kubectl apply --server-side --force-conflicts).\n"
        : "";
      fs.writeFileSync(path.join(staging, name), head + YAML.stringify(r.object, { lineWidth: 0 }));
      return name;
    });
    fs.writeFileSync(path.join(staging, MARKER), "Written by npm run render; replaced by the next render.\n");
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
    return names;
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}
