#!/usr/bin/env bash
# Usage: bash test/workflows/check.sh
# Lints the example CI workflows under docs/examples/ with actionlint (built from its Go module, cached), after
# checking that this actionlint does reject a broken workflow.
set -euo pipefail
cd "$(dirname "$0")/../.."
actionlint=$(bash test/workflows/actionlint/build-actionlint.sh)

broken=$(mktemp --suffix .yml)
trap 'rm -f "$broken"' EXIT
printf 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ matrix.nope }}\n' >"$broken"
if "$actionlint" -no-color "$broken" >/dev/null; then
  echo "workflows: actionlint accepted a workflow that reads an undefined matrix value" >&2
  exit 1
fi

"$actionlint" -no-color docs/examples/*.yml
echo "workflows: $(ls docs/examples/*.yml | wc -l) example workflow(s) pass actionlint $("$actionlint" -version | head -1)"
