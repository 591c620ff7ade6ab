import json

import pytest

from protein_steps.errors import StepError
from protein_steps.kfp_io import executor_output, write_metrics


def executor_input(tmp_path, key="output_metrics"):
    return {
        "inputs": {"parameterValues": {"title": "RMSD"}},
        "outputs": {
            "artifacts": {
                "output_html": {"artifacts": [{"name": "output_html", "type": {"schemaTitle": "system.HTML"},
                                               "uri": "minio://b/h"}]},
                key: {"artifacts": [{"name": key, "type": {"schemaTitle": "system.Metrics"},
                                     "uri": "minio://b/m", "metadata": {}}]},
            },
            "outputFile": str(tmp_path / "kfp" / "output_metadata.json"),
        },
    }


def test_metrics_go_to_the_metrics_artifact_whatever_its_name(tmp_path):
    output = executor_output(executor_input(tmp_path), {"mean_rmsd": 1.25}, "/m")
    assert output == {"artifacts": {"output_metrics": {"artifacts": [
        {"name": "output_metrics", "uri": "minio://b/m", "metadata": {"mean_rmsd": 1.25}}]}}}


def test_write_metrics_writes_the_executor_output_file_and_the_artifact(tmp_path):
    metrics_path = tmp_path / "out" / "metrics"
    write_metrics(json.dumps(executor_input(tmp_path)), {"mean_temp": 299.5}, str(metrics_path))
    written = json.loads((tmp_path / "kfp" / "output_metadata.json").read_text())
    assert written["artifacts"]["output_metrics"]["artifacts"][0]["metadata"] == {"mean_temp": 299.5}
    assert json.loads(metrics_path.read_text()) == {"mean_temp": 299.5}


def test_nan_metrics_are_refused(tmp_path):
    with pytest.raises(StepError, match="metric mean_rmsd is nan"):
        executor_output(executor_input(tmp_path), {"mean_rmsd": float("nan")}, "/m")


@pytest.mark.parametrize("text,message", [("{{$}}", "not JSON"), ('{"inputs": {}}', "no 'outputs'")])
def test_unresolved_or_wrong_executor_input_is_a_clear_error(tmp_path, text, message):
    with pytest.raises(StepError, match=message):
        write_metrics(text, {"m": 1.0}, str(tmp_path / "m"))
