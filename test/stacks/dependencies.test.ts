/**
 * Dependencies point downward: generic code never imports the KFP-specific code built on it, and the
 * pipelines know nothing of the stack. A new upward import fails here, naming the file and the import.
 */
import { relativeImports, sourceFiles, REPO_ROOT } from "../fixtures/imports";
import * as path from "path";

/** Folder → the only folders (or files) its modules may import from, besides their own folder. */
const MAY_IMPORT: Record<string, string[]> = {
  "stacks/util": [],
  "stacks/dynamic": ["stacks/util", "pipelines/hash-tree"],
  "stacks/kube": ["stacks/dynamic", "stacks/util"],
  "stacks/kfp-api": ["stacks/kube", "stacks/dynamic", "stacks/util"],
  pipelines: [],
};

const within = (module: string, folder: string) => module === folder || module.startsWith(`${folder}/`);

function upwardImports(folder: string): string[] {
  const allowed = [folder, ...MAY_IMPORT[folder]];
  return sourceFiles(folder).flatMap((file) =>
    relativeImports(path.join(REPO_ROOT, `${file}.ts`), true)
      .filter((target) => !allowed.some((a) => within(target, a)))
      .map((target) => `${file} imports ${target}`),
  );
}

describe.each(Object.keys(MAY_IMPORT))("%s", (folder) => {
  it(`imports only from ${[folder, ...MAY_IMPORT[folder]].join(", ")}`, () => {
    expect(upwardImports(folder)).toEqual([]);
  });
});
