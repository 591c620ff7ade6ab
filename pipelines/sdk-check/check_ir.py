#!/usr/bin/env python3
"""Strict acceptance check of compiled KFP v2 IR files with the official kfp SDK.

For every YAML file given:
  1. proto parse of the PipelineSpec and of each Kubernetes executor config, rejecting unknown fields;
  2. graph checks the proto cannot express (references resolve, required inputs wired, images pinned);
  3. kfp.components.load_component_from_file, then kfp.compiler.Compiler().compile of the loaded
     pipeline, and the recompiled PipelineSpec must equal ours (apart from sdkVersion).
Exits non-zero with one line per problem.
"""
import re
import sys
import tempfile
from pathlib import Path

import yaml
from google.protobuf import json_format
from kfp import compiler, components
from kfp.kubernetes import kubernetes_executor_config_pb2
from kfp.pipeline_spec import pipeline_spec_pb2

PINNED_IMAGE = re.compile(r"@sha256:[0-9a-f]{64}$")
# What the KFP API server demands of pipelineInfo.name on upload (template/v2_template.go).
PIPELINE_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def parse_strict(data, message):
    json_format.ParseDict(data, message, ignore_unknown_fields=False)
    return message


def load_documents(path):
    docs = [doc for doc in yaml.safe_load_all(Path(path).read_text()) if doc is not None]
    if not docs or len(docs) > 2:
        raise ValueError(f"expected a PipelineSpec document and an optional platform document, got {len(docs)}")
    return docs[0], (docs[1] if len(docs) == 2 else None)


def parse_spec(spec_doc):
    """PipelineSpec.deploymentSpec is a Struct, so it is parsed strictly into its real message separately."""
    spec = parse_strict(spec_doc, pipeline_spec_pb2.PipelineSpec())
    deployment = parse_strict(spec_doc.get("deploymentSpec", {}), pipeline_spec_pb2.PipelineDeploymentConfig())
    return spec, deployment


def check_platform(platform_doc, deployment, problems):
    platform = parse_strict(platform_doc, pipeline_spec_pb2.PlatformSpec())
    for name, single in platform.platforms.items():
        if name != "kubernetes":
            problems.append(f"platform '{name}' is not 'kubernetes'")
        for executor, config in single.deployment_spec.executors.items():
            if executor not in deployment.executors:
                problems.append(f"platform config for unknown executor {executor}")
            parse_strict(json_format.MessageToDict(config), kubernetes_executor_config_pb2.KubernetesExecutorConfig())


def check_graph(spec, deployment, problems):
    executors = deployment.executors
    for name, executor in executors.items():
        image = executor.container.image
        if not PINNED_IMAGE.search(image):
            problems.append(f"{name}: image {image!r} is not pinned by digest")
    for name, component in spec.components.items():
        if component.executor_label and component.executor_label not in executors:
            problems.append(f"{name}: executor {component.executor_label} does not exist")
    check_dag("root", spec.root, spec, problems)
    for name, component in spec.components.items():
        if component.HasField("dag"):
            check_dag(name, component, spec, problems)


