#!/usr/bin/env bash
# Real-network test in throwaway network namespaces (root only): the appliance's SMD simulator
# and DHCPv4 server on one side, real DHCP clients (ISC dhclient, busybox udhcpc, dhcping) and a
# real relay (ISC dhcrelay) on the other.
#
#   cli ns 192.0.2.2 ──veth── 192.0.2.1  ┌ server ns ──────────────────────────────────────────┐
#                                        │ smd-sim on 192.0.2.1:27779                          │
#                                        │ coresmd dhcp (scripts/netns/coredhcp.yaml.in)       │
#   dhclient 52:54:00:be:ef:01 (SMD) ─┐  │                                                     │
#   udhcpc   52:54:00:be:ef:02 (SMD) ─┼──┤ bridge A 172.16.0.253/24   (LAN A)                  │
#   dhclient 02:00:00:00:a0:01 (new) ─┤  │                                                     │
#   udhcpc   02:00:00:00:a0:02 (new) ─┘  │                                                     │
#   udhcpc   02:00:00:00:b0:01 (SMD) ─┬──┤ bridge B 10.50.0.1/24      (LAN B)                  │
#   dhclient 02:00:00:00:b0:02 (new) ─┘  │                                                     │
#                                        │ uplink 10.99.0.1/30, route 10.40.1.0/24 via relay   │
#   relay ns: dhcrelay, 10.99.0.2/30 ────┤                                                     │
#     bridge R 10.40.1.1/24 (giaddr)     └─────────────────────────────────────────────────────┘
#   dhclient 02:00:00:00:c0:01 (SMD) ─┬── bridge R
#   udhcpc   02:00:00:00:c0:02 (new) ─┘
#
# Scenarios: a known MAC gets its SMD address, hostname with domain, router, netmask, lease time
# and boot file; an unknown MAC gets a bootloop address; once the MAC is added to smd-sim, the
# client's renewal is NAKed and its next handshake gets the SMD address; relayed requests are
# answered to the relay; the server answers each LAN on its own interface with that interface's
# address as server identifier; dhcping gets an answer.
#
# Every address lives inside namespaces this script creates; nothing leaves the machine. All
# names carry the script's PID; processes are stopped by PID and namespaces deleted by name on
# exit, even on failure. NETNS_KEEP=1 keeps the logs directory (printed at the end).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ "$(id -u)" -ne 0 ]; then
  echo "netns-test: needs root (network namespaces); skipping" >&2
  exit 77
fi

# shellcheck source=netns/lib.sh
. "$root/scripts/netns/lib.sh"

tag="csmd$$"
work=$(mktemp -d "/tmp/$tag.XXXXXX")
started=$SECONDS

