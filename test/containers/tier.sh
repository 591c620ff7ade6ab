#!/usr/bin/env bash
# Usage: npm run test:containers [-- WORK_DIR]
# The container tier, on a machine where Docker may never have been installed:
#  1. Debian's docker.io, docker-registry and mmdebstrap (apt, when missing); dockerd (started when none answers),
#  2. the base image (bookworm + python3, made with mmdebstrap, reused by content key) and images/amber built
#     from its unchanged Dockerfile with PYTHON_IMAGE set to it; image facts checked; its CUDA 12 variant
#     (OPENMM_PLATFORM=cuda12) built too and its OpenMM self-check run (no GPU here: installed, no device),
#  3. a registry round trip on loopback: push, check the digests agree, pull back by digest,
#  4. the IR compiled for that digest and run by the docker runner (tiny preset, PDB 1AKI from ../shared/data),
#     checked for facts only a working image gives; one NPT stage with md_engine=openmm in a container of the
#     image; then the same preset and structure as subprocesses for a benchmark line.
# Its last line is the `containers: …` summary. Logs go to WORK_DIR/logs (default: a new temp dir).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/../.."
work=$(realpath -m "${1:-$(mktemp -d "${TMPDIR:-/tmp}/containers-tier.XXXXXX")}")
logs=$work/logs
mkdir -p "$logs"
source test/containers/engine.sh
source test/containers/base-image.sh
source test/containers/registry.sh
trap 'stop_registry; stop_daemon' EXIT
CONTAINER_UID=10001
LYSOZYME_SHA256=d726b287d613ae536393417f0f6386755a503f8af28af17d0308822cfd54d6f2

data_dir=$(realpath -m ../shared/data)
[[ -f $data_dir/1aki.pdb ]] || die "no $data_dir/1aki.pdb: the tier reads PDB 1AKI from ../shared/data (see its README)"
[[ $(sha256sum <"$data_dir/1aki.pdb" | cut -c1-64) == "$LYSOZYME_SHA256" ]] ||
  die "$data_dir/1aki.pdb is not the RCSB entry described in ../shared/data/README.md (sha256 differs)"

step() {
  log "== $* ($((SECONDS - tier_start)) s)"
}
tier_start=$SECONDS
step "Docker engine"
ensure_packages
ensure_daemon

step "base image"
base=$(ensure_base_image)