def check_dag(owner, component, spec, problems):
    tasks = component.dag.tasks
    own_params = component.input_definitions.parameters
    own_artifacts = component.input_definitions.artifacts
    for task_name, task in tasks.items():
        where = f"{owner}/{task_name}"
        ref = spec.components.get(task.component_ref.name)
        if ref is None:
            problems.append(f"{where}: component {task.component_ref.name} does not exist")
            continue
        for dep in task.dependent_tasks:
            if dep not in tasks:
                problems.append(f"{where}: dependent task {dep} is not in the same DAG")
        for key, value in task.inputs.parameters.items():
            if key not in ref.input_definitions.parameters:
                problems.append(f"{where}: passes unknown parameter {key}")
            kind = value.WhichOneof("kind")
            if kind == "component_input_parameter" and value.component_input_parameter not in own_params:
                problems.append(f"{where}: {key} reads missing DAG input {value.component_input_parameter}")
            if kind == "task_output_parameter":
                check_producer(where, key, value.task_output_parameter.producer_task, task, tasks, problems)
        for key, value in task.inputs.artifacts.items():
            if key not in ref.input_definitions.artifacts:
                problems.append(f"{where}: passes unknown artifact {key}")
            kind = value.WhichOneof("kind")
            if kind == "component_input_artifact" and value.component_input_artifact not in own_artifacts:
                problems.append(f"{where}: {key} reads missing DAG input {value.component_input_artifact}")
            if kind == "task_output_artifact":
                producer = value.task_output_artifact.producer_task
                check_producer(where, key, producer, task, tasks, problems)
                if producer in tasks:
                    produced = spec.components[tasks[producer].component_ref.name].output_definitions.artifacts
                    out_key = value.task_output_artifact.output_artifact_key
                    if out_key not in produced:
                        problems.append(f"{where}: {producer} has no output artifact {out_key}")
                    elif (produced[out_key].artifact_type.schema_title
                          != ref.input_definitions.artifacts[key].artifact_type.schema_title
                          and ref.input_definitions.artifacts[key].artifact_type.schema_title != "system.Artifact"):
                        problems.append(f"{where}: {key} gets an artifact of the wrong type from {producer}")
        loop_item = task.parameter_iterator.item_input if task.HasField("parameter_iterator") else None
        for key, definition in ref.input_definitions.parameters.items():
            wired = key in task.inputs.parameters or key == loop_item
            if not wired and not definition.is_optional:
                problems.append(f"{where}: required parameter {key} is not wired")
        for key in ref.input_definitions.artifacts:
            if key not in task.inputs.artifacts:
                problems.append(f"{where}: required artifact {key} is not wired")


def check_producer(where, key, producer, task, tasks, problems):
    if producer not in tasks:
        problems.append(f"{where}: {key} comes from {producer}, which is not in the same DAG")
    elif producer not in task.dependent_tasks:
        problems.append(f"{where}: {key} comes from {producer}, which is missing from dependentTasks")


def check_sdk_roundtrip(path, spec, problems):
    loaded = components.load_component_from_file(str(path))
    if loaded.name != spec.pipeline_info.name:
        problems.append(f"the SDK loaded the pipeline as {loaded.name!r}, not {spec.pipeline_info.name!r}")
    sdk_inputs = set(loaded.component_spec.inputs or {})
    if sdk_inputs != set(spec.root.input_definitions.parameters):
        problems.append(f"the SDK sees pipeline inputs {sorted(sdk_inputs)}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "recompiled.yaml"
        compiler.Compiler().compile(loaded, str(out))
        recompiled_doc, _ = load_documents(out)
    recompiled, _ = parse_spec(recompiled_doc)
    recompiled.sdk_version = spec.sdk_version
    if recompiled != spec:
        problems.append("the SDK's recompiled PipelineSpec differs from ours")


def check_file(path):
    problems = []
    spec_doc, platform_doc = load_documents(path)
    spec, deployment = parse_spec(spec_doc)
    if not PIPELINE_NAME.fullmatch(spec.pipeline_info.name):
        problems.append(f"pipelineInfo.name {spec.pipeline_info.name!r} is not a lowercase DNS-style name")
    if spec.schema_version != "2.1.0":
        problems.append(f"schemaVersion is {spec.schema_version!r}, expected '2.1.0'")
    if platform_doc is not None:
        check_platform(platform_doc, deployment, problems)
    check_graph(spec, deployment, problems)
    check_sdk_roundtrip(path, spec, problems)
    return spec, deployment, problems


def main(paths):
    if not paths:
        print("usage: check_ir.py PIPELINE.yaml...", file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        try:
            spec, deployment, problems = check_file(path)
        except Exception as error:  # any parse/load failure is a rejection of the file
            problems = [f"{type(error).__name__}: {error}"]
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        if problems:
            failed = True
        else:
            tasks = len(spec.root.dag.tasks) + sum(len(c.dag.tasks) for c in spec.components.values())
            print(f"{path}: OK ({len(spec.components)} components, {tasks} tasks, "
                  f"{len(deployment.executors)} executors)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
