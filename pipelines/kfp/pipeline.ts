/** Pipeline authoring: a graph of tasks inside nested scopes (root DAG, ParallelFor loops, conditions). */
import { ContainerComponent, ImagePullPolicy } from "./component";
import { Resources } from "./resources";
import {
  ArtifactRef,
  InputSpecs,
  JsonValue,
  OutputSpecs,
  ParameterSpec,
  ParameterType,
  ParamRef,
  ParamRefs,
  TaskArguments,
  TaskOutputs,
  isArtifactRef,
  isParamRef,
} from "./types";
import { checkArgument, checkTaskArguments } from "./wiring";

export type Ref = ParamRef | ArtifactRef;

export interface TaskOptions {
  /** Task name, unique in the pipeline; defaults to the component name (suffixed -2, -3… on repeats). */
  name?: string;
  /** Tasks that must finish first even though no data flows from them. */
  after?: Task[];
  cache?: boolean;
  /** Overrides the component's resources field by field. */
  resources?: Resources;
}

export interface Task<O extends OutputSpecs = OutputSpecs> {
  readonly id: number;
  readonly name: string;
  readonly outputs: TaskOutputs<O>;
}

export interface TaskNode {
  id: number;
  name: string;
  scopeId: number;
  component: ContainerComponent;
  args: Record<string, unknown>;
  after: number[];
  cache: boolean;
  resources: Resources;
}

export type ComparisonOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";
export interface Condition {
  left: ParamRef<"STRING" | "NUMBER_INTEGER" | "NUMBER_DOUBLE" | "BOOLEAN">;
  operator: ComparisonOperator;
  right: string | number | boolean;
}

export interface ScopeNode {
  id: number;
  name: string;
  kind: "root" | "loop" | "condition";
  parentId?: number;
  /** loop: a LIST parameter reference or a constant list */
  items?: ParamRef<"LIST"> | JsonValue[];
  itemType?: ParameterType;
  parallelism?: number;
  condition?: Condition;
}

export interface PipelineGraph {
  name: string;
  description?: string;
  parameters: Record<string, ParameterSpec>;
  tasks: TaskNode[];
  scopes: ScopeNode[];
  imagePullPolicy?: ImagePullPolicy;
}

export interface PipelineDefinition<P extends Record<string, ParameterSpec>> {
  name: string;
  description?: string;
  parameters: P;
  /** Default for every task's cachingOptions.enableCache (true unless set). */
  cache?: boolean;
  /** Kubernetes image pull policy for every executor that does not set its own. */
  imagePullPolicy?: ImagePullPolicy;
}

export const ROOT_SCOPE = 0;
const PIPELINE_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const PARAMETER_NAME = /^[a-z_][a-z0-9_]*$/;

/** Lets one scope check that refs came from this pipeline and are visible where they are used. */
class GraphState {
  readonly tasks: TaskNode[] = [];
  readonly scopes: ScopeNode[] = [{ id: ROOT_SCOPE, name: "root", kind: "root" }];
  readonly refs = new WeakSet<object>();
  readonly names = new Set<string>();

  constructor(readonly cacheDefault: boolean) {}

  register<R extends Ref>(ref: R): R {
    this.refs.add(ref);
    return ref;
  }

  isAncestorOrSelf(ancestorId: number, scopeId: number): boolean {
    for (let id: number | undefined = scopeId; id !== undefined; id = this.scopes[id].parentId) {
      if (id === ancestorId) return true;
    }
    return false;
  }

  /** Throws unless `ref` belongs to this pipeline and its producer is visible from `scopeId`. */
  checkVisible(ref: Ref, scopeId: number, where: string): void {
    if (!this.refs.has(ref)) {
      throw new Error(`${where}: ${ref.label} belongs to another pipeline: pass values from this pipeline only`);
    }
    const source = ref.source;
    const originScope =
      source.kind === "pipelineInput"
        ? ROOT_SCOPE
        : source.kind === "loopItem"
          ? source.loopId
          : this.tasks[source.taskId].scopeId;
    if (!this.isAncestorOrSelf(originScope, scopeId)) {
      throw new Error(
        `${where}: ${ref.label} is produced inside "${this.scopes[originScope].name}" and cannot be used outside it; ` +
          `move the consumer into that loop/condition`,
      );
    }
  }

  uniqueName(wanted: string, explicit: boolean): string {
    if (!this.names.has(wanted)) return this.claim(wanted);
    if (explicit) throw new Error(`task name "${wanted}" is already used in this pipeline: choose another name`);
    for (let n = 2; ; n++) {
      if (!this.names.has(`${wanted}-${n}`)) return this.claim(`${wanted}-${n}`);
    }
  }

  private claim(name: string): string {
    this.names.add(name);
    return name;
  }
}

/** One DAG scope: the pipeline root, a loop body or a condition body. */
export class Dag {
  constructor(
    private readonly state: GraphState,
    readonly scopeId: number,
  ) {}

