#!/usr/bin/env bash
# DNS load benchmark (BENCHMARKS.md, "DNS"): dnsperf against `coresmd dns` and, side by side with
# the same 10,000-node zone, NSD and Knot DNS pinned to one core, dnsmasq, and a bare node:dgram
# echo server (the ceiling of one Node process). Query mix: A, AAAA (with and without data), PTR
# (IPv4 and IPv6) and NXDOMAIN.
#
#   bash bench/dns.sh                         # 3 rounds × 5 servers, 10 s each, after npm ci
#   bash bench/dns.sh --tune                  # first: is dnsperf on one core the bottleneck?
#   bash bench/dns.sh --profile /tmp/dns-prof # and: ours under node --cpu-prof, summarised
#   bash bench/dns.sh --servers ours,echo --rounds 5 --duration 20 --json /tmp/dns.json
#
# All options go to bench/dns/run.ts (see its header). Installs what is missing with apt-get
# (dnsperf, nsd, knot, dnsmasq-base; retried while apt is locked) unless DNS_BENCH_NO_INSTALL=1.
# Needs two cores: the server gets CPU 1, dnsperf CPU 0. Traffic stays on 127.0.0.1.
# Every process started is killed by PID at the end, also on failure or Ctrl-C: run.ts does it,
# and this script kills whatever is left of the PIDs run.ts recorded (and their descendants).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v dnsperf >/dev/null || need+=(dnsperf)
command -v nsd >/dev/null || need+=(nsd)
command -v knotd >/dev/null || need+=(knot)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v dig >/dev/null || need+=(bind9-dnsutils)
command -v taskset >/dev/null || need+=(util-linux)
if ((${#need[@]} > 0)) && [[ "${DNS_BENCH_NO_INSTALL:-}" != 1 ]]; then
  echo "installing: ${need[*]}" >&2
  for try in $(seq 1 20); do
    # The packages' post-install scripts must not start nsd/knot on port 53.
    if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2; then break; fi
    ((try == 1)) && apt-get update >&2 || true
    echo "apt-get failed (locked?), try $try of 20; waiting 15 s" >&2
    sleep 15
  done
fi
# Debian's packages may have started their daemons: those would take CPU during the runs.
for unit in nsd knot; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$unit" 2>/dev/null; then
    echo "note: the $unit service is running on this machine; it is left alone but takes no load" >&2
  fi
done
if (($(nproc) < 2)); then
  echo "bench/dns.sh needs at least 2 CPUs (server on CPU 1, dnsperf on CPU 0)" >&2
  exit 1
fi
[[ -d node_modules/tsx ]] || { echo "run npm ci first" >&2; exit 1; }

pidfile=$(mktemp /tmp/bench-dns-pids.XXXXXX)
export DNS_BENCH_PIDFILE=$pidfile
descendants() {
  local p=$1 c
  for c in $(cat "/proc/$p/task/$p/children" 2>/dev/null); do descendants "$c"; done
  echo "$p"
}
# run.ts writes "PID STARTTIME" per process it starts; a PID whose start time differs has been
# reused by some other process since, and is left alone.
starttime() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0; s=${s##*) }; set -- $s; echo "${20}"; }
cleanup() {
  local pid start p
  while read -r pid start; do
    [[ -n "$pid" && -n "$start" && "$(starttime "$pid")" == "$start" ]] || continue
    for p in $(descendants "$pid"); do kill -KILL "$p" 2>/dev/null || true; done
  done <"$pidfile"
  rm -f "$pidfile"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

node --import tsx bench/dns/run.ts "$@"
