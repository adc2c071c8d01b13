#!/usr/bin/env bash
# Fills a firmware directory with the iPXE binaries of Debian's `ipxe` package, fetched through
# apt and checked against the committed SHA-256 manifest (SHA256SUMS beside this script).
# No binary is committed to the repository; see README.md beside this script.
#
#   firmware/ipxe/fetch.sh [--force] [DEST]   fetch what is missing into DEST (default: bin/ here)
#   firmware/ipxe/fetch.sh --verify [DEST]    only check DEST against the manifest; no network
#   firmware/ipxe/fetch.sh --print-manifest   print a manifest for apt's current candidate
#
# Exit status: 0 all files present and verified; 1 checksum mismatch (nothing is written);
# 2 usage or environment error (apt cannot download the pinned version, tool missing);
# 3 (--verify only) a file is missing.
#
# Idempotent: files already in DEST with the right checksum are left alone, and when all are
# there nothing is downloaded. A file in DEST with a different checksum (a local build, say) is
# never overwritten unless --force is given.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
manifest="$here/SHA256SUMS"
prog="fetch.sh"

usage() {
  sed -n '6,8p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2
  exit "${1:-2}"
}

mode=fetch
force=0
dest=""
while [ $# -gt 0 ]; do
  case "$1" in
    --verify) mode=verify ;;
    --print-manifest) mode=print ;;
    --force) force=1 ;;
    -h | --help) usage 0 ;;
    -*) echo "$prog: unknown option $1" >&2; usage ;;
    *)
      [ -z "$dest" ] || usage
      dest=$1
      ;;
  esac
  shift
done
dest=${dest:-"$here/bin"}

# Where each file lives inside the .deb (Debian 12, ipxe 1.0.0+git-20190125.36a4c85-5.1).
# ipxe.efi moved to /boot in 1.0.0+git-20190125.36a4c85-4 (Debian #947267); its
# /usr/lib/ipxe/ipxe.efi entry is an absolute symlink to /boot/ipxe.efi, which must not be
# followed outside the extraction directory, so the real path is named here.
path_in_deb() {
  case "$1" in
    undionly.kpxe) echo usr/lib/ipxe/undionly.kpxe ;;
    ipxe-x86_64.efi) echo boot/ipxe.efi ;;
    snponly.efi) echo usr/lib/ipxe/snponly.efi ;;
    *) return 1 ;;
  esac
}
all_names=(undionly.kpxe ipxe-x86_64.efi snponly.efi)

sha256_of() {
  sha256sum "$1" | cut -d' ' -f1
}

# ---- the manifest: `# package: ipxe VERSION`, then `<64 hex>  <name>` lines ----------------
version=""
names=()
sums=()
read_manifest() {
  [ -r "$manifest" ] || { echo "$prog: manifest $manifest not readable" >&2; exit 2; }
  local line n=0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    case "$line" in
      '# package: ipxe '*) version=${line#'# package: ipxe '} ;;
      '#'* | '') ;;
      *)
        if [[ ! "$line" =~ ^([0-9a-f]{64})\ \ ([A-Za-z0-9._-]+)$ ]]; then
          echo "$prog: $manifest:$n: expected '<sha256>  <name>', found '$line'" >&2
          exit 2
        fi
        sums+=("${BASH_REMATCH[1]}")
        names+=("${BASH_REMATCH[2]}")
        path_in_deb "${BASH_REMATCH[2]}" >/dev/null || {
          echo "$prog: $manifest:$n: no known place in the ipxe package for '${BASH_REMATCH[2]}'" >&2
          exit 2
        }
        ;;
    esac
  done <"$manifest"
  [ -n "$version" ] || { echo "$prog: $manifest: no '# package: ipxe VERSION' line" >&2; exit 2; }
  [ ${#names[@]} -gt 0 ] || { echo "$prog: $manifest: no entries" >&2; exit 2; }
}

need_tools() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "$prog: '$t' not found; this script needs Debian's apt and dpkg" >&2; exit 2; }
  done
}

tmp=""
cleanup() { [ -z "$tmp" ] || rm -rf "$tmp"; }
trap cleanup EXIT

