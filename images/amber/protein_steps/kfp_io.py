"""KFP executor input/output: where to write output metadata for the step's `metrics` artifact.

KFP passes the executor input JSON through the `{{$}}` placeholder. Its `outputs.outputFile` names
the file the launcher reads back after the container exits (the ExecutorOutput message); artifact
metadata written there is what the KFP UI shows for a system.Metrics artifact.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from .errors import StepError

METRICS_ARTIFACT = "metrics"
METRICS_SCHEMA = "system.Metrics"


def parse_executor_input(text: str) -> dict:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise StepError(f"--executor-input is not JSON ({error.msg}); the IR must pass '{{{{$}}}}'") from None
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
        raise StepError("--executor-input has no 'outputs' object; the IR must pass '{{$}}'")
    return data


def executor_output(executor_input: dict, metrics: dict[str, float], metrics_path: str) -> dict:
    """The ExecutorOutput message carrying `metrics` as the metadata of the Metrics artifact."""
    for name, value in metrics.items():
        if not math.isfinite(value):
            raise StepError(f"metric {name} is {value}: the analysed data contains NaN or infinity")
    key, listed = metrics_output(executor_input)
    artifact = dict(listed[0]) if listed else {"name": key}
    artifact.setdefault("uri", Path(metrics_path).as_uri())
    artifact["metadata"] = {**artifact.get("metadata", {}), **{k: float(v) for k, v in metrics.items()}}
    artifact.pop("type", None)
    return {"artifacts": {key: {"artifacts": [artifact]}}}


def metrics_output(executor_input: dict) -> tuple[str, list]:
    """The output key of the system.Metrics artifact (whatever the component calls it) and its list."""
    outputs = executor_input["outputs"].get("artifacts", {})
    for key, entry in outputs.items():
        listed = entry.get("artifacts", [])
        if listed and listed[0].get("type", {}).get("schemaTitle") == METRICS_SCHEMA:
            return key, listed
    return METRICS_ARTIFACT, outputs.get(METRICS_ARTIFACT, {}).get("artifacts", [])


def write_metrics(executor_input_text: str, metrics: dict[str, float], metrics_path: str) -> None:
    """Write the metrics both into the artifact file (readable locally) and the executor output."""
    executor_input = parse_executor_input(executor_input_text)
    output = executor_output(executor_input, metrics, metrics_path)
    target = Path(metrics_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    output_file = executor_input["outputs"].get("outputFile")
    if not output_file:
        raise StepError("--executor-input has no outputs.outputFile: cannot report the metrics to KFP")
    destination = Path(output_file)
    destination.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(destination.read_text()) if destination.is_file() and destination.stat().st_size else {}
    existing.setdefault("artifacts", {}).update(output["artifacts"])
    destination.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n", encoding="utf-8")
