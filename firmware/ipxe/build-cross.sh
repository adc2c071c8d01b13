#!/usr/bin/env bash
# Optional, not run in CI: builds the iPXE binaries Debian's ipxe package does not ship
# (ipxe-arm64.efi, ipxe-i386.efi, ipxe-arm32.efi; src/boot/arch-table.ts names them) from
# Debian's ipxe *source* package with Debian's cross compilers. See README.md beside this script.
#
#   firmware/ipxe/build-cross.sh [--arch arm64|i386|arm32|all]... [--jobs N] [--keep]
#                                [--source DIR] [DEST]
#
# DEST defaults to bin/ beside this script. Needs Debian 12 and, as root:
#   apt-get install --no-install-recommends dpkg-dev make liblzma-dev \
#     gcc-aarch64-linux-gnu gcc-i686-linux-gnu gcc-arm-linux-gnueabihf
# (only the compilers of the architectures you build).
#
# The source is fetched with `apt-get source ipxe=<version of SHA256SUMS>` from the same archive
# apt installs `ipxe` from. When the system has no deb-src entry, a temporary one (that archive's
# URI, suite and component, taken from `apt-cache policy ipxe`) is used through apt options
# with a private list directory; the system's apt configuration is not changed.
#
# Every binary embeds the script below: iPXE runs it instead of its default autoboot. It does
# DHCP, then chains config.ipxe from the TFTP server (next-server, i.e. siaddr, which coresmd sets
# from server_id), as the OpenCHAMI ipxe-binaries builds do (spec coresmd-dhcp §8.3, without
# their hard-coded :69 and root-path), and when that fails it chains the boot file name DHCP
# gave iPXE (the BSS boot-script URL, since iPXE sends user class "iPXE").
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog="build-cross.sh"

arches=()
jobs=$(nproc 2>/dev/null || echo 2)
keep=0
source_dir=""
dest=""
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) shift; [ $# -gt 0 ] || { echo "$prog: --arch needs a value" >&2; exit 2; }
      if [ "$1" = all ]; then arches+=(arm64 i386 arm32); else arches+=("$1"); fi ;;
    --jobs) shift; jobs=${1:?--jobs needs a value} ;;
    --keep) keep=1 ;;
    --source) shift; source_dir=${1:?--source needs a directory} ;;
    -h | --help) sed -n '6,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    -*) echo "$prog: unknown option $1" >&2; exit 2 ;;
    *) dest=$1 ;;
  esac
  shift
done
[ ${#arches[@]} -gt 0 ] || arches=(arm64 i386 arm32)
dest=${dest:-"$here/bin"}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

# arch → cross prefix, iPXE make target, output name. ARM gets snp.efi as in OpenCHAMI's
# ipxe-binaries (spec coresmd-dhcp §8.3); i386 gets the full ipxe.efi (all drivers).
cross_of() { case "$1" in arm64) echo aarch64-linux-gnu- ;; i386) echo i686-linux-gnu- ;; arm32) echo arm-linux-gnueabihf- ;; *) return 1 ;; esac; }
target_of() { case "$1" in arm64) echo bin-arm64-efi/snp.efi ;; i386) echo bin-i386-efi/ipxe.efi ;; arm32) echo bin-arm32-efi/snp.efi ;; esac; }
output_of() { echo "ipxe-$1.efi"; }

for a in "${arches[@]}"; do
  cross=$(cross_of "$a") || { echo "$prog: unknown architecture '$a' (arm64, i386, arm32, all)" >&2; exit 2; }
  command -v "${cross}gcc" >/dev/null || {
    echo "$prog: ${cross}gcc not found; apt-get install gcc-${cross%-}" >&2
    exit 2
  }
done
for t in apt-get apt-cache make gcc; do
  command -v "$t" >/dev/null || { echo "$prog: '$t' not found (apt-get install make gcc)" >&2; exit 2; }
done

