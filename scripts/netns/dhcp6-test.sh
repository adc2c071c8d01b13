#!/usr/bin/env bash
# DHCPv6 with real clients in throwaway network namespaces (root only): the appliance (DHCPv6,
# DHCPv4 from the same config, and the coresmd plugin's TFTP and HTTP boot servers, in one
# process: scripts/netns/dhcp6-runner.ts) against a file:// inventory, answering ISC dhclient -6
# and dhcpcd directly and through ISC dhcrelay -6, and booting two PXE-like clients over IPv6.
#
#   LAN A: bridge @brA in the server ns, 2001:db8:1::1/64 and 172.16.0.253/24
#     dhk 52:54:00:d6:00:01  dhclient -6 (arch 7), SMD 2001:db8:1::101 (and 172.16.0.1: dhclient -4 too)
#     dck 52:54:00:d6:00:02  dhcpcd -6 with Rapid Commit, SMD 2001:db8:1::102
#     dhu 02:00:00:d6:00:99  dhclient -6, not in SMD
#     dh4 52:54:00:d6:00:05  dhclient -6, in SMD with an IPv4 address only
#     dpx 52:54:00:d6:00:06  scripts/netns/dhcp6-boot-client.ts, arch 7 (UEFI PXE), SMD 2001:db8:1::106
#     dhb 52:54:00:d6:00:07  the same, arch 16 with vendor class HTTPClient (UEFI HTTP boot), SMD 2001:db8:1::107
#   uplink: server 2001:db8:ff::1/64 ── relay ns 2001:db8:ff::2/64, dhcrelay -6 -l @brR -u 2001:db8:ff::1
#   LAN R: bridge @brR in the relay ns, 2001:db8:2::1/64
#     dhr 52:54:00:d6:00:04  dhclient -6 as iPXE (user class), SMD 2001:db8:2::104
#
# Checks: each known client gets its SMD IPv6 address, the DNS servers, the search domains and
# its FQDN, and a boot URL naming our address on its link (TFTP by architecture; the BSS script
# for iPXE); dhcpcd's Rapid Commit gets a REPLY to its SOLICIT; the relayed client is answered
# with RELAY-REPL through dhcrelay; an unknown MAC and an SMD node without IPv6 get no address
# and the server logs why; CONFIRM and RELEASE are answered; dhclient -4 gets the node's IPv4
# lease from the same process; the PXE client gets tftp://[2001:db8:1::1]/ipxe-x86_64.efi and
# fetches it over IPv6 TFTP (tftp-hpa -6), and the same file from the server's link-local address
# on LAN A (curl, zone in the URL); the HTTP boot client gets http://[2001:db8:1::1]:8080/… and
# curl -6 fetches it. The bytes must match the firmware file served.
#
# Every name carries the script's PID; processes are stopped by PID and namespaces deleted by
# name on exit, even on failure. NETNS_KEEP=1 keeps the logs directory.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

if [ "$(id -u)" -ne 0 ]; then
  echo "dhcp6-test: needs root (network namespaces); skipping" >&2
  exit 77
fi

# shellcheck source=lib.sh
. "$root/scripts/netns/lib.sh"

