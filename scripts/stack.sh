#!/usr/bin/env bash
# npm run up|preview|destroy|outputs|config [-- --stack NAME] [pulumi flags…]: the one way this project runs
# pulumi (npm run watch, results and ui read the stack's outputs through it too). Installs dependencies, uses
# `pulumi` from PATH or else the pinned CLI (scripts/ensure-pulumi-cli.ts), $PULUMI_BACKEND_URL or the backend
# you are logged in to or else a local file backend in .pulumi-state/, and the stack NAME (--stack, else
# $PULUMI_STACK, else dev), created on first use. Exit 2 on a usage error.
set -euo pipefail
cd "$(dirname "$0")/.."

action=${1:-}
[ $# -eq 0 ] || shift
case "$action" in
  up) pulumi_cmd=up what="Creates or updates the stack (pulumi up --yes): KFP, MinIO, the AMBER image, the pipeline run." ;;
  preview) pulumi_cmd=preview what="Shows what npm run up would change (pulumi preview); changes nothing." ;;
  destroy) pulumi_cmd=destroy what="Removes everything the stack made (pulumi destroy --yes)." ;;
  outputs) pulumi_cmd="stack output" what="Prints the stack's outputs (pulumi stack output): e.g. npm run outputs -- pipelineRunUrl; --show-secrets shows minioCredentials." ;;
  config) pulumi_cmd=config what="Reads or sets the stack's config in Pulumi.<stack>.yaml (pulumi config): e.g. npm run config -- set --path cluster.minikube.cpus 6." ;;
  *)
    echo "stack.sh: unknown action '$action'" >&2
    echo "usage: bash scripts/stack.sh up|preview|destroy|outputs|config [--stack NAME] [pulumi flags…]" >&2
    exit 2
    ;;
esac
synopsis="npm run $action [-- --stack NAME] [pulumi $pulumi_cmd flags…]"

