#!/usr/bin/env bash
# npm run ui: port-forward the KFP UI of the current stack and print its URL (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
stack=${PULUMI_STACK:-dev}
[ -n "${PULUMI_BACKEND_URL:-}" ] || { pulumi whoami >/dev/null 2>&1 || export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"; }
forward=$(pulumi stack output kfpUiPortForward --stack "$stack")
url=$(pulumi stack output kfpUiUrl --stack "$stack")
echo "KFP UI: $url  (run: $forward)"
# The output is a shell command with each value quoted (a context may hold spaces): let the shell parse it.
eval "exec $forward"
