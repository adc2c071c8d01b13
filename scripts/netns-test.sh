#!/usr/bin/env bash
# Real-network smoke test in throwaway network namespaces (root only).
#
#   server namespace  192.0.2.1/24 ──veth── 192.0.2.2/24  client namespace
#
# The server side runs the appliance pieces that exist so far (the SMD simulator); the client
# side talks to them with real tools. Every address lives inside namespaces this script creates,
# nothing leaves the machine, and everything it starts is stopped by PID on exit, even on failure.
# Later issues extend it with dhclient, udhcpc, dig and tftp (the original README's DORA recipe).
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "netns-test: needs root (network namespaces); skipping" >&2
  exit 77
fi

tag="csmd$$"
srv="${tag}s"; cli="${tag}c"
vsrv="v${tag}s"; vcli="v${tag}c"
srv_ip=192.0.2.1; cli_ip=192.0.2.2
pids=()
results=()
failed=0

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  ip netns del "$srv" 2>/dev/null
  ip netns del "$cli" 2>/dev/null
}
trap cleanup EXIT INT TERM

check() { # name, then a command; records PASS/FAIL with the command's last output line
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then
    results+=("PASS  $name: $(printf '%s' "$out" | tail -n 1)")
  else
    results+=("FAIL  $name: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')")
    failed=1
  fi
}

ip netns add "$srv" && ip netns add "$cli" || exit 1
ip link add "$vsrv" type veth peer name "$vcli" || exit 1
ip link set "$vsrv" netns "$srv"; ip link set "$vcli" netns "$cli"
ip -n "$srv" addr add "$srv_ip/24" dev "$vsrv"; ip -n "$cli" addr add "$cli_ip/24" dev "$vcli"
for ns in "$srv" "$cli"; do ip -n "$ns" link set lo up; done
ip -n "$srv" link set "$vsrv" up; ip -n "$cli" link set "$vcli" up

smd_url="http://$srv_ip:27779"
ip netns exec "$srv" bin/coresmd smd-sim --inventory examples/inventory.json --listen "$srv_ip:27779" \
  >"/tmp/$tag-smd-sim.log" 2>&1 &
pids+=($!)

wait_for_smd() {
  for _ in $(seq 1 50); do
    ip netns exec "$cli" bin/coresmd inventory --smd "$smd_url" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "smd-sim did not answer at $smd_url"; cat "/tmp/$tag-smd-sim.log"; return 1
}
check "smd-sim reachable from the client namespace" wait_for_smd

inventory_has_node() {
  local out
  out=$(ip netns exec "$cli" bin/coresmd inventory --smd "$smd_url") || return 1
  grep -E '52:54:00:be:ef:01 .*172\.16\.0\.1.*x1000c0s0b0n0' <<<"$out" || { echo "$out"; return 1; }
}
check "inventory over the veth lists node x1000c0s0b0n0" inventory_has_node

rm -f "/tmp/$tag-smd-sim.log"
echo "netns-test summary:"
printf '  %s\n' "${results[@]}"
if [ "$failed" -ne 0 ]; then echo "netns-test: FAILED"; exit 1; fi
echo "netns-test: all passed"
