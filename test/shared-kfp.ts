import * as path from "path";

/** KFP 2.17.0 reference data, kept beside the repository in ../shared (never copied into it). */
export const SHARED_KFP_DIR =
  process.env.KFP_SHARED_DIR ?? path.resolve(__dirname, "..", "..", "shared", "kfp", "2.17.0");
