/**
 * One temporary directory for a whole `npm test`: the tests' mkdtemp folders and those of the commands they run go
 * under it (TMPDIR, which os.tmpdir() and mktemp read, is inherited by the workers and their children), and it is
 * removed when the run ends, so a run leaves nothing in the machine's temporary directory.
 */
const { mkdtempSync, rmSync } = require("fs");
const { tmpdir } = require("os");
const { join } = require("path");

const KEY = "KFP_PROTEIN_TEST_TMPDIR";

module.exports = {
  setup() {
    const dir = mkdtempSync(join(tmpdir(), "kfp-protein-jest-"));
    process.env[KEY] = dir;
    process.env.TMPDIR = dir;
  },
  teardown() {
    const dir = process.env[KEY];
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
};
