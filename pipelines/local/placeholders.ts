/** KFP v2 command-line placeholders, resolved to local paths and values as the KFP launcher would. */
import type { JsonValue } from "./ir";

/** An artifact of a local run: a file and its KFP schema title. */
export interface LocalArtifact {
  path: string;
  schemaTitle: string;
}

export interface TaskIo {
  parameters: Record<string, JsonValue>;
  inputArtifacts: Record<string, LocalArtifact>;
  outputArtifacts: Record<string, LocalArtifact>;
  outputParameterFiles: Record<string, string>;
  /** where the component writes its ExecutorOutput (the `outputs.outputFile` of `{{$}}`) */
  executorOutputFile: string;
}

/** A parameter as text on a command line: strings as they are, everything else as JSON. */
export function renderParameter(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function artifactEntry(name: string, ref: LocalArtifact) {
  return { artifacts: [{ name, type: { schemaTitle: ref.schemaTitle }, uri: `file://${ref.path}`, metadata: {} }] };
}

/** The executor input message (`{{$}}`) for a task. */
export function executorInput(io: TaskIo): Record<string, unknown> {
  const mapEntries = (refs: Record<string, LocalArtifact>) =>
    Object.fromEntries(Object.entries(refs).map(([name, ref]) => [name, artifactEntry(name, ref)]));
  return {
    inputs: { parameterValues: io.parameters, artifacts: mapEntries(io.inputArtifacts) },
    outputs: {
      artifacts: mapEntries(io.outputArtifacts),
      parameters: Object.fromEntries(
        Object.entries(io.outputParameterFiles).map(([name, outputFile]) => [name, { outputFile }]),
      ),
      outputFile: io.executorOutputFile,
    },
  };
}

const PLACEHOLDER = /\{\{\$(?:\.(inputs|outputs)\.(parameters|artifacts)\['([^']+)'\](?:\.(\w+))?)?\}\}/g;

function lookup<T>(table: Record<string, T>, name: string, what: string): T {
  if (!(name in table)) throw new Error(`placeholder refers to unknown ${what} '${name}'`);
  return table[name];
}

/** Replaces every placeholder in `text`; an unknown placeholder or name is an error, never left in. */
export function resolvePlaceholders(text: string, io: TaskIo): string {
  const opened = text.split("{{$").length - 1;
  if (opened !== (text.match(PLACEHOLDER) ?? []).length) throw new Error(`unsupported placeholder in '${text}'`);
  return text.replace(PLACEHOLDER, (_match, side, kind, name, field) => {
    if (side === undefined) return JSON.stringify(executorInput(io));
    if (side === "inputs" && kind === "parameters")
      return renderParameter(lookup(io.parameters, name, "input parameter"));
    if (side === "outputs" && kind === "parameters") {
      if (field !== "output_file")
        throw new Error(`unsupported placeholder field '${field}' of output parameter '${name}'`);
      return lookup(io.outputParameterFiles, name, "output parameter");
    }
    const ref = lookup(
      side === "inputs" ? io.inputArtifacts : io.outputArtifacts,
      name,
      `${side.slice(0, -1)} artifact`,
    );
    if (field === "path") return ref.path;
    if (field === "uri") return `file://${ref.path}`;
    throw new Error(`unsupported placeholder field '${field}' of artifact '${name}'`);
  });
}
