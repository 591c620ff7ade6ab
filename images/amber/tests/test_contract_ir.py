"""Contract test: every task of the compiled IR (dist/pipelines/protein.yaml, `npm run compile`) is
accepted by the step runner's CLI parser once KFP's placeholders are resolved to sample values."""

import functools
import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import AMBER_DIR
from protein_steps.cli import STEPS, build_parser

IR_PATH = Path(AMBER_DIR).parents[1] / "dist" / "pipelines" / "protein.yaml"
PLACEHOLDER = re.compile(r"\{\{\$(?:\.(inputs|outputs)\.(parameters|artifacts)\['([^']+)'\]\.?(\w*))?\}\}")


@functools.lru_cache(maxsize=1)
def read_ir() -> dict:
    return next(yaml.safe_load_all(IR_PATH.read_text()))


def load_ir() -> dict:
    if not IR_PATH.is_file():
        pytest.fail(f"{IR_PATH} is missing: run `npm run compile` first (images/amber/ci.sh does)")
    return read_ir()


def render(value) -> str:
    """Parameter values as KFP substitutes them into a command line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def parameter_value(ir: dict, spec: dict):
    if "runtimeValue" in spec:
        return spec["runtimeValue"]["constant"]
    if "componentInputParameter" in spec:
        definition = ir["root"]["inputDefinitions"]["parameters"][spec["componentInputParameter"]]
        return definition.get("defaultValue", "sample")
    return "sample"


def resolve(ir: dict, task_name: str, task: dict, text: str) -> str:
    def substitute(match: re.Match) -> str:
        io, kind, name, _ = match.groups()
        if io is None:
            return json.dumps({"outputs": {"outputFile": f"/tmp/sample/{task_name}/executor_output.json"}})
        if kind == "parameters" and io == "inputs":
            return render(parameter_value(ir, task["inputs"]["parameters"][name]))
        return f"/tmp/sample/{task_name}/{io}/{name}"

    return PLACEHOLDER.sub(substitute, text)


def task_cases():
    if not IR_PATH.is_file():
        return [pytest.param(None, id="ir-missing")]
    ir = read_ir()
    return [pytest.param(name, id=name) for name in sorted(ir["root"]["dag"]["tasks"])]


@pytest.mark.parametrize("task_name", task_cases())
def test_task_arguments_parse(task_name):
    ir = load_ir()
    task = ir["root"]["dag"]["tasks"][task_name]
    component = ir["components"][task["componentRef"]["name"]]
    assert "executorLabel" in component, f"{task_name}: DAG components (ParallelFor) are not runner steps"
    container = ir["deploymentSpec"]["executors"][component["executorLabel"]]["container"]
    command = container["command"]
    assert command[0] == "protein-step" and command[1] in STEPS, f"{task_name}: unexpected command {command}"
    argv = [resolve(ir, task_name, task, arg) for arg in command[1:] + container.get("args", [])]
    assert not any("{{" in arg for arg in argv), f"{task_name}: unresolved placeholder in {argv}"
    args = build_parser().parse_args(argv)  # SystemExit (test failure) when the contract is broken
    assert args.step == command[1]


def test_the_pipeline_is_big_enough():
    assert len(load_ir()["root"]["dag"]["tasks"]) >= 15


def test_placeholder_resolution_covers_every_kind():
    ir = {"root": {"inputDefinitions": {"parameters": {"p": {"defaultValue": 9.0}}}}}
    task = {"inputs": {"parameters": {"a": {"componentInputParameter": "p"}, "b": {"runtimeValue": {"constant": 50}}}}}
    text = "{{$.inputs.parameters['a']}} {{$.inputs.parameters['b']}} {{$.outputs.artifacts['o'].path}}"
    assert resolve(ir, "t", task, text) == "9.0 50 /tmp/sample/t/outputs/o"
    assert json.loads(resolve(ir, "t", task, "{{$}}"))["outputs"]["outputFile"].endswith("executor_output.json")
