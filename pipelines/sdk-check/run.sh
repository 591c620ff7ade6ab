#!/usr/bin/env bash
# Strict check of our compiled IR with the official kfp SDK (pinned in requirements.txt):
# compiles the pipelines, then proto-parses (unknown fields rejected), loads and recompiles every YAML.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=$(tools/python-env.sh kfp-sdk-check pipelines/sdk-check/requirements.txt)
npm run --silent compile
shopt -s nullglob
files=(dist/pipelines/*.yaml)
if [ ${#files[@]} -eq 0 ]; then
  echo "sdk-check: npm run compile wrote no YAML to dist/pipelines/" >&2
  exit 1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
npx --no-install ts-node --transpile-only pipelines/sdk-check/feature-sample.ts "$scratch/builder-feature-sample.yaml"
npx --no-install ts-node --transpile-only pipelines/sdk-check/gpu-sample.ts "$scratch/protein-gpu.yaml"
"$venv/bin/python" pipelines/sdk-check/check_ir.py "${files[@]}" "$scratch/builder-feature-sample.yaml" \
  "$scratch/protein-gpu.yaml"
"$venv/bin/python" pipelines/sdk-check/check_gpu_ir.py "$scratch/protein-gpu.yaml"
"$venv/bin/python" pipelines/sdk-check/test_check_ir.py