version=$(sed -n 's/^# package: ipxe //p' "$here/SHA256SUMS")
[ -n "$version" ] || { echo "$prog: no '# package: ipxe VERSION' line in SHA256SUMS" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coresmd-ipxe-build.XXXXXX")
cleanup() { if [ "$keep" -eq 1 ]; then echo "$prog: kept $tmp" >&2; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$tmp"; fi

# ---- the source package -----------------------------------------------------------------------
fetch_source() {
  local apt_opts=()
  if ! apt-get -q --print-uris source "ipxe=$version" >/dev/null 2>&1; then
    # No deb-src: derive one from the archive that offers the binary package, e.g. the line
    # "500 http://host/debian bookworm/main amd64 Packages" of `apt-cache policy ipxe`.
    local uri suite_comp
    read -r uri suite_comp < <(apt-cache policy ipxe | awk '$1 ~ /^[0-9]+$/ && $2 ~ /^https?:/ && $NF == "Packages" { print $2, $3; exit }')
    [ -n "${uri:-}" ] || { echo "$prog: apt-cache policy ipxe names no archive; run apt-get update" >&2; exit 2; }
    mkdir -p "$tmp/apt/lists/partial" "$tmp/apt/parts"
    echo "deb-src $uri ${suite_comp%%/*} ${suite_comp#*/}" >"$tmp/apt/sources.list"
    chown -R _apt "$tmp/apt/lists" 2>/dev/null || true
    apt_opts=(-o "Dir::Etc::SourceList=$tmp/apt/sources.list" -o "Dir::Etc::SourceParts=$tmp/apt/parts"
      -o "Dir::State::Lists=$tmp/apt/lists" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=")
    echo "$prog: no deb-src configured; using a temporary '$(cat "$tmp/apt/sources.list")'" >&2
    apt-get -q "${apt_opts[@]}" update >&2
  fi
  if ! (cd "$tmp" && apt-get -q "${apt_opts[@]}" source "ipxe=$version" >&2); then
    echo "$prog: 'apt-get source ipxe=$version' failed (see above). Unpack an iPXE source tree" >&2
    echo "$prog: some other way (dpkg-source -x of the .dsc, or a git checkout) and pass --source DIR." >&2
    exit 2
  fi
  source_dir=$(find "$tmp" -maxdepth 1 -type d -name 'ipxe-*' -print -quit)
}
if [ -z "$source_dir" ]; then
  command -v dpkg-source >/dev/null || { echo "$prog: dpkg-source not found (apt-get install dpkg-dev)" >&2; exit 2; }
  fetch_source
fi
# Accept the top of the tree or its src/ (where iPXE's Makefile is).
srcdir=$source_dir
[ -f "$srcdir/Makefile" ] && [ -d "$srcdir/arch" ] || srcdir="$source_dir/src"
[ -f "$srcdir/Makefile" ] && [ -d "$srcdir/arch" ] || { echo "$prog: no iPXE src/Makefile under '$source_dir'" >&2; exit 2; }

cat >"$tmp/embed.ipxe" <<'EOF'
#!ipxe
dhcp
chain tftp://${next-server}/config.ipxe || chain ${filename}
EOF

# ---- build ------------------------------------------------------------------------------------
status=0
for a in "${arches[@]}"; do
  cross=$(cross_of "$a")
  target=$(target_of "$a")
  out=$(output_of "$a")
  echo "$prog: building $out: make CROSS=$cross $target (log: $tmp/build-$a.log)" >&2
  # NO_WERROR: the 2019 source predates GCC 12's new warnings.
  if make -C "$srcdir" -j"$jobs" CROSS="$cross" NO_WERROR=1 EMBED="$tmp/embed.ipxe" "$target" >"$tmp/build-$a.log" 2>&1; then
    install -m 0644 "$srcdir/$target" "$dest/.$out.tmp.$$"
    mv -f "$dest/.$out.tmp.$$" "$dest/$out"
    echo "built    $out  sha256 $(sha256sum "$dest/$out" | cut -d' ' -f1)"
  else
    echo "$prog: $out failed; last lines of the build log:" >&2
    tail -n 20 "$tmp/build-$a.log" >&2
    keep=1
    status=1
  fi
done
exit "$status"
