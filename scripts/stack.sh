#!/usr/bin/env bash
# npm run up|preview|destroy: install dependencies, use a local file backend unless one is configured,
# select (or create) the stack, and run pulumi.
set -euo pipefail
cd "$(dirname "$0")/.."
action=${1:?usage: stack.sh up|preview|destroy|outputs [pulumi args…]}; shift
stack=${PULUMI_STACK:-dev}

[ -d node_modules ] || npm ci --no-audit --no-fund
if ! command -v pulumi >/dev/null; then
  # No CLI: the pinned one, installed once into .pulumi-cli/ (KFP_PROTEIN_PULUMI_ROOT overrides).
  pulumi_bin=$(node_modules/.bin/ts-node --transpile-only scripts/ensure-pulumi-cli.ts)
  export PATH="$pulumi_bin:$PATH"
fi

if [ -z "${PULUMI_BACKEND_URL:-}" ] && ! pulumi whoami >/dev/null 2>&1; then
  export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"
  mkdir -p .pulumi-state
  echo "Using the local file backend in .pulumi-state (set PULUMI_BACKEND_URL to use another)." >&2
fi
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  echo "Secrets are encrypted with a passphrase: set PULUMI_CONFIG_PASSPHRASE (or _FILE) to skip the prompt." >&2
fi

if [ "$action" = outputs ]; then  # for npm run watch / results: the stack's outputs as JSON, secrets shown
  pulumi stack select "$stack" >/dev/null 2>&1 || { echo "no stack $stack in this backend" >&2; exit 1; }
  exec pulumi stack output --json --show-secrets --stack "$stack"
fi
pulumi stack select "$stack" 2>/dev/null || pulumi stack init "$stack"
case "$action" in
  up) pulumi up --yes --stack "$stack" "$@" ;;
  preview) pulumi preview --stack "$stack" "$@" ;;
  destroy) pulumi destroy --yes --stack "$stack" "$@" ;;
  *) echo "unknown action: $action" >&2; exit 2 ;;
esac
