# Sourced by test/containers/tier.sh. A real registry round trip: Debian's docker-registry (the
# distribution registry) on a loopback port, the image pushed to it, removed from the engine, and pulled
# back by the digest the push reported, which is what @pulumi/docker's repoDigest pins.
# Needs: log, die, wait_until_serving (engine.sh), $logs, $work. Defines start_registry, stop_registry, roundtrip.

registry_pid=""
registry_port=""

start_registry() {
  registry_port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  mkdir -p "$work/registry"
  cat >"$work/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$registry_port
YAML
  docker-registry serve "$work/registry.yml" >"$logs/registry.log" 2>&1 &
  registry_pid=$!
  wait_until_serving docker-registry "$registry_pid" 30 "$logs/registry.log" "listen on 127.0.0.1:$registry_port" \
    bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$registry_port"
  log "docker-registry $(docker-registry --version 2>/dev/null | awk '{print $3}') on 127.0.0.1:$registry_port"
}

stop_registry() {
  [[ -n $registry_pid ]] || return 0
  kill "$registry_pid" 2>/dev/null || true
  wait "$registry_pid" 2>/dev/null || true
  registry_pid=""
}

# roundtrip LOCAL_TAG TAG: pushes, checks the digests agree, pulls back by digest; prints repo@sha256:…
roundtrip() {
  local built=$1 tag=$2 repo="127.0.0.1:$registry_port/amber"
  local image_id pushed repo_digest pulled_id
  image_id=$(docker image inspect --format '{{.Id}}' "$built")
  docker tag "$built" "$repo:$tag"
  docker push "$repo:$tag" >"$logs/push.log" 2>&1 || {
    tail -n 20 "$logs/push.log" >&2
    die "docker push $repo:$tag failed (see $logs/push.log)"
  }
  pushed=$(sed -n 's/.*digest: \(sha256:[0-9a-f]\{64\}\) size: .*/\1/p' "$logs/push.log")
  [[ -n $pushed ]] || die "docker push printed no digest (see $logs/push.log)"
  repo_digest=$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$built" | grep -F "$repo@" || true)
  [[ $repo_digest == "$repo@$pushed" ]] ||
    die "docker push reported $pushed but the engine's RepoDigests say '$repo_digest'"
  log "pushed: digest $pushed (= RepoDigests entry $repo_digest, what @pulumi/docker's repoDigest reports)"
  npx ts-node --transpile-only test/containers/check.ts registry "http://127.0.0.1:$registry_port" amber "$tag" "$pushed" "$image_id" >&2 ||
    die "the registry does not serve the pushed image as $pushed"
  log "registry serves manifest $pushed by tag and by digest; its config blob is the image id $image_id"
  # Remove every tag (keeping the build cache's parent images), then pull by digest: the engine's image now
  # comes from the registry's manifest and config.
  local reference
  # Removing the last tag may take the digest references with it: those are then already gone.
  for reference in $(docker image inspect --format '{{range .RepoTags}}{{println .}}{{end}}{{range .RepoDigests}}{{println .}}{{end}}' "$image_id"); do
    docker image rm --no-prune "$reference" >/dev/null 2>&1 || true
  done
  docker image inspect "$image_id" >/dev/null 2>&1 && die "image $image_id is still in the engine after removing its tags"
  docker pull "$repo@$pushed" >"$logs/pull.log" 2>&1 || {
    tail -n 20 "$logs/pull.log" >&2
    die "docker pull $repo@$pushed failed (see $logs/pull.log)"
  }
  pulled_id=$(docker image inspect --format '{{.Id}}' "$repo@$pushed")
  [[ $pulled_id == "$image_id" ]] || die "pulled $repo@$pushed is image $pulled_id, not the built $image_id"
  log "pulled back $repo@$pushed: image $pulled_id, the one built"
  echo "$repo@$pushed"
}