step "AMBER image"
context_hash=$(cd images/amber && find . -type f ! -path '*/__pycache__/*' ! -path '*/.pytest_cache/*' -print0 |
  LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
built="kfp-protein/amber:ctx-$context_hash"
start=$SECONDS
# The engine's default builder; the Dockerfile needs nothing pulled beyond its FROM, which is local.
docker build --build-arg PYTHON_IMAGE="$base" --tag "$built" images/amber >"$logs/build.log" 2>&1 || {
  tail -n 30 "$logs/build.log" >&2
  die "docker build of images/amber failed (see $logs/build.log)"
}
cached=$(grep -c 'Using cache' "$logs/build.log" || true)
log "built $built in $((SECONDS - start)) s ($cached steps from the build cache; log: $logs/build.log)"
grep -q 'protein-step --parse-only' "$logs/build.log" || die "the build log shows no in-build self-check step"
log "in-build self-check passed (the build fails when it does not)"
docker image inspect "$built" >"$work/image.json"
npx ts-node --transpile-only test/containers/check.ts image "$work/image.json" images/amber/Dockerfile "$base" "$built" ||
  die "image facts do not hold (above)"
size_mb=$(($(docker image inspect --format '{{.Size}}' "$built") / 1000000))
log "image facts: Config.User 10001:10001, AMBERHOME and PATH from ENV, no :latest, no syntax directive; size ${size_mb} MB"
runtime=$(docker run --rm "$built" sh -c 'for t in tleap sander cpptraj ambpdb pdb4amber protein-step; do command -v "$t" >/dev/null || { echo "missing $t"; exit 1; }; done
  test -f "$AMBERHOME/dat/leap/cmd/leaprc.protein.ff14SB" || exit 1; echo "uid=$(id -u) AMBERHOME=$AMBERHOME"') ||
  die "tools missing in a container of $built: $runtime"
[[ $runtime == "uid=$CONTAINER_UID AMBERHOME=/opt/amber" ]] || die "a container of $built runs as '$runtime'"
log "a container of it, with nothing passed in: $runtime, AmberTools on PATH"

step "AMBER image, CUDA 12 variant"
built_cuda="$built-cuda12"
start=$SECONDS
docker build --build-arg PYTHON_IMAGE="$base" --build-arg OPENMM_PLATFORM=cuda12 --tag "$built_cuda" images/amber \
  >"$logs/build-cuda12.log" 2>&1 || {
  tail -n 30 "$logs/build-cuda12.log" >&2
  die "docker build of the CUDA 12 variant failed (see $logs/build-cuda12.log)"
}
cached=$(grep -c 'Using cache' "$logs/build-cuda12.log" || true)
log "built $built_cuda in $((SECONDS - start)) s ($cached steps from the build cache; log: $logs/build-cuda12.log)"
# No GPU is passed in, so the check must find the platform installed and say that no device is present.
cuda_check=$(docker run --rm "$built_cuda" python -m protein_steps.openmm_check --platform CUDA) ||
  die "the CUDA variant's self-check failed: $cuda_check"
[[ $cuda_check == *"CUDA platform installed, no device present"* ]] ||
  die "the CUDA variant's self-check says '$cuda_check', not that the platform is installed with no device"
cuda_mb=$(($(docker image inspect --format '{{.Size}}' "$built_cuda") / 1000000))
log "CUDA variant, ${cuda_mb} MB: $cuda_check"

step "registry round trip"
start_registry
ref=$(roundtrip "$built" "ctx-$context_hash")

step "IR for $ref"
npm run --silent compile -- --image "$ref" --out "$work/ir" >"$logs/compile.log"
# Executors' `image: REF` lines (the run report's input parameter named `image` has no value on its line).
ir_images=$(sed -n 's/^ *image: *\(..*\)$/\1/p' "$work/ir/protein.yaml" | tr -d "'\"" | sort -u)
[[ $ir_images == "$ref" ]] || die "the compiled IR names images '$ir_images', not only $ref"
log "every executor in $work/ir/protein.yaml runs $ref"

step "pipeline in containers (tiny preset, 1AKI)"
pdb_params=(--param pdb_code=1aki --param "pdb_source=$data_dir")
start=$SECONDS
npm run --silent pipeline:local -- --runner docker --image "$ref" --ir "$work/ir/protein.yaml" --preset tiny \
  "${pdb_params[@]}" --mount "$data_dir" --no-cache --out "$work/docker-run" | tee "$logs/docker-run.log" >&2 ||
  die "the pipeline did not succeed in containers (summary: $work/docker-run/summary.json)"
docker_seconds=$((SECONDS - start))
report=$(npx ts-node --transpile-only test/containers/check.ts run "$work/docker-run" "$ref" "$CONTAINER_UID") || {
  echo "$report" >&2
  die "the container run's outputs do not show a working image (above)"
}
echo "$report" >&2
tasks=$(sed -n 's/^check run: tasks=//p' <<<"$report")

step "an OpenMM stage in a container (md_engine=openmm)"
# NPT on OpenMM from the container run's NVT restart, in the built image (its CPU platform, auto-picked).
stage_dir="$work/openmm-stage"
mkdir -p "$stage_dir/out" && chmod -R a+rwx "$stage_dir"
cp "$work/docker-run/leap-add-ions/topology.parmtop" "$stage_dir/top"
cp "$work/docker-run/nvt/restart.rst" "$stage_dir/rst"
docker run --rm --mount "type=bind,source=$stage_dir,target=/stage" "$ref" protein-step sander-mdrun \
  --engine openmm --platform auto --simulation-type npt --steps 20 --restraint-mask '{solute} & !@H=' \
  --restraint-weight 2.5 --temperature 300 --traj-interval 10 --seed 71277 --free-md-protocol tutorial \
  --water-model TIP3PBOX --positive-ion Na+ --negative-ion Cl- --input-top /stage/top --input-crd /stage/rst \
  --output-mdin /stage/out/mdin --output-rst /stage/out/rst --output-traj /stage/out/traj \
  --output-log /stage/out/log >"$logs/openmm-stage.log" 2>&1 ||
  die "the OpenMM stage failed in a container of $ref (see $logs/openmm-stage.log)"
openmm_line=$(grep -o 'OpenMM (npt.*ns/day' "$logs/openmm-stage.log") ||
  die "the OpenMM stage's log names no platform and speed (see $logs/openmm-stage.log)"
log "in a container of $ref: $openmm_line"
stop_registry
stop_daemon

step "benchmark: the same preset and structure as subprocesses"
# CI's AMBER tier has just run this preset and structure as subprocesses: its summary.json (same
# parameters but pdb_source, which run_context also names; every task SUCCEEDED) gives the wall time
# without a second run.
subprocess_seconds=""
if [[ -n ${SUBPROCESS_RUN_DIR:-} && -f $SUBPROCESS_RUN_DIR/summary.json ]]; then
  subprocess_seconds=$(node -e '
    const [subFile, dockerFile] = process.argv.slice(1);
    const sub = JSON.parse(require("fs").readFileSync(subFile, "utf8"));
    const docker = JSON.parse(require("fs").readFileSync(dockerFile, "utf8"));
    const withoutSource = (p) => {
      const context = JSON.parse(p.run_context || "{}");
      delete (context.overrides || {}).pdb_source;
      return JSON.stringify({ ...p, pdb_source: "", run_context: context });
    };
    const same = (a, b) => withoutSource(a) === withoutSource(b);
    const ok = sub.runner === "subprocess" && same(sub.parameters, docker.parameters) &&
      sub.tasks.length === docker.tasks.length && sub.tasks.every((t) => t.state === "SUCCEEDED");
    if (ok) console.log(Math.round(sub.wallSeconds));
  ' "$SUBPROCESS_RUN_DIR/summary.json" "$work/docker-run/summary.json")
  if [[ -n $subprocess_seconds ]]; then
    log "subprocess run from $SUBPROCESS_RUN_DIR (same preset and structure, every task SUCCEEDED)"
  else
    log "$SUBPROCESS_RUN_DIR is not a successful subprocess run of the same parameters: running one"
  fi
fi
if [[ -z $subprocess_seconds ]]; then
  venv=$(tools/python-env.sh amber images/amber/requirements-test.txt)
  start=$SECONDS
  npm run --silent pipeline:local -- --ir "$work/ir/protein.yaml" --preset tiny "${pdb_params[@]}" --venv "$venv" \
    --no-cache --out "$work/subprocess-run" >"$logs/subprocess-run.log" 2>&1 ||
    die "the subprocess run failed (see $logs/subprocess-run.log)"
  subprocess_seconds=$((SECONDS - start))
fi
echo "benchmark: tiny preset, 1AKI, $tasks tasks: containers ${docker_seconds} s, subprocesses ${subprocess_seconds} s, ratio $(awk "BEGIN { printf \"%.2f\", $docker_seconds / $subprocess_seconds }")"
log "tier took $((SECONDS - tier_start)) s; logs in $logs"
echo "containers: image=$ref size=${size_mb}MB tasks=$tasks/$tasks SUCCEEDED pdb=1aki runner=docker registry=roundtrip-ok cuda12=${cuda_mb}MB,self-check-ok"