  task<I extends InputSpecs, O extends OutputSpecs>(
    component: ContainerComponent<I, O>,
    args: TaskArguments<I>,
    options: TaskOptions = {},
  ): Task<O> {
    const state = this.state;
    if (options.name !== undefined && !PIPELINE_NAME.test(options.name)) {
      throw new Error(`task name "${options.name}" must be lowercase letters, digits and dashes`);
    }
    const name = state.uniqueName(options.name ?? component.name, options.name !== undefined);
    const where = `task "${name}"`;
    const given = args as Record<string, unknown>;
    checkTaskArguments(where, component, given);
    for (const value of Object.values(given)) {
      if (isParamRef(value) || isArtifactRef(value)) state.checkVisible(value, this.scopeId, where);
    }
    const after = (options.after ?? []).map((task) => {
      const node = state.tasks[task.id];
      if (!node || node.name !== task.name || node.scopeId !== this.scopeId) {
        throw new Error(`${where}: "after" task "${task.name}" is not a task of the same loop/condition scope`);
      }
      return task.id;
    });
    const id = state.tasks.length;
    state.tasks.push({
      id,
      name,
      scopeId: this.scopeId,
      component: component as unknown as ContainerComponent,
      args: given,
      after,
      cache: options.cache ?? state.cacheDefault,
      resources: { ...component.resources, ...options.resources },
    });
    const outputs = Object.fromEntries(
      Object.entries(component.outputs).map(([key, spec]) => {
        const source = { kind: "taskOutput", taskId: id, output: key } as const;
        const label = `output "${key}" of task "${name}"`;
        const ref =
          spec.kind === "artifact" ? new ArtifactRef(spec.type, source, label) : new ParamRef(spec.type, source, label);
        return [key, state.register(ref)];
      }),
    );
    return { id, name, outputs: outputs as TaskOutputs<O> };
  }

  /** ParallelFor: runs `body` once per item, at most `parallelism` at a time (0 or unset = unlimited). */
  parallelFor<T extends ParameterType = "STRING">(
    items: ParamRef<"LIST"> | JsonValue[],
    options: { parallelism?: number; itemType?: T },
    body: (item: ParamRef<T>, dag: Dag) => void,
  ): void {
    const state = this.state;
    const id = state.scopes.length;
    const name = state.uniqueName(`for-loop-${id}`, true);
    const where = `ParallelFor "${name}"`;
    if (isParamRef(items)) {
      state.checkVisible(items, this.scopeId, where);
      if (items.type !== "LIST") throw new Error(`${where}: items must be a LIST parameter, got ${items.type}`);
    } else if (!Array.isArray(items) || items.length === 0) {
      throw new Error(`${where}: items must be a LIST parameter or a non-empty constant list`);
    }
    const parallelism = options.parallelism;
    if (parallelism !== undefined && (!Number.isInteger(parallelism) || parallelism < 0)) {
      throw new Error(`${where}: parallelism must be a non-negative integer (0 = unlimited), got ${parallelism}`);
    }
    const itemType = options.itemType ?? ("STRING" as T);
    state.scopes.push({ id, name, kind: "loop", parentId: this.scopeId, items, itemType, parallelism });
    const item = state.register(new ParamRef(itemType, { kind: "loopItem", loopId: id }, `the item of ${name}`));
    body(item, new Dag(state, id));
  }

  /** Runs `body` only when the condition holds at run time. */
  condition(condition: Condition, body: (dag: Dag) => void): void {
    const state = this.state;
    const id = state.scopes.length;
    const name = state.uniqueName(`condition-${id}`, true);
    const where = `condition "${name}"`;
    state.checkVisible(condition.left, this.scopeId, where);
    if (typeof condition.right === "object") {
      throw new Error(`${where}: the right-hand side must be a constant string, number or boolean`);
    }
    checkArgument(
      where,
      "right-hand side",
      { kind: "parameter", type: condition.left.type, optional: false },
      condition.right,
    );
    if (typeof condition.right === "string" && /['\\]/.test(condition.right)) {
      throw new Error(`${where}: compared string must not contain quotes or backslashes`);
    }
    state.scopes.push({ id, name, kind: "condition", parentId: this.scopeId, condition });
    body(new Dag(state, id));
  }
}

type Comparable = "STRING" | "NUMBER_INTEGER" | "NUMBER_DOUBLE" | "BOOLEAN";
type ConstantOf<T extends Comparable> = T extends "STRING" ? string : T extends "BOOLEAN" ? boolean : number;

/** Builds a condition comparing a parameter with a constant of the same type. */
export function compare<T extends Comparable>(
  left: ParamRef<T>,
  operator: ComparisonOperator,
  right: ConstantOf<T>,
): Condition {
  return { left, operator, right };
}

export function eq<T extends Comparable>(left: ParamRef<T>, right: ConstantOf<T>): Condition {
  return compare(left, "==", right);
}

export function ne<T extends Comparable>(left: ParamRef<T>, right: ConstantOf<T>): Condition {
  return compare(left, "!=", right);
}

export function definePipeline<P extends Record<string, ParameterSpec>>(
  def: PipelineDefinition<P>,
  body: (params: ParamRefs<P>, dag: Dag) => void,
): PipelineGraph {
  if (!PIPELINE_NAME.test(def.name)) {
    throw new Error(`pipeline name "${def.name}" must be lowercase letters, digits and dashes`);
  }
  const state = new GraphState(def.cache ?? true);
  const params = Object.fromEntries(
    Object.entries(def.parameters).map(([name, spec]) => {
      if (!PARAMETER_NAME.test(name)) {
        throw new Error(`pipeline parameter "${name}" must be snake_case (letters, digits, underscores)`);
      }
      if (spec.defaultValue !== undefined) {
        checkArgument(`pipeline parameter "${name}"`, "default", spec, spec.defaultValue);
      }
      const label = `pipeline parameter "${name}"`;
      return [name, state.register(new ParamRef(spec.type, { kind: "pipelineInput", name }, label))];
    }),
  );
  body(params as ParamRefs<P>, new Dag(state, ROOT_SCOPE));
  if (state.tasks.length === 0) throw new Error(`pipeline "${def.name}" has no tasks: add at least one`);
  return {
    name: def.name,
    ...(def.description ? { description: def.description } : {}),
    parameters: { ...def.parameters },
    tasks: state.tasks,
    scopes: state.scopes,
    ...(def.imagePullPolicy ? { imagePullPolicy: def.imagePullPolicy } : {}),
  };
}