usage() {
  cat <<EOF
usage: $synopsis

$what

The Pulumi CLI is \`pulumi\` on PATH, else the pinned version, installed into .pulumi-cli/ on first use.
The backend is \$PULUMI_BACKEND_URL, else the one you are logged in to, else a local file backend in
.pulumi-state/. Secrets in the stack's state are encrypted with a passphrase on a file backend: set
PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE); without a terminal it must be set.

flags:
  --stack NAME  the stack (default \$PULUMI_STACK, else dev); created on first use
  -h, --help    print this help and exit
  any other flag goes to \`pulumi $pulumi_cmd\`
EOF
}

usage_error() {
  printf '%s: %s\nusage: %s  (--help for details)\n' "$action" "$1" "$synopsis" >&2
  exit 2
}

stack=${PULUMI_STACK:-dev}
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage && exit 0 ;;
    --stack | -s)
      { [ $# -ge 2 ] && [ -n "$2" ] && [[ $2 != -* ]]; } || usage_error "$1 needs a stack name"
      stack=$2
      shift 2
      ;;
    --stack=*) stack=${1#--stack=} && shift ;;
    *) pass+=("$1") && shift ;;
  esac
done
[ -n "$stack" ] || usage_error "--stack needs a stack name"
up_command="npm run up"
[ "$stack" = dev ] || up_command="npm run up -- --stack $stack"

[ -d node_modules ] || npm ci --no-audit --no-fund >&2
if ! command -v pulumi >/dev/null; then
  # No CLI: the pinned one, installed once into .pulumi-cli/ (KFP_PROTEIN_PULUMI_ROOT overrides).
  pulumi_bin=$(node_modules/.bin/ts-node --transpile-only scripts/ensure-pulumi-cli.ts)
  export PATH="$pulumi_bin:$PATH"
fi

if [ -z "${PULUMI_BACKEND_URL:-}" ] && ! pulumi whoami >/dev/null 2>&1; then
  # metadata=skip: no `.attrs` file beside each checkpoint (see remove_empty_state_sidecars).
  export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state?metadata=skip"
  mkdir -p .pulumi-state
  [ "$action" = outputs ] || echo "Using the local file backend in .pulumi-state (set PULUMI_BACKEND_URL to use another)." >&2
fi
backend=${PULUMI_BACKEND_URL:-$(pulumi whoami --verbose 2>/dev/null | sed -n 's/^ *Backend URL: *//p')}

# Without metadata=skip, the file backend's blob store (gocloud's fileblob) rewrites a `.attrs` file beside each
# checkpoint in place: a pulumi killed at that moment leaves it empty, and every later command on the stack fails
# with "failed to load checkpoint: EOF". An empty one holds nothing (a missing one reads as no attributes).
remove_empty_state_sidecars() {
  [[ $1 == file://* ]] || return 0
  local dir=${1#file://} file
  dir=${dir%%\?*}
  dir=${dir/#\~/$HOME}
  [ -d "$dir/.pulumi" ] || return 0
  while IFS= read -r -d '' file; do
    rm -f "$file"
    echo "Removed $file: an empty file that a killed pulumi left beside the stack's state (every command failed with \"failed to load checkpoint: EOF\")." >&2
  done < <(find "$dir/.pulumi" -name '*.attrs' -size 0 -print0)
}
remove_empty_state_sidecars "$backend"
if [[ $backend != https://* ]] && [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  if [ ! -t 0 ]; then
    echo "$action: stack $stack keeps its secrets encrypted with a passphrase, and there is no terminal to ask for it: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) and run again." >&2
    exit 1
  fi
  echo "Secrets are encrypted with a passphrase: set PULUMI_CONFIG_PASSPHRASE (or _FILE) to skip the prompt." >&2
fi

stack_exists() { pulumi stack select "$stack" >/dev/null 2>&1; }

# A new stack is created from a scratch copy of Pulumi.yaml: its passphrase salt, which the stack's state
# keeps as well, is written there and not into the tracked Pulumi.<stack>.yaml.
ensure_stack() {
  stack_exists && return
  local scratch
  scratch=$(mktemp -d)
  cp Pulumi.yaml "$scratch/"
  if ! (cd "$scratch" && pulumi stack init "$stack" --no-select >/dev/null); then
    rm -rf "$scratch"
    exit 1
  fi
  rm -rf "$scratch"
  stack_exists
}

# What up/preview/destroy read as the stack's config: a copy of Pulumi.<stack>.yaml in a temp dir, so that what
# pulumi writes back (the passphrase salt, taken from the stack's state) stays out of the work tree.
export PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER=true
run_config() {
  config_dir=$(mktemp -d)
  trap 'rm -rf "$config_dir"' EXIT
  config_file=$config_dir/Pulumi.$stack.yaml
  if [ -f "Pulumi.$stack.yaml" ]; then cp "Pulumi.$stack.yaml" "$config_file"; else echo "config: {}" >"$config_file"; fi
}

case "$action" in
  outputs)
    stack_exists || { echo "no stack $stack in ${PULUMI_BACKEND_URL:-$backend}: run \`$up_command\` first" >&2 && exit 1; }
    # Asked for one output of a stack that has none: say why rather than "does not have output property".
    for arg in "${pass[@]}"; do
      if [[ $arg != -* ]] && [ "$(pulumi stack output --stack "$stack" --json)" = "{}" ]; then
        echo "stack $stack has no outputs: it exists but has never come up completely. Run \`$up_command\` first." >&2
        exit 1
      fi
    done
    exec pulumi stack output --stack "$stack" "${pass[@]}"
    ;;
  config)
    ensure_stack
    exec pulumi config --stack "$stack" "${pass[@]}"
    ;;
  destroy)
    stack_exists || { echo "no stack $stack in ${PULUMI_BACKEND_URL:-$backend}: nothing to destroy" >&2 && exit 0; }
    run_config
    pulumi destroy --yes --stack "$stack" --config-file "$config_file" "${pass[@]}"
    ;;
  up)
    ensure_stack
    run_config
    pulumi up --yes --stack "$stack" --config-file "$config_file" "${pass[@]}"
    ;;
  preview)
    ensure_stack
    run_config
    pulumi preview --stack "$stack" --config-file "$config_file" "${pass[@]}"
    ;;
esac