# Downloads the .deb (the given apt version spec) into a fresh temp dir and extracts it to $tmp/root.
download_and_extract() {
  local spec=$1
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/coresmd-ipxe.XXXXXX")
  # apt drops privileges to _apt for the download; let it write here so it does not warn.
  if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$tmp"; fi
  if ! (cd "$tmp" && apt-get download -q "$spec" >&2); then
    echo "$prog: 'apt-get download $spec' failed." >&2
    echo "$prog: run 'apt-get update' first; if apt no longer offers that version, check the" >&2
    echo "$prog: new one with '$prog --print-manifest' and update SHA256SUMS after review." >&2
    exit 2
  fi
  local deb
  deb=$(find "$tmp" -maxdepth 1 -name 'ipxe_*.deb' -print -quit)
  [ -n "$deb" ] || { echo "$prog: apt-get download left no ipxe_*.deb in $tmp" >&2; exit 2; }
  mkdir "$tmp/root"
  dpkg-deb -x "$deb" "$tmp/root"
  got_version=$(dpkg-deb -f "$deb" Version)
}

if [ "$mode" = print ]; then
  need_tools apt-get dpkg-deb sha256sum
  got_version=""
  download_and_extract ipxe
  echo "# SHA-256 of the iPXE binaries firmware/ipxe/fetch.sh takes from Debian's ipxe package."
  echo "# Regenerate only after checking a new package version: firmware/ipxe/fetch.sh --print-manifest"
  echo "# package: ipxe $got_version"
  for name in "${all_names[@]}"; do
    f="$tmp/root/$(path_in_deb "$name")"
    [ -f "$f" ] && [ ! -L "$f" ] || { echo "$prog: ipxe $got_version has no $(path_in_deb "$name")" >&2; exit 2; }
    echo "$(sha256_of "$f")  $name"
  done
  exit 0
fi

read_manifest
need_tools sha256sum

# ---- check what DEST already holds ------------------------------------------------------------
missing=()
mismatched=0
for i in "${!names[@]}"; do
  name=${names[$i]}
  want=${sums[$i]}
  f="$dest/$name"
  if [ ! -e "$f" ]; then
    missing+=("$i")
    [ "$mode" = verify ] && echo "$prog: missing $f" >&2
    continue
  fi
  got=$(sha256_of "$f")
  if [ "$got" = "$want" ]; then
    [ "$mode" = verify ] && echo "ok       $name"
    continue
  fi
  if [ "$mode" = fetch ] && [ "$force" -eq 1 ]; then
    echo "$prog: $f has sha256 $got, not $want: replacing it (--force)" >&2
    missing+=("$i")
    continue
  fi
  echo "$prog: checksum mismatch: $f has sha256 $got, the manifest ($manifest, ipxe $version) says $want" >&2
  [ "$mode" = fetch ] && echo "$prog: not overwriting it; remove it or pass --force" >&2
  mismatched=1
done

if [ "$mode" = verify ]; then
  [ "$mismatched" -eq 0 ] || exit 1
  [ ${#missing[@]} -eq 0 ] || exit 3
  echo "$prog: ${#names[@]} files in $dest match $manifest (ipxe $version)"
  exit 0
fi
[ "$mismatched" -eq 0 ] || exit 1
if [ ${#missing[@]} -eq 0 ]; then
  echo "$prog: ${#names[@]} files in $dest already verified (ipxe $version); nothing to do"
  exit 0
fi

# ---- fetch the pinned package, verify everything before writing anything ---------------------
need_tools apt-get dpkg-deb
got_version=""
download_and_extract "ipxe=$version"
if [ "$got_version" != "$version" ]; then
  echo "$prog: apt gave ipxe $got_version, the manifest pins $version" >&2
  exit 1
fi
for i in "${missing[@]}"; do
  name=${names[$i]}
  inner=$(path_in_deb "$name")
  f="$tmp/root/$inner"
  if [ ! -f "$f" ] || [ -L "$f" ]; then
    echo "$prog: ipxe $got_version has no regular file $inner (for $name)" >&2
    exit 1
  fi
  got=$(sha256_of "$f")
  if [ "$got" != "${sums[$i]}" ]; then
    echo "$prog: checksum mismatch: $inner from ipxe $got_version has sha256 $got, the manifest says ${sums[$i]} for $name; nothing written" >&2
    exit 1
  fi
done
mkdir -p "$dest"
for i in "${missing[@]}"; do
  name=${names[$i]}
  # Write beside the target and rename, so a reader (the TFTP/HTTP server) never sees half a file.
  install -m 0644 "$tmp/root/$(path_in_deb "$name")" "$dest/.$name.tmp.$$"
  mv -f "$dest/.$name.tmp.$$" "$dest/$name"
  echo "fetched  $name  ($(path_in_deb "$name") from ipxe $got_version, sha256 ${sums[$i]})"
done
echo "$prog: ${#names[@]} files in $dest verified (ipxe $version)"
