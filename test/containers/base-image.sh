# Sourced by test/containers/tier.sh. The base image for images/amber/Dockerfile's PYTHON_IMAGE, made here
# because no image registry is reachable: a Debian bookworm root filesystem from Debian's packages
# (mmdebstrap, with python3, python3-venv, python-is-python3, libgomp1), imported with `docker import`.
# TLS from these machines goes through an intercepting proxy whose CA only the host's bundle holds, so the
# image gets the host's bundle and PIP_CERT/REQUESTS_CA_BUNDLE pointing at it; the Dockerfile never mentions it.
# Cached by a content key (this file, the packages, the host's apt sources and CA bundle): a later run with
# the same key reuses the image instead of bootstrapping again.
# Needs: log, die, $logs. Defines ensure_base_image, which prints the image reference.

BASE_SUITE=bookworm
BASE_PACKAGES=python3,python3-venv,python-is-python3,libgomp1,ca-certificates
BASE_CA=/etc/ssl/certs/ca-certificates.crt
BASE_REPO=kfp-protein/bookworm-python

# The host's Debian sources, so the root filesystem comes from the mirror this machine already uses.
host_apt_sources() {
  local file
  for file in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    [[ -s $file ]] && grep -q '^[^#]' "$file" && {
      echo "$file"
      return 0
    }
  done
  return 0
}

base_image_key() {
  local sources=$1
  {
    cat "${BASH_SOURCE[0]}"
    echo "$BASE_SUITE $BASE_PACKAGES"
    [[ -n $sources ]] && cat "$sources"
    sha256sum <"$BASE_CA"
  } | sha256sum | cut -c1-16
}

ensure_base_image() {
  [[ -r $BASE_CA ]] || die "no CA bundle at $BASE_CA: install ca-certificates on the host"
  local sources ref
  sources=$(host_apt_sources)
  ref="$BASE_REPO:$BASE_SUITE-$(base_image_key "$sources")"
  if docker image inspect "$ref" >/dev/null 2>&1; then
    log "base image $ref reused (same content key)"
    echo "$ref"
    return 0
  fi
  log "bootstrapping $BASE_SUITE with mmdebstrap (${sources:-default mirror}; log: $logs/mmdebstrap.log)"
  local start=$SECONDS
  # pipefail: a failed mmdebstrap must not leave a half-imported image behind a valid-looking tag.
  if ! mmdebstrap --variant=apt --include="$BASE_PACKAGES" \
    --customize-hook="copy-in $BASE_CA /etc/ssl/certs" \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    "$BASE_SUITE" - ${sources:+"$sources"} 2>"$logs/mmdebstrap.log" |
    docker import \
      --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      --change "ENV LANG=C.UTF-8" \
      --change "ENV PIP_CERT=$BASE_CA" \
      --change "ENV REQUESTS_CA_BUNDLE=$BASE_CA" \
      --change "ENV SSL_CERT_FILE=$BASE_CA" \
      --change 'CMD ["python3"]' \
      - "$ref" >"$logs/docker-import.log" 2>&1; then
    docker image rm "$ref" >/dev/null 2>&1 || true
    tail -n 20 "$logs/mmdebstrap.log" "$logs/docker-import.log" >&2
    die "could not make the base image $ref (see $logs/mmdebstrap.log)"
  fi
  log "base image $ref made in $((SECONDS - start)) s"
  echo "$ref"
}
