/**
 * What argo-workflow.ts needs from a compiled KFP v2 IR: the root DAG's container tasks, a root ParallelFor with its
 * body's tasks, each task's dependencies, output artifact names and the input parameters the driver would resolve.
 */
import { parse as parseYaml } from "yaml";
import { ContainerTask, WorkflowPipeline } from "./argo-workflow";

interface IrTask {
  componentRef?: { name?: string };
  dependentTasks?: string[];
  parameterIterator?: { itemInput?: string; items?: { inputParameter?: string } };
  inputs?: {
    parameters?: Record<string, { componentInputParameter?: string; runtimeValue?: { constant?: unknown } }>;
  };
}
interface IrComponent {
  dag?: { tasks?: Record<string, IrTask> };
  outputDefinitions?: { artifacts?: Record<string, unknown> };
}
interface IrDoc {
  pipelineInfo?: { name?: string };
  root?: {
    dag?: { tasks?: Record<string, IrTask> };
    inputDefinitions?: { parameters?: Record<string, { defaultValue?: unknown }> };
  };
  components?: Record<string, IrComponent>;
}

/**
 * The pipeline of `ir` (a compiled spec, YAML or JSON) run with `parameters`; the loop's items are the values of
 * the run parameter its iterator reads. Throws on a document that is not a pipeline spec.
 */
export function workflowPipelineFromIr(ir: string, parameters: Record<string, unknown> = {}): WorkflowPipeline {
  const doc = parseYaml(ir.split(/^---$/m)[0]) as IrDoc;
  const rootTasks = doc?.root?.dag?.tasks;
  if (!doc?.pipelineInfo?.name || !rootTasks)
    throw new Error("not a KFP pipeline spec (no pipelineInfo.name or root DAG)");
  const defaults = doc.root?.inputDefinitions?.parameters ?? {};
  const runParameter = (name: string): unknown =>
    name in parameters ? parameters[name] : defaults[name]?.defaultValue;

  const containerTask = (name: string, task: IrTask, itemInput?: string): ContainerTask => {
    const values: Record<string, unknown> = {};
    let loopItemParameter: string | undefined;
    for (const [input, source] of Object.entries(task.inputs?.parameters ?? {})) {
      const from = source.componentInputParameter;
      if (from !== undefined && from === itemInput) loopItemParameter = input;
      else if (from !== undefined) values[input] = runParameter(from.replace(/^pipelinechannel--/, ""));
      else if (source.runtimeValue && "constant" in source.runtimeValue) values[input] = source.runtimeValue.constant;
    }
    const outputs = Object.keys(doc.components?.[task.componentRef?.name ?? ""]?.outputDefinitions?.artifacts ?? {});
    return {
      name,
      ...(task.dependentTasks?.length ? { dependsOn: task.dependentTasks } : {}),
      outputs,
      parameters: values,
      ...(loopItemParameter ? { loopItemParameter } : {}),
    };
  };

  const tasks: ContainerTask[] = [];
  let loop: WorkflowPipeline["loop"];
  for (const [name, task] of Object.entries(rootTasks)) {
    if (!task.parameterIterator) {
      tasks.push(containerTask(name, task));
      continue;
    }
    const body = doc.components?.[task.componentRef?.name ?? ""]?.dag?.tasks ?? {};
    const source = task.parameterIterator.items?.inputParameter?.replace(/^pipelinechannel--/, "") ?? "";
    const items = runParameter(source);
    loop = {
      name,
      tasks: Object.entries(body).map(([n, t]) => containerTask(n, t, task.parameterIterator?.itemInput)),
      items: Array.isArray(items) ? items.map(String) : [],
      ...(task.dependentTasks?.length ? { dependsOn: task.dependentTasks } : {}),
    };
  }
  return { name: doc.pipelineInfo.name, tasks, ...(loop ? { loop } : {}) };
}