tag="d6t$$"
work=$(mktemp -d "/tmp/$tag.XXXXXX")
started=$SECONDS
on_exit() {
  netns_cleanup
  if [ -n "${NETNS_KEEP:-}" ]; then echo "dhcp6-test: logs kept in $work"; else rm -rf "$work"; fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

print_summary() {
  echo "dhcp6-test summary:"
  printf '  %s\n' "${results[@]}"
  echo "dhcp6-test: ${#results[@]} checks in $(( SECONDS - started ))s"
  if [ "$failed" -ne 0 ]; then
    if [ -s "$work/server.log" ]; then echo "--- last lines of the server log:"; grep -v 'rule\[' "$work/server.log" | tail -n 25 | cut -c1-400; fi
    echo "dhcp6-test: FAILED"
    exit 1
  fi
  echo "dhcp6-test: all passed"
  exit 0
}

missing=()
for t in dhclient:isc-dhcp-client dhcpcd:dhcpcd-base dhcrelay:isc-dhcp-relay tcpdump:tcpdump tftp:tftp-hpa curl:curl; do
  command -v "${t%%:*}" >/dev/null 2>&1 || missing+=("${t%%:*} (Debian package ${t#*:})")
done
if [ ${#missing[@]} -gt 0 ]; then
  results+=("FAIL  DHCPv6 clients installed: missing ${missing[*]}; .ci/run installs them")
  failed=1
  print_summary
fi
firmware="$root/firmware/ipxe/bin/ipxe-x86_64.efi"
if [ ! -s "$firmware" ]; then
  results+=("FAIL  iPXE firmware present: $firmware is missing; run firmware/ipxe/fetch.sh (.ci/run does)")
  failed=1
  print_summary
fi

# --- topology ---------------------------------------------------------------------------------
srv="${tag}-srv"; relay="${tag}-rly"
br_a="${tag}bA"; br_r="${tag}bR"; up_s="${tag}us"; up_r="${tag}ur"

quiet_dad() { ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0; }
declare -A c_ns c_if
n=0
add_client() { # name mac bridge-ns bridge
  n=$((n + 1))
  c_ns[$1]="${tag}-$1"; c_if[$1]="${tag}c$n"
  add_ns "${c_ns[$1]}" && quiet_dad "${c_ns[$1]}" || return 1
  add_veth "${c_if[$1]}" "${c_ns[$1]}" "${tag}p$n" "$3" || return 1
  ip -n "${c_ns[$1]}" link set "${c_if[$1]}" down
  ip -n "${c_ns[$1]}" link set "${c_if[$1]}" address "$2"
  ip -n "${c_ns[$1]}" link set "${c_if[$1]}" up
  ip -n "$3" link set "${tag}p$n" master "$4" && ip -n "$3" link set "${tag}p$n" up
}

setup() {
  add_ns "$srv" && quiet_dad "$srv" || return 1
  add_ns "$relay" && quiet_dad "$relay" || return 1
  ip -n "$srv" link add name "$br_a" type bridge forward_delay 0 mcast_snooping 0 || return 1
  ip -n "$srv" addr add 2001:db8:1::1/64 dev "$br_a" nodad && ip -n "$srv" addr add 172.16.0.253/24 dev "$br_a" && ip -n "$srv" link set "$br_a" up || return 1
  add_veth "$up_s" "$srv" "$up_r" "$relay" || return 1
  ip -n "$srv" addr add 2001:db8:ff::1/64 dev "$up_s" nodad && ip -n "$relay" addr add 2001:db8:ff::2/64 dev "$up_r" nodad || return 1
  ip -n "$relay" link add name "$br_r" type bridge forward_delay 0 mcast_snooping 0 || return 1
  ip -n "$relay" addr add 2001:db8:2::1/64 dev "$br_r" nodad && ip -n "$relay" link set "$br_r" up || return 1
  ip -n "$srv" route add 2001:db8:2::/64 via 2001:db8:ff::2 || return 1
  add_client dhk 52:54:00:d6:00:01 "$srv" "$br_a" &&
  add_client dck 52:54:00:d6:00:02 "$srv" "$br_a" &&
  add_client dhu 02:00:00:d6:00:99 "$srv" "$br_a" &&
  add_client dh4 52:54:00:d6:00:05 "$srv" "$br_a" &&
  add_client dpx 52:54:00:d6:00:06 "$srv" "$br_a" &&
  add_client dhb 52:54:00:d6:00:07 "$srv" "$br_a" &&
  add_client dhr 52:54:00:d6:00:04 "$relay" "$br_r"
}
if ! setup; then
  results+=("FAIL  topology: could not create the namespaces, bridges and veths")
  failed=1
  print_summary
fi
sleep 1 # the bridges' link-local addresses

# --- inventory, config, server ------------------------------------------------------------------
cat >"$work/inventory.json" <<'EOF'
{"EthernetInterfaces":[
 {"ID":"525400d60001","MACAddress":"52:54:00:d6:00:01","ComponentID":"x1000c0s0b0n0","Type":"Node","IPAddresses":[{"IPAddress":"172.16.0.1"},{"IPAddress":"2001:db8:1::101"}]},
 {"ID":"525400d60002","MACAddress":"52:54:00:d6:00:02","ComponentID":"x1000c0s0b1n0","Type":"Node","IPAddresses":[{"IPAddress":"2001:db8:1::102"}]},
 {"ID":"525400d60004","MACAddress":"52:54:00:d6:00:04","ComponentID":"x1000c0s0b3n0","Type":"Node","IPAddresses":[{"IPAddress":"2001:db8:2::104"}]},
 {"ID":"525400d60005","MACAddress":"52:54:00:d6:00:05","ComponentID":"x1000c0s0b4n0","Type":"Node","IPAddresses":[{"IPAddress":"172.16.0.5"}]},
 {"ID":"525400d60006","MACAddress":"52:54:00:d6:00:06","ComponentID":"x1000c0s0b5n0","Type":"Node","IPAddresses":[{"IPAddress":"2001:db8:1::106"}]},
 {"ID":"525400d60007","MACAddress":"52:54:00:d6:00:07","ComponentID":"x1000c0s0b6n0","Type":"Node","IPAddresses":[{"IPAddress":"2001:db8:1::107"}]}
],"Components":[
 {"ID":"x1000c0s0b0n0","Type":"Node","State":"On","Enabled":true,"NID":1},
 {"ID":"x1000c0s0b1n0","Type":"Node","State":"On","Enabled":true,"NID":2},
 {"ID":"x1000c0s0b3n0","Type":"Node","State":"On","Enabled":true,"NID":4},
 {"ID":"x1000c0s0b4n0","Type":"Node","State":"On","Enabled":true,"NID":5},
 {"ID":"x1000c0s0b5n0","Type":"Node","State":"On","Enabled":true,"NID":6},
 {"ID":"x1000c0s0b6n0","Type":"Node","State":"On","Enabled":true,"NID":7}
]}
EOF
mkdir -p "$work/tftp" && cp "$firmware" "$work/tftp/"
cat >"$work/coredhcp.yaml" <<EOF
# server6 has no listen: the default joins ff02::1:2 (and ff05::1:3) on every multicast
# interface, here $br_a and the uplink $up_s, where dhcrelay's RELAY-FORWs arrive. TFTP (port
# 69) and HTTP boot (8080) listen on every address, IPv6 ones included since server6 is there.
server6:
  plugins:
    - dns: 2001:db8:1::53 2001:db8:1::54
    - searchdomains: openchami.cluster example.test
    - coresmd: |
        svc_base_uri=file://$work/inventory.json
        ipxe_base_uri=http://[2001:db8:1::1]:8081
        cache_valid=1m
        lease_time=10m
        domain=openchami.cluster
        tftp_dir=$work/tftp
        http_port=8080
        rule=name:nodes,type:Node,hostname:nid{04d}
server4:
  listen:
    - "%$br_a"
  plugins:
    - router: 172.16.0.254
    - netmask: 255.255.255.0
    - coresmd: |
        svc_base_uri=file://$work/inventory.json
        ipxe_base_uri=http://[2001:db8:1::1]:8081
        cache_valid=1m
        lease_time=10m
        domain=openchami.cluster
        tftp_dir=$work/tftp
        http_port=8080
        rule=name:nodes,type:Node,hostname:nid{04d}
EOF

start_bg "$work/server.log" ip netns exec "$srv" node --import tsx scripts/netns/dhcp6-runner.ts "$work/coredhcp.yaml"
server_pid=${pids[-1]}
server_ready() {
  wait_for_line "$work/server.log" 'msg="dhcp6-runner (ready|failed)"' 30 || { echo "no ready line:"; tail -n 5 "$work/server.log"; return 1; }
  local l; l=$(grep -E 'msg="dhcp6-runner (ready|failed)"' "$work/server.log")
  grep -q 'ready' <<<"$l" || { echo "$l"; return 1; }
  grep -q "interfaces=$br_a,$up_s\|interfaces=$up_s,$br_a" <<<"$l" || { echo "not serving $br_a and $up_s: $l"; return 1; }
  echo "${l#*msg=}"
}
check "one process serves DHCPv6 on LAN A and the relay uplink (and DHCPv4 on LAN A)" server_ready
if ! kill -0 "$server_pid" 2>/dev/null; then print_summary; fi

start_bg "$work/dhcrelay.log" ip netns exec "$relay" dhcrelay -6 -d -pf "$work/dhcrelay.pid" -l "$br_r" -u "2001:db8:ff::1%$up_r"
# What the server sends the relay, seen on the relay's uplink.
start_bg "$work/uplink.txt" ip netns exec "$relay" tcpdump -l -n -vv -i "$up_r" 'udp and src host 2001:db8:ff::1 and src port 547'
# What the server sends on LAN A.
start_bg "$work/lan-a.txt" ip netns exec "$srv" tcpdump -l -n -vv -i "$br_a" 'udp and src port 547 and dst port 546'
wait_for_line "$work/dhcrelay.log" '^Sending on +Socket' 5
wait_for_line "$work/lan-a.txt" '^listening on|^tcpdump: listening' 5
wait_for_line "$work/uplink.txt" '^listening on|^tcpdump: listening' 5

# --- clients ----------------------------------------------------------------------------------
cat >"$work/pxe.conf" <<'EOF'
send dhcp6.client-arch-type 7;
request dhcp6.name-servers, dhcp6.domain-search, dhcp6.fqdn, dhcp6.bootfile-url;
EOF
cat >"$work/ipxe.conf" <<'EOF'
option dhcp6.ipxe-user-class code 15 = string;
send dhcp6.ipxe-user-class 00:04:69:50:58:45;
request dhcp6.name-servers, dhcp6.domain-search, dhcp6.fqdn, dhcp6.bootfile-url;
EOF
printf 'request dhcp6.name-servers, dhcp6.domain-search;\n' >"$work/plain.conf"

rec() { printf '%s' "$work/$1.rec"; }
# dhclient takes -sf and -e NETNS_RECORD (hook in scripts/netns/dhcp6-dhclient-hook.sh).
start_dhclient6() { # name conf [extra dhclient flags]
  local name=$1 conf=$2; shift 2
  start_bg "$work/$name.out" ip netns exec "${c_ns[$name]}" dhclient -6 -d -v -cf "$work/$conf" \
    -lf "$work/$name.leases" -pf "$work/$name.pid" -sf "$root/scripts/netns/dhcp6-dhclient-hook.sh" \
    -e "NETNS_RECORD=$(rec "$name")" "$@" "${c_if[$name]}"
  eval "pid_$name=\${pids[-1]}"
}
start_dhcpcd() { # name: dhcpcd in private /run and /var/lib, hook wrapper naming the record
  local name=$1
  printf '#!/bin/sh\nNETNS_RECORD=%s exec %s\n' "$(rec "$name")" "$root/scripts/netns/dhcp6-dhcpcd-hook.sh" >"$work/$name.hook"
  chmod +x "$work/$name.hook"
  printf 'ipv6only\nnoipv6rs\nia_na 1\noption rapid_commit, domain_name_servers, domain_search, fqdn\nscript %s\n' "$work/$name.hook" >"$work/$name.conf"
  start_bg "$work/$name.out" ip netns exec "${c_ns[$name]}" unshare --mount sh -c \
    "mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib && mkdir -p /run/dhcpcd /var/lib/dhcpcd && exec dhcpcd -B -d -f '$work/$name.conf' '${c_if[$name]}'"
  eval "pid_$name=\${pids[-1]}"
}

start_dhclient6 dhk pxe.conf
start_dhcpcd dck
start_dhclient6 dhu plain.conf
start_dhclient6 dh4 plain.conf
start_dhclient6 dhr ipxe.conf

bound6() { grep -E ' event=(BOUND6|RENEW6|REBIND6|REBOOT6) ' "$1" 2>/dev/null | tail -n 1; }
expect6() { # record timeout -- key=value...
  local r=$1 timeout=$2; shift 3
  local line="" bad=0 kv k want got
  for _ in $(seq 1 $(( timeout * 10 ))); do line=$(bound6 "$r"); [ -n "$line" ] && break; sleep 0.1; done
  if [ -z "$line" ]; then echo "no lease within ${timeout}s; record:"; tail -n 3 "$r" 2>/dev/null | cut -c1-300; return 1; fi
  for kv in "$@"; do
    k=${kv%%=*}; want=${kv#*=}; got=$(field "$line" "$k")
    [ "$got" = "$want" ] || { echo "$k: got '$got', want '$want'"; bad=1; }
  done
  local out="" f
  for f in ip6 dns search fqdn bootfile life renew rebind; do
    got=$(field "$line" "$f"); [ -n "$got" ] && out+="$f=$got "
  done
  echo "${out% }"
  return $bad
}

check "dhclient -6, known MAC 52:54:00:d6:00:01 (arch 7): SMD IPv6 address, DNS, search domains, FQDN, TFTP URL on our LAN A address" \
  expect6 "$(rec dhk)" 20 -- ip6=2001:db8:1::101 dns=2001:db8:1::53,2001:db8:1::54 search=openchami.cluster.,example.test. \
    fqdn=nid0001.openchami.cluster 'bootfile=tftp://[2001:db8:1::1]/ipxe-x86_64.efi' life=600 renew=300 rebind=480

rapid_commit() {
  expect6 "$(rec dck)" 20 -- ip6=2001:db8:1::102 dns=2001:db8:1::53,2001:db8:1::54 search=openchami.cluster,example.test \
    fqdn=nid0002.openchami.cluster life=600 >"$work/dck.check" || { cat "$work/dck.check"; return 1; }
  grep -qE 'REPLY6 received' "$work/dck.out" || { echo "dhcpcd saw no REPLY6"; tail -n 5 "$work/dck.out"; return 1; }
  grep -qE 'sending REQUEST6|broadcasting REQUEST6' "$work/dck.out" && { echo "dhcpcd sent a REQUEST: no Rapid Commit"; return 1; }
  grep -qE 'msg="DHCPv6 assignment" .*type=SOLICIT .*mac=52:54:00:d6:00:02' "$work/server.log" || { echo "no SOLICIT assignment in the server log"; return 1; }
  echo "$(cat "$work/dck.check") (SOLICIT answered by REPLY, no REQUEST)"
}
check "dhcpcd, known MAC 52:54:00:d6:00:02 with Rapid Commit: its SMD address in a REPLY to its SOLICIT" rapid_commit

check "relay: dhclient -6 as iPXE behind dhcrelay, known MAC 52:54:00:d6:00:04: SMD address and the BSS boot script URL" \
  expect6 "$(rec dhr)" 20 -- ip6=2001:db8:2::104 dns=2001:db8:1::53,2001:db8:1::54 fqdn=nid0004.openchami.cluster \
    'bootfile=http://[2001:db8:1::1]:8081/boot/v1/bootscript?mac=52:54:00:d6:00:04'

relay_answered() {
  grep -qE 'msg="DHCPv6 assignment" .*mac=52:54:00:d6:00:04 .*relayed=true' "$work/server.log" || { echo "no relayed assignment in the server log"; return 1; }
  local n others
  for _ in $(seq 1 30); do [ "$(grep -cE 'relay-reply' "$work/uplink.txt")" -ge 2 ] && break; sleep 0.1; done # tcpdump may print late
  n=$(grep -cE '2001:db8:ff::1\.547 > 2001:db8:ff::2\.547: .*dhcp6 relay-reply' "$work/uplink.txt")
  others=$(grep -E '2001:db8:ff::1\.547 > ' "$work/uplink.txt" | grep -vcE '> 2001:db8:ff::2\.547: .*relay-reply')
  if [ "$n" -lt 2 ] || [ "$others" -ne 0 ]; then
    echo "on the relay uplink: $n RELAY-REPL to 2001:db8:ff::2.547, $others others"; tail -n 4 "$work/uplink.txt"; return 1
  fi
  grep -qiE 'Relaying Reply to .* port 546' "$work/dhcrelay.log" || { echo "dhcrelay relayed no reply:"; tail -n 5 "$work/dhcrelay.log"; return 1; }
  echo "$n RELAY-REPL 2001:db8:ff::1.547 > 2001:db8:ff::2.547 on the uplink, none elsewhere; dhcrelay: $(grep -iE 'Relaying Reply to' "$work/dhcrelay.log" | tail -n 1)"
}
check "relay: RELAY-FORW answered with RELAY-REPL to the relay at 2001:db8:ff::2 port 547, and dhcrelay passed the reply on" relay_answered

no_address() { # name mac reason-regex
  local line hex=${2//:/}
  wait_for_line "$work/server.log" "msg=\"DHCPv6 client gets no address\" .*reason=\"$3.*mac=$2" 10 ||
    { echo "no 'gets no address' line for $2 matching /$3/"; grep "$2" "$work/server.log" | tail -n 3 | cut -c1-300; return 1; }
  sleep 2
  [ -z "$(bound6 "$(rec "$1")")" ] || { echo "$1 got a lease: $(bound6 "$(rec "$1")")"; return 1; }
  grep -qE "dhcp6 advertise .*$hex.*\(status-code NoAddrsAvail\)" "$work/lan-a.txt" || { echo "no ADVERTISE with NoAddrsAvail for $2 on LAN A"; return 1; }
  grep -q 'Lease failed to satisfy' "$work/$1.out" || { echo "dhclient did not turn the ADVERTISE down"; tail -n 5 "$work/$1.out"; return 1; }
  line=$(grep -E "msg=\"DHCPv6 client gets no address\" .*mac=$2" "$work/server.log" | tail -n 1)
  echo "no lease (ADVERTISE with status NoAddrsAvail; dhclient: 'Lease failed to satisfy'); server: ${line#*msg=}" | cut -c1-400
}
check "unknown MAC 02:00:00:d6:00:99: no address, and the server logs why" no_address dhu 02:00:00:d6:00:99 'MAC 02:00:00:d6:00:99 \(eui-64\).* not in SMD'
check "SMD node 52:54:00:d6:00:05 with no IPv6 address: no address, and the server logs why" no_address dh4 52:54:00:d6:00:05 'SMD has no IPv6 address for x1000c0s0b4n0'

# --- CONFIRM and RELEASE (dhclient restarted with its lease file, then -r) -----------------------
replies_to_dhk() { grep -cE "dhcp6 reply .*525400d60001.*\(status-code $1\)" "$work/lan-a.txt"; }
# Background processes start here, outside `check` (whose subshell would lose their PIDs).
stop_pid() { kill "$1" 2>/dev/null; for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; }
stop_pid "$pid_dhk"
: >"$work/dhk.out"
start_dhclient6 dhk pxe.conf
confirm() {
  for _ in $(seq 1 100); do grep -q 'RCV: Reply message' "$work/dhk.out" && break; sleep 0.1; done
  grep -q 'XMT: Forming Confirm' "$work/dhk.out" || { echo "dhclient sent no CONFIRM"; tail -n 5 "$work/dhk.out"; return 1; }
  grep -q 'RCV: Reply message' "$work/dhk.out" || { echo "no reply to the CONFIRM"; tail -n 5 "$work/dhk.out"; return 1; }
  for _ in $(seq 1 30); do [ "$(replies_to_dhk Success)" -ge 1 ] && break; sleep 0.1; done # tcpdump may print late
  [ "$(replies_to_dhk Success)" -ge 1 ] || { echo "no REPLY with status Success on LAN A"; return 1; }
  grep -qE 'status code Success|all addresses still on link' "$work/dhk.out" || { echo "dhclient saw no Success"; grep -i status "$work/dhk.out" | tail -n 3; return 1; }
  echo "REPLY with status Success to the CONFIRM of 2001:db8:1::101; dhclient: $(grep -m1 -oE 'status code Success[^.]*|all addresses still on link' "$work/dhk.out")"
}
check "dhclient -6 restarted with its lease: CONFIRM answered with Success (2001:db8:1::101 is on LAN A)" confirm

stop_pid "$pid_dhk"
release() {
  local before; before=$(replies_to_dhk Success)
  timeout 10 ip netns exec "${c_ns[dhk]}" dhclient -6 -r -d -v -cf "$work/pxe.conf" -lf "$work/dhk.leases" -pf "$work/dhk.pid" \
    -sf "$root/scripts/netns/dhcp6-dhclient-hook.sh" -e "NETNS_RECORD=$(rec dhk)" "${c_if[dhk]}" >"$work/dhk-release.out" 2>&1
  grep -q 'XMT: Forming Release' "$work/dhk-release.out" || { echo "dhclient sent no RELEASE"; tail -n 5 "$work/dhk-release.out"; return 1; }
  for _ in $(seq 1 30); do [ "$(replies_to_dhk Success)" -gt "$before" ] && break; sleep 0.1; done
  [ "$(replies_to_dhk Success)" -gt "$before" ] || { echo "no REPLY with status Success to the RELEASE on LAN A"; tail -n 2 "$work/lan-a.txt"; return 1; }
  echo "REPLY with status Success to the RELEASE of 2001:db8:1::101"
}
check "dhclient -6 -r: RELEASE answered with Success" release

# --- the same process serves DHCPv4 ------------------------------------------------------------
start_bg "$work/dhk4.out" ip netns exec "${c_ns[dhk]}" dhclient -4 -d -v -cf /dev/null -lf "$work/dhk4.leases" -pf "$work/dhk4.pid" \
  -sf "$root/scripts/netns/dhclient-hook.sh" -e "NETNS_RECORD=$work/dhk4.rec" "${c_if[dhk]}"
dual_stack() {
  local l=""
  for _ in $(seq 1 150); do l=$(grep -E ' event=BOUND ' "$work/dhk4.rec" 2>/dev/null | tail -n 1); [ -n "$l" ] && break; sleep 0.1; done
  [ -n "$l" ] || { echo "no DHCPv4 lease"; tail -n 5 "$work/dhk4.out"; return 1; }
  [ "$(field "$l" ip)" = 172.16.0.1 ] || { echo "DHCPv4: got '$(field "$l" ip)', want 172.16.0.1"; return 1; }
  echo "ip=$(field "$l" ip) hostname=$(field "$l" hostname) server_id=$(field "$l" server_id) (DHCPv6 gave it 2001:db8:1::101)"
}
check "dual stack: dhclient -4 on the same node gets 172.16.0.1 from server4 of the same process" dual_stack

# --- booting over IPv6: option 59, then the file over TFTP and HTTP ------------------------------
boot_client() { # name arch [http] -> the client's REPLY line
  ip netns exec "${c_ns[$1]}" node --import tsx "$root/scripts/netns/dhcp6-boot-client.ts" "${c_if[$1]}" "${@:2}" >"$work/$1.reply" 2>&1
  local l; l=$(grep -E '^event=REPLY ' "$work/$1.reply")
  [ -n "$l" ] || { echo "no REPLY:"; tail -n 3 "$work/$1.reply" | cut -c1-300; return 1; }
  echo "$l"
}
same_bytes() { # file what
  cmp -s "$1" "$firmware" || { echo "$2: $(stat -c %s "$1" 2>/dev/null || echo no) bytes, not the $(stat -c %s "$firmware")-byte firmware"; return 1; }
}
tftp_boot() {
  local l url
  l=$(boot_client dpx 7) || { echo "$l"; return 1; }
  url=$(field "$l" bootfile)
  [ "$(field "$l" ip6)" = 2001:db8:1::106 ] || { echo "ip6: got '$(field "$l" ip6)', want 2001:db8:1::106"; return 1; }
  [ "$url" = 'tftp://[2001:db8:1::1]/ipxe-x86_64.efi' ] || { echo "bootfile: got '$url'"; return 1; }
  # What the firmware does with the lease: the address on its link, then the file.
  ip -n "${c_ns[dpx]}" addr add 2001:db8:1::106/64 dev "${c_if[dpx]}" nodad || return 1
  timeout 20 ip netns exec "${c_ns[dpx]}" tftp -6 -m binary 2001:db8:1::1 -c get ipxe-x86_64.efi "$work/dpx.efi" >"$work/dpx-tftp.out" 2>&1 ||
    { echo "tftp -6 failed:"; tail -n 3 "$work/dpx-tftp.out"; return 1; }
  same_bytes "$work/dpx.efi" "tftp -6 got" || return 1
  # RFC 1350 TID: the transfer socket is on the address the request went to.
  grep -qE 'msg="transfer starts" .*client=2001:db8:1::106:[0-9]+ .*local=2001:db8:1::1:[0-9]+$' "$work/server.log" ||
    { echo "no 'transfer starts' from local 2001:db8:1::1 to 2001:db8:1::106 in the server log"; grep 'transfer starts' "$work/server.log" | tail -n 2 | cut -c1-300; return 1; }
  echo "bootfile=$url; tftp -6 fetched $(stat -c %s "$work/dpx.efi") bytes, the firmware's, from 2001:db8:1::1"
}
check "PXE client, arch 7 (SOLICIT/REQUEST from the repo's codec): option 59 names our LAN A address, and the file comes over IPv6 TFTP" tftp_boot

tftp_link_local() {
  local ll
  ll=$(ip -n "$srv" -6 -o addr show dev "$br_a" scope link | awk '{print $4}' | cut -d/ -f1 | head -n 1)
  [ -n "$ll" ] || { echo "no link-local address on $br_a"; return 1; }
  timeout 20 ip netns exec "${c_ns[dpx]}" curl -sS -g -o "$work/dpx-ll.efi" "tftp://[$ll%25${c_if[dpx]}]/ipxe-x86_64.efi" 2>"$work/dpx-ll.out" ||
    { echo "curl tftp://[$ll%${c_if[dpx]}] failed:"; tail -n 3 "$work/dpx-ll.out"; return 1; }
  same_bytes "$work/dpx-ll.efi" "curl over link-local got" || return 1
  grep -qE "msg=\"transfer starts\" .*client=fe80::5054:ff:fed6:6%$br_a:[0-9]+ .*local=$ll%$br_a:[0-9]+\$" "$work/server.log" ||
    { echo "no 'transfer starts' from local $ll%$br_a in the server log"; grep 'transfer starts' "$work/server.log" | tail -n 2 | cut -c1-300; return 1; }
  echo "curl tftp://[fe80::…%${c_if[dpx]}]/ipxe-x86_64.efi: $(stat -c %s "$work/dpx-ll.efi") bytes, the firmware's, from the socket on fe80::…%$br_a"
}
check "the same file over TFTP to the server's link-local address on LAN A" tftp_link_local

http_boot() {
  local l url
  l=$(boot_client dhb 16 http) || { echo "$l"; return 1; }
  url=$(field "$l" bootfile)
  [ "$url" = 'http://[2001:db8:1::1]:8080/ipxe-x86_64.efi' ] || { echo "bootfile: got '$url'"; return 1; }
  [ "$(field "$l" vendor_class)" = 343:HTTPClient ] || { echo "vendor class: got '$(field "$l" vendor_class)', want 343:HTTPClient"; return 1; }
  ip -n "${c_ns[dhb]}" addr add 2001:db8:1::107/64 dev "${c_if[dhb]}" nodad || return 1
  timeout 20 ip netns exec "${c_ns[dhb]}" curl -6 -sS -g -o "$work/dhb.efi" "$url" 2>"$work/dhb-curl.out" ||
    { echo "curl -6 $url failed:"; tail -n 3 "$work/dhb-curl.out"; return 1; }
  same_bytes "$work/dhb.efi" "curl -6 got" || return 1
  echo "bootfile=$url vendor_class=343:HTTPClient; curl -6 fetched $(stat -c %s "$work/dhb.efi") bytes, the firmware's"
}
check "UEFI HTTP boot client, arch 16: option 59 is http://[our LAN A address]:8080/…, and curl -6 fetches it" http_boot

still_running() { kill -0 "$server_pid" 2>/dev/null && echo "pid $server_pid"; }
check "the DHCP server is still running" still_running

print_summary
