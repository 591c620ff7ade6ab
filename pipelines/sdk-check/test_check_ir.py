#!/usr/bin/env python3
"""The checker must reject broken IR: mutate our compiled protein.yaml and expect problems.

Run after `npm run compile` (run.sh does): python3 test_check_ir.py
"""
import copy
import sys
import tempfile
import unittest
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
import check_gpu_ir  # noqa: E402
import check_ir  # noqa: E402

COMPILED = Path(__file__).resolve().parents[2] / "dist" / "pipelines" / "protein.yaml"


def problems_for(spec_doc, platform_doc):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutated.yaml"
        path.write_text(yaml.safe_dump_all([spec_doc, platform_doc], sort_keys=True))
        try:
            return check_ir.check_file(path)[2]
        except Exception as error:  # parse errors count as rejection
            return [f"{type(error).__name__}: {error}"]


class CheckerRejectsBrokenIr(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.spec, cls.platform = check_ir.load_documents(COMPILED)

    def mutate(self):
        return copy.deepcopy(self.spec), copy.deepcopy(self.platform)

    def test_original_passes(self):
        self.assertEqual(problems_for(self.spec, self.platform), [])

    def test_unknown_field_in_task(self):
        spec, platform = self.mutate()
        spec["root"]["dag"]["tasks"]["heat"]["retries"] = 3
        self.assertIn("no field named", " ".join(problems_for(spec, platform)))

    def test_unknown_field_in_container(self):
        spec, platform = self.mutate()
        spec["deploymentSpec"]["executors"]["exec-sander-mdrun"]["container"]["workingDir"] = "/x"
        self.assertIn("no field named", " ".join(problems_for(spec, platform)))

    def test_unknown_field_in_platform(self):
        spec, platform = self.mutate()
        platform["platforms"]["kubernetes"]["deploymentSpec"]["executors"]["exec-sander-mdrun"]["pullPolicy"] = "Always"
        self.assertIn("no field named", " ".join(problems_for(spec, platform)))

    def test_unpinned_image(self):
        spec, platform = self.mutate()
        spec["deploymentSpec"]["executors"]["exec-sander-mdrun"]["container"]["image"] = "amber:latest"
        self.assertIn("is not pinned by digest", " ".join(problems_for(spec, platform)))

    def test_unwired_input(self):
        spec, platform = self.mutate()
        del spec["root"]["dag"]["tasks"]["heat"]["inputs"]["parameters"]["steps"]
        self.assertIn("required parameter steps is not wired", " ".join(problems_for(spec, platform)))

    def test_missing_dependency(self):
        spec, platform = self.mutate()
        spec["root"]["dag"]["tasks"]["heat"]["dependentTasks"].remove("min-solvated")
        self.assertIn("missing from dependentTasks", " ".join(problems_for(spec, platform)))

    def test_bad_pipeline_name(self):
        spec, platform = self.mutate()
        spec["pipelineInfo"]["name"] = "Protein MD"
        self.assertIn("is not a lowercase DNS-style name", " ".join(problems_for(spec, platform)))

    def test_wrong_artifact_type(self):
        spec, platform = self.mutate()
        artifact = spec["root"]["dag"]["tasks"]["plot-heat"]["inputs"]["artifacts"]["input_log"]
        artifact["taskOutputArtifact"]["outputArtifactKey"] = "output_rst"
        self.assertIn("wrong type", " ".join(problems_for(spec, platform)))


def gpu_problems_for(spec_doc, platform_doc):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gpu.yaml"
        path.write_text(yaml.safe_dump_all([spec_doc, platform_doc], sort_keys=True))
        return check_gpu_ir.check(path)[1]


class GpuCheckComparesWithTheSdk(unittest.TestCase):
    """check_gpu_ir must accept what the SDK writes and name each field where ours differs."""

    def setUp(self):
        self.spec, self.platform = check_ir.load_documents(COMPILED)
        self.resources = self.spec["deploymentSpec"]["executors"]["exec-sander-mdrun"]["container"]["resources"]
        self.placement = self.platform["platforms"]["kubernetes"]["deploymentSpec"]["executors"]["exec-sander-mdrun"]
        self.resources["accelerator"] = {
            "count": "1", "resourceCount": "1", "resourceType": "nvidia.com/gpu", "type": "nvidia.com/gpu",
        }
        self.placement["nodeSelector"] = {"labels": {"nvidia.com/gpu.present": "true"}}
        self.placement["tolerations"] = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]

    def test_the_sdks_own_fields_pass(self):
        self.assertEqual(gpu_problems_for(self.spec, self.platform), [])

    def test_a_missing_legacy_field_is_named(self):
        del self.resources["accelerator"]["type"]
        self.assertIn("exec-sander-mdrun resources.accelerator", " ".join(gpu_problems_for(self.spec, self.platform)))

    def test_a_toleration_written_differently_is_named(self):
        self.placement["tolerations"][0]["tolerationSeconds"] = 30
        self.assertIn("exec-sander-mdrun platform.tolerations", " ".join(gpu_problems_for(self.spec, self.platform)))

    def test_an_ir_without_a_gpu_executor_fails(self):
        del self.resources["accelerator"]
        self.assertIn("nothing to compare", " ".join(gpu_problems_for(self.spec, self.platform)))


if __name__ == "__main__":
    unittest.main(verbosity=1)
