#!/usr/bin/env bash
# Builds the iommu-twin images on a machine whose Docker engine cannot pull from a registry.
#
#   bash scripts/docker-base.sh               base images (if missing) + the app image
#   bash scripts/docker-base.sh --base-only   only the base images
#   bash scripts/docker-base.sh --force-base  re-import the base images even if present
#
# 1. Base images, made with `docker import` from a root filesystem assembled from this
#    machine's own files: its `node` binary with the shared libraries it links (ldd), a static
#    busybox (Debian's busybox-static, unpacked, not installed) for /bin/sh and the usual
#    tools, /etc/passwd with a `node` user (uid 1000), /tmp. Two tags:
#      iommu-twin/base:local        runtime base (node, busybox)
#      iommu-twin/node-build:local  build stage base (the same plus this machine's npm)
#    They carry a label with the node version and are re-imported when it changes.
# 2. The app image (default iommu-twin:local, or $IOMMUTWIN_IMAGE), from the Dockerfile with
#    BASE_IMAGE/BUILD_IMAGE set to the two bases and INSTALL_CMD=true: the context is streamed
#    as a tar that carries the already-installed node_modules (run `npm ci` first), so the
#    build needs no network at all (it runs with --network none). The build stage is kept as
#    iommu-twin/build-cache:local (the layer cache); superseded stages and images are pruned.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=iommu-twin/base:local
BUILDER=iommu-twin/node-build:local
IMAGE=${IOMMUTWIN_IMAGE:-iommu-twin:local}
base_only=0
force_base=0
for a in "$@"; do
  case "$a" in
    --base-only) base_only=1 ;;
    --force-base) force_base=1 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "docker-base.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

log() { echo "docker-base.sh: $*" >&2; }
die() { log "$*"; exit 1; }

command -v docker >/dev/null || die "no docker client on PATH"
docker info >/dev/null 2>&1 || die "no Docker engine answers (docker info failed); start dockerd first"
command -v node >/dev/null || die "no node on PATH"

node_bin=$(readlink -f "$(command -v node)")
node_version=$(node --version)
label=org.iommutwin.base.node

current() { # image -> 0 if it exists with our node version
  [ "$(docker image inspect -f "{{ index .Config.Labels \"$label\" }}" "$1" 2>/dev/null || true)" = "$node_version" ]
}

build_bases() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  local t0=$SECONDS

  # busybox-static from Debian's archive: unpacked, never installed on this machine.
  local deb
  deb=$(ls /var/cache/apt/archives/busybox-static_*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ]; then
    if ! (cd "$work" && apt-get download busybox-static >/dev/null 2>&1); then
      log "apt-get download busybox-static failed: updating the package lists once"
      apt-get update -qq >/dev/null || die "apt-get update failed (as root?)"
      (cd "$work" && apt-get download busybox-static >/dev/null) || die "cannot download busybox-static"
    fi
    deb=$(ls "$work"/busybox-static_*.deb | head -n1)
  fi
  mkdir -p "$work/bb"
  dpkg-deb -x "$deb" "$work/bb"
  [ -x "$work/bb/bin/busybox" ] || die "busybox-static package has no bin/busybox"

  local root="$work/rootfs"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,tmp,root,home/node,app}
  cp "$work/bb/bin/busybox" "$root/bin/busybox"
  local applet
  for applet in $("$root/bin/busybox" --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
  done

  # node and the shared libraries it links (the loader included), at their own paths
  cp "$node_bin" "$root/usr/local/bin/node"
  local lib
  for lib in $(ldd "$node_bin" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done

  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
node:x:1000:1000:node:/home/node:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
node:x:1000:
nogroup:x:65534:
EOF
  echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
  chmod 1777 "$root/tmp"
  if [ "$(id -u)" = 0 ]; then chown 1000:1000 "$root/home/node"; else chmod 1777 "$root/home/node"; fi

  local changes=(-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c "LABEL $label=$node_version" -c 'CMD ["node"]')
  log "importing $BASE (node $node_version, busybox $(basename "$deb" .deb | cut -d_ -f2))"
  tar --numeric-owner -C "$root" -cf - . | docker import "${changes[@]}" -m "node $node_version + busybox, from this machine" - "$BASE" >/dev/null

  # the build stage's base: the same plus npm
  local npm_dir
  npm_dir="$(npm root -g)/npm"
  [ -f "$npm_dir/bin/npm-cli.js" ] || die "npm not found at $npm_dir"
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  log "importing $BUILDER (npm $(npm --version))"
  tar --numeric-owner -C "$root" -cf - . | docker import "${changes[@]}" -m "node $node_version + npm + busybox, from this machine" - "$BUILDER" >/dev/null
  log "base images ready in $((SECONDS - t0)) s"
}

if [ "$force_base" = 1 ] || ! current "$BASE" || ! current "$BUILDER"; then
  build_bases
else
  log "$BASE and $BUILDER are current (node $node_version)"
fi
[ "$base_only" = 1 ] && exit 0

# ------------------------------------------------------------------ the app image
[ -d node_modules/typescript ] || die "node_modules is missing or incomplete: run 'npm ci' first"
t0=$SECONDS
log "building $IMAGE (offline, context streamed with node_modules)"
# The context: what the build compiles and ships, plus node_modules; no tests, no .git.
context() {
  tar -cf - \
    --exclude='*.test.ts' --exclude='node_modules/.cache' --exclude='node_modules/.vite' --exclude='node_modules/.vitest' \
    Dockerfile package.json package-lock.json tsconfig.json libs services proto profiles node_modules
}
build() { # the builder's output is shown only when it fails (or with IOMMUTWIN_BUILD_VERBOSE=1)
  local out rc=0
  out=$(mktemp)
  context | docker build --network none --force-rm -f Dockerfile \
    --build-arg BASE_IMAGE="$BASE" \
    --build-arg BUILD_IMAGE="$BUILDER" \
    --build-arg INSTALL_CMD=true \
    "$@" - >"$out" 2>&1 || rc=$?
  if [ "$rc" != 0 ] || [ "${IOMMUTWIN_BUILD_VERBOSE:-}" = 1 ]; then
    if [ "$rc" != 0 ]; then tail -n 80 "$out" >&2; else cat "$out" >&2; fi
  fi
  log "$(grep -c '^Step ' "$out") build steps, $(grep -c 'Using cache' "$out") from cache"
  rm -f "$out"
  [ "$rc" = 0 ] || die "docker build failed (exit $rc)"
}
# The build stage is tagged iommu-twin/build-cache:local so that it stays as the layer cache of
# the next build (an unchanged tree rebuilds from cache); superseded stages and images, untagged
# by now, are pruned. Stale untagged ones go first, so any untagged build stage found after the
# build is this build's.
prune() { docker image prune -f --filter label=org.iommutwin.image >/dev/null; }
prune
build -t "$IMAGE"
stage=$(docker images -q --filter dangling=true --filter label=org.iommutwin.image=build | head -n1)
[ -z "$stage" ] || docker tag "$stage" iommu-twin/build-cache:local
prune
log "$IMAGE built in $((SECONDS - t0)) s ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
