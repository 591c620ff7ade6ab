# Sourced by test/containers/tier.sh. A Docker engine for the container tier on a machine that may never
# have had one: Debian's docker.io, docker-registry and mmdebstrap installed with apt when missing, and dockerd
# started when no daemon answers (stopped again on exit, and only that one).
# Needs: $logs (a directory for log files); defines log, die, wait_until_serving, ensure_packages, ensure_daemon, stop_daemon.

log() { echo "containers: $*" >&2; }
die() {
  echo "containers: FAILED: $*" >&2
  exit 1
}

ensure_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  command -v docker >/dev/null || missing+=(docker.io)
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) == 0 ]] || die "${missing[*]} not installed and not root: run 'apt-get install ${missing[*]}' as root"
  log "installing ${missing[*]} with apt (log: $logs/apt.log)"
  {
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends "${missing[@]}"
  } >"$logs/apt.log" 2>&1 || {
    tail -n 20 "$logs/apt.log" >&2
    die "apt-get install ${missing[*]} failed (see $logs/apt.log)"
  }
}

started_daemon_pid=""

# wait_until_serving NAME PID SECONDS LOG WHAT PROBE...: waits until PROBE succeeds while the process PID lives,
# leaving the seconds waited in $waited; dies with LOG's tail when the process exits or SECONDS pass first.
waited=0
wait_until_serving() {
  local name=$1 pid=$2 limit=$3 logfile=$4 what=$5
  shift 5
  waited=0
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$logfile" >&2
      die "$name exited while starting (see $logfile)"
    fi
    ((waited >= limit)) && {
      tail -n 20 "$logfile" >&2
      die "$name did not $what within $limit s (see $logfile)"
    }
    sleep 1
    waited=$((waited + 1))
  done
}

# Answers when `docker info` reaches a daemon; starts dockerd (as root) when none does.
ensure_daemon() {
  if docker info >/dev/null 2>&1; then
    log "using the running Docker daemon ($(docker version --format '{{.Server.Version}}'))"
    return 0
  fi
  [[ $(id -u) == 0 ]] || die "no Docker daemon answers and only root can start dockerd: start Docker, or run as root"
  log "starting dockerd (log: $logs/dockerd.log)"
  dockerd >"$logs/dockerd.log" 2>&1 &
  started_daemon_pid=$!
  wait_until_serving dockerd "$started_daemon_pid" 60 "$logs/dockerd.log" "answer 'docker info'" docker info
  log "dockerd $(docker version --format '{{.Server.Version}}') answers after ${waited} s"
}

stop_daemon() {
  [[ -n $started_daemon_pid ]] && kill -0 "$started_daemon_pid" 2>/dev/null || return 0
  log "stopping the dockerd this tier started (pid $started_daemon_pid)"
  kill "$started_daemon_pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$started_daemon_pid" 2>/dev/null && ((waited < 30)); do
    sleep 1
    waited=$((waited + 1))
  done
  started_daemon_pid=""
}
