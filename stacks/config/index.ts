/** The stack's configuration: its types, the schema of its keys, and loading/validating them. */
export * from "./types";
export { CONFIG_KEYS, PROJECT } from "./schema";
export type { KeySpec } from "./schema";
export { loadConfig, flattenConfig } from "./load";
export { parseStackConfig, editDistance } from "./parse";