on_exit() {
  netns_cleanup
  if [ -n "${NETNS_KEEP:-}" ]; then echo "netns-test: logs kept in $work"; else rm -rf "$work"; fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# --- the original smoke test: smd-sim over a veth ----------------------------------------------
srv="${tag}-srv"; cli="${tag}-cli"
vsrv="v${tag}s"; vcli="v${tag}c"
srv_ip=192.0.2.1; cli_ip=192.0.2.2

add_ns "$srv" && add_ns "$cli" || exit 1
add_veth "$vsrv" "$srv" "$vcli" "$cli" || exit 1
ip -n "$srv" addr add "$srv_ip/24" dev "$vsrv"; ip -n "$cli" addr add "$cli_ip/24" dev "$vcli"

smd_url="http://$srv_ip:27779"
start_bg "$work/smd-sim.log" ip netns exec "$srv" bin/coresmd smd-sim --inventory examples/inventory.json --listen "$srv_ip:27779"

wait_for_smd() {
  for _ in $(seq 1 50); do
    ip netns exec "$cli" bin/coresmd inventory --smd "$smd_url" >/dev/null 2>&1 && { echo "answers at $smd_url"; return 0; }
    sleep 0.2
  done
  echo "smd-sim did not answer at $smd_url"; cat "$work/smd-sim.log"; return 1
}
check "smd-sim reachable from the client namespace" wait_for_smd

inventory_has_node() {
  local out
  out=$(ip netns exec "$cli" bin/coresmd inventory --smd "$smd_url") || return 1
  grep -E '52:54:00:be:ef:01 .*172\.16\.0\.1.*x1000c0s0b0n0' <<<"$out" || { echo "$out"; return 1; }
}
check "inventory over the veth lists node x1000c0s0b0n0" inventory_has_node

print_summary() {
  echo "netns-test summary:"
  printf '  %s\n' "${results[@]}"
  echo "netns-test: ${#results[@]} checks in $(( SECONDS - started ))s"
  if [ "$failed" -ne 0 ]; then
    if [ -s "$work/dhcp.log" ]; then echo "--- last lines of the DHCP server log:"; tail -n 25 "$work/dhcp.log" | cut -c1-400; fi
    echo "netns-test: FAILED"
    exit 1
  fi
  echo "netns-test: all passed"
  exit 0
}

# --- DHCP: tools ------------------------------------------------------------------------------
missing=()
for t in dhclient:isc-dhcp-client udhcpc:udhcpc dhcping:dhcping dhcrelay:isc-dhcp-relay tcpdump:tcpdump; do
  command -v "${t%%:*}" >/dev/null 2>&1 || missing+=("${t%%:*} (Debian package ${t#*:})")
done
if [ ${#missing[@]} -gt 0 ]; then
  results+=("FAIL  DHCP clients installed: missing ${missing[*]}; .ci/run installs them")
  failed=1
  print_summary
fi

# --- DHCP: topology ---------------------------------------------------------------------------
relay="${tag}-relay"
br_a="${tag}bA"; br_b="${tag}bB"; br_r="${tag}bR"
up_s="${tag}us"; up_r="${tag}ur"
lease_file="$work/bootloop.leases"

setup_dhcp_topology() {
  add_bridge "$srv" "$br_a" 172.16.0.253/24 || return 1
  add_bridge "$srv" "$br_b" 10.50.0.1/24 || return 1
  add_ns "$relay" || return 1
  add_veth "$up_s" "$srv" "$up_r" "$relay" || return 1
  ip -n "$srv" addr add 10.99.0.1/30 dev "$up_s"
  ip -n "$relay" addr add 10.99.0.2/30 dev "$up_r"
  add_bridge "$relay" "$br_r" 10.40.1.1/24 || return 1
  ip -n "$srv" route add 10.40.1.0/24 via 10.99.0.2
}

# Client name → its namespace and interface (the MAC is set on the interface).
declare -A c_ns c_if
n=0
add_client() { # name mac bridge-ns bridge
  n=$((n + 1))
  c_ns[$1]="${tag}-$1"; c_if[$1]="${tag}c$n"
  add_client_ns "${c_ns[$1]}" "$3" "$4" "$2" "${c_if[$1]}" "${tag}p$n" || return 1
  ip -n "$3" link set "${tag}p$n" up
}

setup_clients() {
  add_client dhk-a 52:54:00:be:ef:01 "$srv" "$br_a" &&
  add_client udk-a 52:54:00:be:ef:02 "$srv" "$br_a" &&
  add_client dhu-a 02:00:00:00:a0:01 "$srv" "$br_a" &&
  add_client udu-a 02:00:00:00:a0:02 "$srv" "$br_a" &&
  add_client udk-b 02:00:00:00:b0:01 "$srv" "$br_b" &&
  add_client dhu-b 02:00:00:00:b0:02 "$srv" "$br_b" &&
  add_client dhk-r 02:00:00:00:c0:01 "$relay" "$br_r" &&
  add_client udu-r 02:00:00:00:c0:02 "$relay" "$br_r"
}

if ! setup_dhcp_topology || ! setup_clients; then
  results+=("FAIL  DHCP topology: could not create the namespaces, bridges and veths")
  failed=1
  print_summary
fi

# Nodes the static inventory lacks: one on LAN B, one behind the relay (through SMD's write API).
check "smd-sim accepts nodes for LAN B and the relayed subnet" \
  ip netns exec "$cli" node --import tsx scripts/netns/smd-add.ts "$smd_url" \
    02:00:00:00:b0:01 x1000c1s0b0n0 101 10.50.0.10 \
    02:00:00:00:c0:01 x1000c2s0b0n0 201 10.40.1.10

sed -e "s|@BR_A@|$br_a|; s|@BR_B@|$br_b|; s|@UPLINK@|$up_s|; s|@SMD_URL@|$smd_url|; s|@LEASE_FILE@|$lease_file|" \
  scripts/netns/coredhcp.yaml.in >"$work/coredhcp.yaml"
check_config() { bin/coresmd check -c "$work/coredhcp.yaml" >/dev/null 2>"$work/check.err" || { cat "$work/check.err"; return 1; }; tail -n 1 "$work/check.err"; }
check "coresmd check accepts the test config" check_config

start_bg "$work/dhcp.log" ip netns exec "$srv" bin/coresmd dhcp -c "$work/coredhcp.yaml" --log-format logfmt -L debug
dhcp_pid=${pids[-1]}
server_ready() {
  if ! wait_for_line "$work/dhcp.log" 'msg="DHCPv4 listening" mode=(raw|dgram) interfaces=' 20; then
    echo "the DHCP server did not start:"; tail -n 5 "$work/dhcp.log"; return 1
  fi
  local l; l=$(grep -E 'msg="DHCPv4 listening" mode=(raw|dgram) interfaces=' "$work/dhcp.log" | tail -n 1)
  grep -q 'mode=raw' <<<"$l" || { echo "not in raw-socket mode: $l"; return 1; }
  grep -q 'msg="inventory refresh failed' "$work/dhcp.log" && { echo "first SMD refresh failed"; return 1; }
  echo "${l#*msg=}"
}
check "DHCP server up with raw sockets on three interfaces" server_ready
if ! kill -0 "$dhcp_pid" 2>/dev/null; then print_summary; fi

start_bg "$work/dhcrelay.log" ip netns exec "$relay" dhcrelay -4 -d -id "$br_r" -iu "$up_r" 10.99.0.1
# What the server sends the relay, seen on the relay's uplink.
start_bg "$work/uplink.txt" ip netns exec "$relay" tcpdump -l -n -i "$up_r" 'udp and src host 10.99.0.1 and src port 67'
wait_for_line "$work/dhcrelay.log" '^Sending on +Socket/fallback' 5
wait_for_line "$work/uplink.txt" '^listening on' 5

# --- DHCP: clients ----------------------------------------------------------------------------
hook_dh="$root/scripts/netns/dhclient-hook.sh"
hook_ud="$root/scripts/netns/udhcpc-hook.sh"
start_dhclient() { # name
  start_bg "$work/$1.out" ip netns exec "${c_ns[$1]}" dhclient -4 -d -cf scripts/netns/dhclient.conf \
    -lf "$work/$1.leases" -pf "$work/$1.pid" -sf "$hook_dh" -e "NETNS_RECORD=$work/$1.rec" "${c_if[$1]}"
  eval "pid_${1//-/_}=\${pids[-1]}"
}
start_udhcpc() { # name [extra udhcpc flags]
  local name=$1; shift
  # -x 0x5d:0007: option 93 = UEFI x86-64, as firmware sends it (RFC 4578).
  start_bg "$work/$name.out" env "NETNS_RECORD=$work/$name.rec" ip netns exec "${c_ns[$name]}" \
    udhcpc -f -t 10 -T 1 -A 1 -i "${c_if[$name]}" -s "$hook_ud" -x 0x5d:0007 -p "$work/$name.pid" "$@"
  eval "pid_${name//-/_}=\${pids[-1]}"
}
start_udhcpc_fg() { # name [extra udhcpc flags]: one exchange in the foreground, 10 s at most
  local name=$1; shift
  NETNS_RECORD="$work/$name.rec" timeout 10 ip netns exec "${c_ns[$name]}" \
    udhcpc -f -t 5 -T 1 -i "${c_if[$name]}" -s "$hook_ud" -x 0x5d:0007 "$@" >"$work/$name.out" 2>&1
}
stop_client() { kill "$(eval echo "\$pid_${1//-/_}")" 2>/dev/null; }

start_dhclient dhk-a
start_udhcpc udk-a -q -n
start_dhclient dhu-a
start_udhcpc udu-a
start_udhcpc udk-b -q -n
start_dhclient dhu-b
start_dhclient dhk-r
start_udhcpc udu-r

rec() { printf '%s' "$work/$1.rec"; }
ipxe_file=ipxe-x86_64.efi
known_a=(mask=255.255.255.0 routers=172.16.0.254 lease=600 server_id=172.16.0.253 "file=$ipxe_file" "bootfile=$ipxe_file" root_path=172.16.0.253)
boot_a=(mask=255.255.255.0 lease=10 server_id=172.16.0.253 'ip~172\.16\.0\.15[0-9]' "bootfile=$ipxe_file")

check "dhclient, known MAC 52:54:00:be:ef:01 gets its SMD lease" \
  expect_lease "$(rec dhk-a)" 15 '' -- ip=172.16.0.1 hostname=nid0001.openchami.cluster "${known_a[@]}"
check "udhcpc, known MAC 52:54:00:be:ef:02 gets its SMD lease" \
  expect_lease "$(rec udk-a)" 15 '' -- ip=172.16.0.2 hostname=nid0002.openchami.cluster "${known_a[@]}"
check "dhclient, unknown MAC 02:00:00:00:a0:01 gets a bootloop lease" \
  expect_lease "$(rec dhu-a)" 15 '' -- hostname= "${boot_a[@]}"
check "udhcpc, unknown MAC 02:00:00:00:a0:02 gets a bootloop lease" \
  expect_lease "$(rec udu-a)" 15 '' -- hostname= "${boot_a[@]}"
check "LAN B: udhcpc, known MAC 02:00:00:00:b0:01 gets its SMD lease from 10.50.0.1" \
  expect_lease "$(rec udk-b)" 15 '' -- ip=10.50.0.10 hostname=nid0101.openchami.cluster mask=255.255.255.0 \
    routers=10.50.0.254 lease=600 server_id=10.50.0.1 root_path=10.50.0.1 "bootfile=$ipxe_file"
check "LAN B: dhclient, unknown MAC 02:00:00:00:b0:02 gets a LAN B bootloop lease from 10.50.0.1" \
  expect_lease "$(rec dhu-b)" 15 '' -- 'ip~10\.50\.0\.15[0-9]' mask=255.255.255.0 lease=10 server_id=10.50.0.1 "bootfile=$ipxe_file"
check "relay: dhclient, known MAC 02:00:00:00:c0:01 gets its SMD lease through dhcrelay" \
  expect_lease "$(rec dhk-r)" 15 '' -- ip=10.40.1.10 hostname=nid0201.openchami.cluster mask=255.255.255.0 \
    routers=10.40.1.1 lease=600 server_id=10.99.0.1 "bootfile=$ipxe_file"
check "relay: udhcpc, unknown MAC 02:00:00:00:c0:02 gets a bootloop lease for the relay's subnet" \
  expect_lease "$(rec udu-r)" 15 '' -- 'ip~10\.40\.1\.15[0-9]' mask=255.255.255.0 lease=10 server_id=10.99.0.1 "bootfile=$ipxe_file"

# Second stage: the same node's iPXE asks again (user class "iPXE", RFC 3004 as iPXE sends it).
ipxe_stage() {
  for _ in $(seq 1 50); do kill -0 "$pid_udk_a" 2>/dev/null || break; sleep 0.1; done
  rm -f "$(rec udk-a)"
  start_udhcpc_fg udk-a -q -n -x 0x4d:69505845 || { tail -n 5 "$work/udk-a.out"; return 1; }
  expect_lease "$(rec udk-a)" 1 '' -- ip=172.16.0.2 hostname=nid0002.openchami.cluster server_id=172.16.0.253 file= \
    'bootfile=http://172.16.0.253:8081/boot/v1/bootscript?mac=52:54:00:be:ef:02'
}
check "udhcpc as iPXE, known MAC 52:54:00:be:ef:02 gets its boot script URL" ipxe_stage

two_interfaces() {
  local name line sid want bad=0 out=""
  for name in dhk-a udk-a dhu-a udu-a udk-b dhu-b; do
    line=$(last_bound "$(rec "$name")")
    sid=$(field "$line" server_id)
    case $name in *-a) want=172.16.0.253 ;; *) want=10.50.0.1 ;; esac
    [ "$sid" = "$want" ] || { echo "$name: server_id '$sid', want $want"; bad=1; }
    out+="$name:$(field "$line" ip)@$sid "
  done
  # A broadcast reply sent out of the wrong bridge would never have reached the client.
  echo "${out% }"
  return $bad
}
check "two interfaces, two subnets: each LAN answered with its own server identifier" two_interfaces

relay_answered() {
  local mac
  for mac in 02:00:00:00:c0:01 02:00:00:00:c0:02; do
    grep -qE "Forwarded BOOTREPLY for $mac to " "$work/dhcrelay.log" ||
      { echo "dhcrelay forwarded no reply for $mac:"; tail -n 5 "$work/dhcrelay.log"; return 1; }
  done
  grep -qE 'giaddr=10\.40\.1\.1( |$)' "$work/dhcp.log" || { echo "no assignment with giaddr=10.40.1.1 in the server log"; return 1; }
  local to_giaddr others
  to_giaddr=$(grep -cE ' IP 10\.99\.0\.1\.67 > 10\.40\.1\.1\.67: BOOTP/DHCP, Reply' "$work/uplink.txt")
  others=$(grep -E ' IP 10\.99\.0\.1\.67 > ' "$work/uplink.txt" | grep -vcE ' > 10\.40\.1\.1\.67: ')
  if [ "$to_giaddr" -lt 4 ] || [ "$others" -ne 0 ]; then
    echo "replies on the relay uplink: $to_giaddr to 10.40.1.1:67, $others elsewhere:"; tail -n 5 "$work/uplink.txt"; return 1
  fi
  echo "$to_giaddr replies 10.99.0.1:67 > 10.40.1.1:67 (giaddr) on the uplink, none elsewhere; $(grep -E "Forwarded BOOTREPLY for 02:00:00:00:c0:0[12] to " "$work/dhcrelay.log" | sort -u | paste -sd';' | sed 's/;/; /g')"
}
check "relay: the server answered the relay at giaddr 10.40.1.1:67 and dhcrelay forwarded the replies" relay_answered

# --- dhcping ----------------------------------------------------------------------------------
stop_client dhk-a   # a SIGTERM'd dhclient leaves its address configured
dhcping_known() {
  local out
  out=$(ip netns exec "${c_ns[dhk-a]}" dhcping -t 3 -s 172.16.0.253 -c 172.16.0.1 -h 52:54:00:be:ef:01 2>&1) || { echo "$out"; return 1; }
  grep -q 'Got answer from: 172.16.0.253' <<<"$out" || { echo "$out"; return 1; }
  echo "$out (DHCPREQUEST for 172.16.0.1 from 52:54:00:be:ef:01)"
}
check "dhcping -s 172.16.0.253 -c 172.16.0.1 (a known node) gets an answer" dhcping_known
dhcping_healthcheck() {
  # The original's documented healthcheck (spec coresmd-dhcp §9), run on the server itself.
  local out
  out=$(ip netns exec "$srv" dhcping -t 3 -s 172.16.0.253 -c 172.16.0.253 2>&1) || { echo "$out"; return 1; }
  grep -q 'Got answer from: 172.16.0.253' <<<"$out" || { echo "$out"; return 1; }
  echo "$out (healthcheck from the server namespace)"
}
check "dhcping -s 172.16.0.253 -c 172.16.0.253 (the healthcheck, on the server) gets an answer" dhcping_healthcheck

# --- a MAC appears in SMD: renewal NAKed, next handshake gets the SMD address ----------------
bootloop_ip_dh=$(field "$(last_bound "$(rec dhu-a)")" ip)
bootloop_ip_ud=$(field "$(last_bound "$(rec udu-a)")" ip)
check "smd-sim accepts the two unknown LAN A MACs" \
  ip netns exec "$cli" node --import tsx scripts/netns/smd-add.ts "$smd_url" \
    02:00:00:00:a0:01 x1000c0s5b0n0 21 172.16.0.21 \
    02:00:00:00:a0:02 x1000c0s5b1n0 22 172.16.0.22
released() {
  wait_for_line "$work/dhcp.log" 'released bootloop leases of MACs now in SMD' 10 ||
    { echo "the server did not pick up the new MACs (cache_valid=2s)"; return 1; }
  grep -E 'released bootloop leases of MACs now in SMD' "$work/dhcp.log" | tail -n 1 | sed 's/.*msg=//'
}
check "the server sees the new MACs at its next SMD refresh and releases their bootloop leases" released
# udhcpc clamps short leases to ~2 minutes before renewing; SIGUSR1 is its documented "renew now".
kill -USR1 "$pid_udu_a" 2>/dev/null

renewed_dhclient() {
  expect_lease "$(rec dhu-a)" 25 ' ip=172\.16\.0\.21 ' -- ip=172.16.0.21 hostname=nid0021.openchami.cluster \
    "${known_a[@]}" >"$work/dhu-a.expect" || { cat "$work/dhu-a.expect"; tail -n 4 "$work/dhu-a.out"; return 1; }
  grep -qE "^DHCPREQUEST for $bootloop_ip_dh on .* to 172\.16\.0\.253 port 67" "$work/dhu-a.out" ||
    { echo "no unicast renewal of $bootloop_ip_dh:"; tail -n 8 "$work/dhu-a.out"; return 1; }
  grep -q '^DHCPNAK from 172.16.0.253' "$work/dhu-a.out" || { echo "no DHCPNAK seen:"; tail -n 8 "$work/dhu-a.out"; return 1; }
  echo "renewal of $bootloop_ip_dh NAKed, then $(tail -n 1 "$work/dhu-a.expect")"
}
check "dhclient 02:00:00:00:a0:01 after the MAC was added: renewal NAKed, then the SMD lease" renewed_dhclient
renewed_udhcpc() {
  expect_lease "$(rec udu-a)" 15 ' ip=172\.16\.0\.22 ' -- ip=172.16.0.22 hostname=nid0022.openchami.cluster \
    "${known_a[@]}" >"$work/udu-a.expect" || { cat "$work/udu-a.expect"; tail -n 4 "$work/udu-a.out"; return 1; }
  grep -q "^udhcpc: sending renew to server 172.16.0.253" "$work/udu-a.out" ||
    { echo "no unicast renewal:"; tail -n 8 "$work/udu-a.out"; return 1; }
  local nak; nak=$(grep ' event=nak ' "$(rec udu-a)" | tail -n 1)
  [ -n "$nak" ] || { echo "no nak event:"; tail -n 8 "$work/udu-a.out"; return 1; }
  echo "renewal of $bootloop_ip_ud NAKed ($(field "$nak" message | tr '_' ' ')), then $(tail -n 1 "$work/udu-a.expect")"
}
check "udhcpc 02:00:00:00:a0:02 after the MAC was added: renewal NAKed, then the SMD lease" renewed_udhcpc

server_alive() { kill -0 "$dhcp_pid" 2>/dev/null || { echo "the DHCP server exited"; tail -n 5 "$work/dhcp.log"; return 1; }; echo "still running (pid $dhcp_pid)"; }
check "the DHCP server is still running" server_alive

print_summary
