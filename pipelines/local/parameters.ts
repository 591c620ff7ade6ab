/** Pipeline parameter values for a local run: IR defaults, then a preset, then `--param` overrides. */
import type { JsonValue, PipelineParameter } from "./ir";

/** A `--param NAME=VALUE` text converted to the parameter's IR type. */
export function coerceParameter(name: string, text: string, type: string): JsonValue {
  switch (type) {
    case "NUMBER_INTEGER":
    case "NUMBER_DOUBLE": {
      const value = Number(text);
      if (text.trim() === "" || !Number.isFinite(value) || (type === "NUMBER_INTEGER" && !Number.isInteger(value))) {
        throw new Error(
          `--param ${name}=${text}: ${type === "NUMBER_INTEGER" ? "an integer" : "a number"} is required`,
        );
      }
      return value;
    }
    case "BOOLEAN":
      if (text !== "true" && text !== "false") throw new Error(`--param ${name}=${text}: use true or false`);
      return text === "true";
    case "LIST":
    case "STRUCT":
      try {
        return JSON.parse(text) as JsonValue;
      } catch {
        throw new Error(`--param ${name}=${text}: give ${type === "LIST" ? "a JSON list" : "a JSON object"}`);
      }
    default:
      return text;
  }
}

export function parseParamFlag(flag: string): [string, string] {
  const at = flag.indexOf("=");
  if (at <= 0) throw new Error(`--param ${flag}: use NAME=VALUE`);
  return [flag.slice(0, at), flag.slice(at + 1)];
}

/**
 * Every pipeline parameter gets a value; names not in the IR are errors (a typo would otherwise be
 * silently ignored), and so is a parameter left without any value.
 */
export function resolveParameters(
  definitions: Record<string, PipelineParameter>,
  layers: Record<string, JsonValue>[],
  overrides: [string, string][],
): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    if (definition.defaultValue !== undefined) values[name] = definition.defaultValue;
  }
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) {
      if (name in definitions) values[name] = value;
    }
  }
  for (const [name, text] of overrides) {
    const definition = definitions[name];
    if (!definition) {
      throw new Error(
        `--param ${name}: the pipeline has no such parameter (it has: ${Object.keys(definitions).sort().join(", ")})`,
      );
    }
    values[name] = coerceParameter(name, text, definition.type);
  }
  const missing = Object.keys(definitions).filter((name) => !(name in values));
  if (missing.length > 0)
    throw new Error(`no value for pipeline parameter(s) ${missing.join(", ")}: pass --param NAME=VALUE`);
  return values;
}
