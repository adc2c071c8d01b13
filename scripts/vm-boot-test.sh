#!/usr/bin/env bash
# End-to-end network boot with real firmware (root only): QEMU virtual machines (software
# emulation, TCG) boot against `coresmd dhcp` in a throwaway network namespace, with smd-sim
# holding the known VMs' MACs and a small HTTP server standing in for BSS.
#
#   ┌ server ns ──────────────────────────────────────────────────────────────────────────────┐
#   │ smd-sim 172.16.0.253:27779 (scripts/vm/inventory.json)                                  │
#   │ coresmd dhcp (scripts/vm/coredhcp.yaml.in): DHCPv4 on the bridge, TFTP :69 serving      │
#   │   firmware/ipxe/bin (tftp_dir does not exist) and the built-in `default` script         │
#   │ BSS stand-in 172.16.0.253:8081 (scripts/vm/bss.ts): /boot/v1/bootscript?mac=…, logged   │
#   │ the admin API of coresmd dhcp on 127.0.0.1:9180 (the namespace's loopback)              │
#   │ router advertisements (scripts/vm/ra.py), so iPXE's IPv6 step does not wait 13 s        │
#   │ tcpdump on the bridge (DHCP, TFTP requests), decoded by scripts/vm/stages.ts            │
#   │                                                                                         │
#   │ bridge 172.16.0.253/24 ── tap ── QEMU VM (one at a time)                                │
#   │        └─ veth pair (keeps the bridge up while no VM runs)                              │
#   └─────────────────────────────────────────────────────────────────────────────────────────┘
#
# VMs, one after the other:
#   bios-pxe  SeaBIOS; ipxe.lkrn with user class PXE-EMU stands in for a vendor PXE ROM (DHCP
#             arch 0 → TFTP undionly.kpxe → iPXE DHCP, user class iPXE → GET the BSS script)
#   uefi      OVMF's own PXE client on virtio-net (DHCP arch 7 → TFTP ipxe-x86_64.efi, with a
#             tsize probe → iPXE DHCP → GET the BSS script)
#   ipxe-rom  SeaBIOS with Debian's iPXE e1000 option ROM: its first DHCP already says iPXE, so
#             it goes straight to the BSS script
#   bootloop  a MAC SMD does not know (SeaBIOS, PXE stand-in): a bootloop address and
#             undionly.kpxe, then iPXE gets `default`, the reboot script; QEMU runs with
#             -no-reboot, so the reboot ends it
#   bootloop-added  the MAC is then added to smd-sim (SMD's write API); once the server has
#             released the bootloop lease, the same VM boots like bios-pxe with its SMD address
# A known VM passes when BSS gets GET /boot/v1/bootscript?mac=<its MAC> from its SMD address
# after the stages its firmware must go through; the summary lists every stage seen with its
# time after QEMU started, from the bridge capture, the server's log, the BSS log and the serial
# consoles. Also checked: `coresmd explain` predicts the replies the VMs got, and the admin API's
# timeline of the BIOS and UEFI VMs (GET /api/v1/nodes/<mac>/timeline, scripts/vm/timeline.ts)
# lists every stage from DISCOVER to the boot-script URL, in order. About a minute.
# VM_ONLY=bios-pxe,uefi runs a subset (bootloop includes bootloop-added); VM_KEEP=1 keeps the logs.
#
# Every address lives inside the namespace this script creates; nothing touches the host's
# interfaces. All names carry the script's PID; processes are stopped by PID and the namespace
# deleted by name on exit, even on failure or SIGTERM. Exit status: 0 passed, 1 failed, 77
# skipped (not root, or QEMU/firmware packages missing; .ci/run installs them).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ "$(id -u)" -ne 0 ]; then
  echo "vm-boot-test: needs root (network namespaces, tap devices); skipping" >&2
  exit 77
fi

# shellcheck source=netns/lib.sh
. "$root/scripts/netns/lib.sh"

# ---- what the VMs need (Debian packages) ----------------------------------------------------
QEMU=qemu-system-x86_64
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
IPXE_LKRN=/usr/lib/ipxe/ipxe.lkrn
E1000_ROM=/usr/lib/ipxe/qemu/pxe-e1000.rom
SEABIOS=/usr/share/seabios/bios-256k.bin
missing=()
command -v "$QEMU" >/dev/null 2>&1 || missing+=("$QEMU (qemu-system-x86)")
[ -r "$OVMF_CODE" ] && [ -r "$OVMF_VARS" ] || missing+=("$OVMF_CODE (ovmf)")
[ -r "$IPXE_LKRN" ] || missing+=("$IPXE_LKRN (ipxe)")
[ -r "$E1000_ROM" ] || missing+=("$E1000_ROM (ipxe-qemu)")
[ -r "$SEABIOS" ] || missing+=("$SEABIOS (seabios)")
command -v tcpdump >/dev/null 2>&1 || missing+=("tcpdump (tcpdump)")
command -v python3 >/dev/null 2>&1 || missing+=("python3 (python3)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "vm-boot-test: missing ${missing[*]}; .ci/run installs them; skipping" >&2
  exit 77
fi

tag="csvm$$"
work=$(mktemp -d "/tmp/$tag.XXXXXX")
started=$SECONDS

on_exit() {
  netns_cleanup
  if [ -n "${VM_KEEP:-}" ]; then echo "vm-boot-test: logs kept in $work"; else rm -rf "$work"; fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Stops one process we started (by PID) and forgets it.
stop_pid() { # pid
  local pid=$1 keep=() p
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  for p in "${pids[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
  pids=("${keep[@]}")
}

now_ms() { date +%s%3N; }

stages_of=()    # "name|title" for the stages block of the summary

print_summary() {
  echo "vm-boot-test summary:"
  printf '  %s\n' "${results[@]}"
  local entry name title
  if [ ${#stages_of[@]} -gt 0 ]; then
    echo "stages seen (time after QEMU started):"
    for entry in "${stages_of[@]}"; do
      name=${entry%%|*}; title=${entry#*|}
      echo "  $name: $title"
      if [ -s "$work/$name.stages" ]; then sed -e '$d' -e 's/^/  /' "$work/$name.stages"; else echo "    (nothing recorded)"; fi
    done
  fi
  echo "vm-boot-test: ${#results[@]} checks in $(( SECONDS - started ))s"
  if [ "$failed" -ne 0 ]; then
    if [ -s "$work/dhcp.log" ]; then echo "--- last lines of the DHCP server log:"; tail -n 15 "$work/dhcp.log" | cut -c1-300; fi
    echo "vm-boot-test: FAILED"
    exit 1
  fi
  echo "vm-boot-test: all passed"
  exit 0
}

# ---- the iPXE binaries TFTP serves (firmware/ipxe/bin, fetched from Debian's ipxe package) --
firmware_ready() {
  if bash firmware/ipxe/fetch.sh --verify >/dev/null 2>&1; then echo "firmware/ipxe/bin verified against SHA256SUMS"; return 0; fi
  bash firmware/ipxe/fetch.sh 2>&1 | tail -n 3
  bash firmware/ipxe/fetch.sh --verify 2>&1 | tail -n 1
  bash firmware/ipxe/fetch.sh --verify >/dev/null 2>&1
}
check "iPXE binaries present in firmware/ipxe/bin (fetch.sh --verify)" firmware_ready
[ "$failed" -eq 0 ] || print_summary

# ---- topology --------------------------------------------------------------------------------
srv="${tag}-srv"
br="${tag}br"
keep_a="${tag}ka"; keep_b="${tag}kb"
srv_ip=172.16.0.253
smd_url="http://$srv_ip:27779"
bss_url="http://$srv_ip:8081"

setup_topology() {
  add_ns "$srv" || return 1
  add_bridge "$srv" "$br" "$srv_ip/24" || return 1
  # iPXE's IPv6 autoconfiguration needs an RA; no DAD delay for the bridge's link-local address.
  ip netns exec "$srv" sysctl -qw "net.ipv6.conf.$br.disable_ipv6=0" "net.ipv6.conf.$br.accept_dad=0" || true
  # A veth pair inside the namespace, one end a bridge port: the bridge keeps its carrier while
  # no VM's tap is open. Without it the bridge is NO-CARRIER before the first VM starts, and
  # `coresmd dhcp` refuses to start ("interface … not found or has no IPv4 address"): Node's
  # os.networkInterfaces() leaves out interfaces that are not IFF_RUNNING.
  ip -n "$srv" link add "$keep_a" type veth peer name "$keep_b" || return 1
  ip -n "$srv" link set "$keep_a" master "$br" && ip -n "$srv" link set "$keep_a" up && ip -n "$srv" link set "$keep_b" up
}
if ! setup_topology; then
  results+=("FAIL  topology: could not create the namespace, bridge and veth pair")
  failed=1
  print_summary
fi

add_tap() { # name
  ip -n "$srv" tuntap add dev "$1" mode tap || return 1
  ip -n "$srv" link set "$1" master "$br" && ip -n "$srv" link set "$1" up
}

# ---- services --------------------------------------------------------------------------------
start_bg "$work/smd-sim.log" ip netns exec "$srv" bin/coresmd smd-sim --inventory scripts/vm/inventory.json --listen "$srv_ip:27779"
start_bg "$work/bss.out" ip netns exec "$srv" node --import tsx scripts/vm/bss.ts "$srv_ip:8081" "$work/bss.log"
start_bg "$work/ra.log" ip netns exec "$srv" python3 scripts/vm/ra.py "$br"
start_bg "$work/tcpdump.err" ip netns exec "$srv" tcpdump --immediate-mode -U -n -i "$br" -w "$work/bridge.pcap" 'udp port 67 or udp port 68 or udp port 69'

sed -e "s|@BR@|$br|; s|@SMD_URL@|$smd_url|; s|@BSS_URL@|$bss_url|; s|@TFTP_DIR@|$work/no-such-tftp-dir|; s|@LEASE_FILE@|$work/bootloop.leases|" \
  scripts/vm/coredhcp.yaml.in >"$work/coredhcp.yaml"
check_config() { bin/coresmd check -c "$work/coredhcp.yaml" >/dev/null 2>"$work/check.err" || { cat "$work/check.err"; return 1; }; tail -n 1 "$work/check.err"; }
check "coresmd check accepts the VM test config" check_config

helpers_ready() {
  wait_for_line "$work/smd-sim.log" 'smd-sim listening' 15 || { echo "smd-sim did not start:"; tail -n 3 "$work/smd-sim.log"; return 1; }
  wait_for_line "$work/bss.out" 'bss stand-in listening' 15 || { echo "the BSS stand-in did not start:"; tail -n 3 "$work/bss.out"; return 1; }
  wait_for_line "$work/tcpdump.err" 'listening on' 10 || { echo "tcpdump did not start:"; tail -n 3 "$work/tcpdump.err"; return 1; }
  echo "smd-sim at $smd_url, BSS stand-in at $bss_url, router advertisements and capture on $br"
}
check "smd-sim, the BSS stand-in and the capture are up in the server namespace" helpers_ready

admin_url=http://127.0.0.1:9180
start_bg "$work/dhcp.log" ip netns exec "$srv" bin/coresmd dhcp -c "$work/coredhcp.yaml" --log-format logfmt -L debug --admin-listen 127.0.0.1:9180
dhcp_pid=${pids[-1]}
server_ready() {
  if ! wait_for_line "$work/dhcp.log" 'msg="DHCPv4 listening" mode=(raw|dgram) interfaces=' 20; then
    echo "the DHCP server did not start:"; tail -n 5 "$work/dhcp.log"; return 1
  fi
  wait_for_line "$work/dhcp.log" 'msg="inventory loaded"' 10 || { echo "no SMD inventory loaded:"; tail -n 5 "$work/dhcp.log"; return 1; }
  wait_for_line "$work/dhcp.log" 'msg="admin server listening"' 5 || { echo "the admin server did not start:"; tail -n 5 "$work/dhcp.log"; return 1; }
  local l; l=$(grep -E 'msg="DHCPv4 listening" mode=(raw|dgram) interfaces=' "$work/dhcp.log" | tail -n 1)
  echo "${l#*msg=}; $(grep -m1 'msg="inventory loaded"' "$work/dhcp.log" | grep -oE 'interfaces=[0-9]+ components=[0-9]+') from smd-sim"
}
check "coresmd dhcp up on the bridge with the SMD inventory" server_ready
kill -0 "$dhcp_pid" 2>/dev/null || print_summary

# ---- the VMs ---------------------------------------------------------------------------------
printf '\xf8\x03' >"$work/sercon-port"   # SeaBIOS mirrors its (and BIOS iPXE's) VGA text to COM1 0x3f8
# A PXE client without a PXE ROM: iPXE as a Linux kernel image, told to identify as something
# other than iPXE for its one DHCP, then to load the offered file (undionly.kpxe) over TFTP the
# way a NIC's PXE ROM does. `clear user-class` keeps the PXE-EMU class out of the DHCPACK that
# its PXE API hands undionly.kpxe (else that iPXE would ask as PXE-EMU again and loop once).
pxe_emu_script='set user-class PXE-EMU && dhcp && clear user-class && chain ${filename}'

vm_args() { # name kind mac tap
  local name=$1 kind=$2 mac=$3 tap=$4
  local common=(-name "vmboot-$name" -accel tcg -nodefaults -no-user-config -display none
    -serial "file:$work/$name.serial" -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no")
  case $kind in
    bios-pxe|bootloop)
      printf '%s\0' "${common[@]}" -machine pc -m 256 -vga none -fw_cfg "name=etc/sercon-port,file=$work/sercon-port" \
        -device "e1000,netdev=n0,mac=$mac,romfile=" -kernel "$IPXE_LKRN" -append "$pxe_emu_script"
      [ "$kind" = bootloop ] && printf '%s\0' -no-reboot
      ;;
    ipxe-rom)
      printf '%s\0' "${common[@]}" -machine pc -m 256 -vga none -fw_cfg "name=etc/sercon-port,file=$work/sercon-port" \
        -device "e1000,netdev=n0,mac=$mac,romfile=$E1000_ROM,bootindex=0"
      ;;
    uefi)
      cp "$OVMF_VARS" "$work/$name.vars.fd"
      # No option ROM on the NIC: OVMF's own virtio-net driver and PXE client run.
      printf '%s\0' "${common[@]}" -machine q35 -m 512 \
        -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE" \
        -drive "if=pflash,format=raw,unit=1,file=$work/$name.vars.fd" \
        -device "virtio-net-pci,netdev=n0,mac=$mac,romfile=,bootindex=0"
      ;;
  esac
}

MARKER='coresmd-vm-boot-test: BSS boot script running'
n=0
# Boots one VM (in this shell, so that its PID is in pids for the EXIT trap). Known VMs end when
# BSS got their request and the script's marker is on the console (or 5 s after the request);
# the bootloop VM ends when the reboot script resets it (-no-reboot). Leaves the times seen in
# vm_t0, vm_script_ms and vm_exit_ms.
boot_vm() { # name kind mac timeout-seconds
  local name=$1 kind=$2 mac=$3 limit=$4
  local tap="${tag}t$n"; n=$((n + 1))
  local args=() qpid got_ms="" deadline enc=${mac//:/%3A}
  vm_t0=""; vm_script_ms=""; vm_exit_ms=""
  add_tap "$tap" || { echo "could not create tap $tap" >"$work/$name.qemu.log"; return 1; }
  mapfile -d '' args < <(vm_args "$name" "$kind" "$mac" "$tap")
  : >"$work/$name.serial"
  vm_t0=$(now_ms)
  start_bg "$work/$name.qemu.log" ip netns exec "$srv" "$QEMU" "${args[@]}"
  qpid=${pids[-1]}
  deadline=$(( vm_t0 + limit * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if ! kill -0 "$qpid" 2>/dev/null; then vm_exit_ms=$(now_ms); break; fi
    if [ "$kind" != bootloop ]; then
      if [ -z "$got_ms" ] && grep -qE "path=/boot/v1/bootscript\?mac=($enc|$mac)( |$)" "$work/bss.log" 2>/dev/null; then
        got_ms=$(now_ms); deadline=$(( got_ms + 5000 ))
      fi
      if [ -n "$got_ms" ] && grep -aq "$MARKER" "$work/$name.serial"; then vm_script_ms=$(now_ms); break; fi
    fi
    sleep 0.1
  done
  stop_pid "$qpid"
  ip -n "$srv" link del "$tap" 2>/dev/null
  sleep 0.3   # let the capture and the logs catch up
}

# Reads the stages of the VM just booted (scripts/vm/stages.ts) and judges them.
vm_verdict() { # name kind mac expected-ip
  local name=$1 kind=$2 mac=$3 ip=$4 extra=() rc
  [ -n "$vm_t0" ] || { cat "$work/$name.qemu.log"; return 1; }
  [ "$kind" != bootloop ] && extra+=(--ip "$ip")
  [ -n "$vm_script_ms" ] && extra+=(--script-ms "$vm_script_ms")
  [ "$kind" = bootloop ] && [ -n "$vm_exit_ms" ] && extra+=(--exit-ms "$vm_exit_ms")
  node --import tsx scripts/vm/stages.ts --profile "$kind" --mac "$mac" --t0 "$vm_t0" --pcap "$work/bridge.pcap" \
    --dhcp-log "$work/dhcp.log" --bss-log "$work/bss.log" --bss-url "$bss_url" "${extra[@]}" >"$work/$name.stages" 2>&1
  rc=$?
  if [ "$kind" != bootloop ] && [ -n "$vm_exit_ms" ]; then
    echo "QEMU exited on its own after $(( (vm_exit_ms - vm_t0) / 1000 ))s: $(tail -n 2 "$work/$name.qemu.log" | paste -sd' ')"; rc=1
  fi
  if [ $rc -ne 0 ]; then
    grep '^  problem: ' "$work/$name.stages" | sed 's/^  problem: //'
    echo "last serial console lines: $(tr -d '\r' <"$work/$name.serial" | grep -a -v '^[[:space:]]*$' | tail -n 3 | cut -c1-120 | paste -sd'|')"
    echo "seen: $(tail -n 1 "$work/$name.stages")"
    return 1
  fi
  local end=${vm_script_ms:-${vm_exit_ms:-$(now_ms)}}
  awk -v s="$(tail -n 1 "$work/$name.stages")" -v ms=$(( end - vm_t0 )) 'BEGIN { printf "%s (VM ran %.1fs)\n", s, ms / 1000 }'
}

# The admin server's timeline of a VM just booted (scripts/vm/timeline.ts checks the stages).
admin_timeline() { # mac binary
  ip netns exec "$srv" node --import tsx scripts/vm/timeline.ts "$admin_url" "$1" "$2" "$bss_url/boot/v1/bootscript?mac=$1"
}

vm_enabled() { [ -z "${VM_ONLY:-}" ] || [[ ",$VM_ONLY," == *",$1,"* ]]; }

declare -A vm_title=(
  [bios-pxe]="BIOS (SeaBIOS, PXE client): DHCP arch 0 → TFTP undionly.kpxe → iPXE DHCP → GET /boot/v1/bootscript?mac=52:54:00:c5:00:01"
  [uefi]="UEFI (OVMF PXE, virtio-net): DHCP arch 7 → TFTP ipxe-x86_64.efi → iPXE DHCP → GET /boot/v1/bootscript?mac=52:54:00:c5:00:02"
  [ipxe-rom]="BIOS (SeaBIOS, Debian's iPXE e1000 ROM): iPXE DHCP → GET /boot/v1/bootscript?mac=52:54:00:c5:00:03"
  [bootloop]="unknown MAC 52:54:00:c5:00:99 (SeaBIOS, PXE client): bootloop address → TFTP undionly.kpxe → iPXE gets default → reboot"
  [bootloop-added]="the same VM once its MAC is in SMD: DHCP arch 0 → 172.16.0.99 → TFTP undionly.kpxe → iPXE DHCP → GET /boot/v1/bootscript?mac=52:54:00:c5:00:99"
)
vm_run_args() {
  case $1 in
    bios-pxe) echo "bios-pxe 52:54:00:c5:00:01 172.16.0.11 45" ;;
    uefi) echo "uefi 52:54:00:c5:00:02 172.16.0.12 60" ;;
    ipxe-rom) echo "ipxe-rom 52:54:00:c5:00:03 172.16.0.13 30" ;;
    bootloop) echo "bootloop 52:54:00:c5:00:99 - 45" ;;
    bootloop-added) echo "bios-pxe 52:54:00:c5:00:99 172.16.0.99 45" ;;
  esac
}

# The bootloop's purpose: once the node is in SMD (added through SMD's write API, as discovery
# would), the server releases its temporary lease at the next refresh and its next boot is a
# normal one.
smd_learns_mac() {
  ip netns exec "$srv" node --import tsx scripts/netns/smd-add.ts "$smd_url" 52:54:00:c5:00:99 x3000c0s9b0n0 99 172.16.0.99 || return 1
  wait_for_line "$work/dhcp.log" 'released bootloop leases of MACs now in SMD' 15 ||
    { echo "the server did not release the bootloop lease of 52:54:00:c5:00:99 (cache_valid=5s)"; return 1; }
  echo "$(grep -m1 'released bootloop leases of MACs now in SMD' "$work/dhcp.log" | sed 's/.*msg=//')"
}

for vm in bios-pxe uefi ipxe-rom bootloop bootloop-added; do
  vm_enabled "${vm%-added}" || continue
  if [ "$vm" = bootloop-added ]; then
    check "smd-sim learns 52:54:00:c5:00:99 (x3000c0s9b0n0, 172.16.0.99); the server releases its bootloop lease" smd_learns_mac
  fi
  stages_of+=("$vm|${vm_title[$vm]}")
  read -r kind mac ip limit <<<"$(vm_run_args "$vm")"
  boot_vm "$vm" "$kind" "$mac" "$limit"
  check "${vm_title[$vm]}" vm_verdict "$vm" "$kind" "$mac" "$ip"
  case $vm in
    bios-pxe) check "admin API timeline of $mac: every stage from DISCOVER to the boot-script URL, in order" admin_timeline "$mac" undionly.kpxe ;;
    uefi) check "admin API timeline of $mac: every stage from DISCOVER to the boot-script URL, in order" admin_timeline "$mac" ipxe-x86_64.efi ;;
  esac
done

# `coresmd explain` (the dry run) must predict what the live server sent each known VM. It runs
# on a copy of the config with its own lease file, so it never touches the server's journal.
sed -e "s|$work/bootloop.leases|$work/explain.leases|" "$work/coredhcp.yaml" >"$work/explain.yaml"
explain_reply() { # mac arch [user-class] → "yiaddr option67"
  ip netns exec "$srv" bin/coresmd explain -c "$work/explain.yaml" --iface "$br" --mac "$1" --arch "$2" ${3:+--user-class "$3"} 2>/dev/null |
    python3 -c 'import json, sys; r = json.load(sys.stdin)["reply"]; print(r["yiaddr"], r["options"].get("67 Bootfile Name", "-"))'
}
wire_ack() { # name firmware|iPXE → "yiaddr file" of the first ACK on the wire
  grep -m1 -E "^ +\+[0-9.]+s +DHCPACK to $2 " "$work/$1.stages" 2>/dev/null | sed -E 's/.*DHCPACK to [A-Za-z]+ +([0-9.]+) file=([^ ]*).*/\1 \2/'
}
explain_matches() {
  local vm kind mac ip limit arch uc stage want got out=() bad=0
  for vm in bios-pxe uefi ipxe-rom; do
    vm_enabled "$vm" || continue
    read -r kind mac ip limit <<<"$(vm_run_args "$vm")"
    arch=0; [ "$vm" = uefi ] && arch=7
    for stage in firmware iPXE; do
      [ "$vm" = ipxe-rom ] && [ "$stage" = firmware ] && continue
      uc=""; [ "$stage" = iPXE ] && uc=iPXE; [ "$vm" = bios-pxe ] && [ "$stage" = firmware ] && uc=PXE-EMU
      want=$(wire_ack "$vm" "$stage"); got=$(explain_reply "$mac" "$arch" "$uc")
      if [ -z "$want" ] || [ "$want" != "$got" ]; then echo "$vm $stage: explain says '$got', the VM got '${want:-nothing}'"; bad=1; fi
      out+=("$vm/$stage: ${got// / }")
    done
  done
  [ $bad -eq 0 ] || return 1
  local IFS=';'; echo "${out[*]}" | sed 's/;/; /g'
}
if vm_enabled bios-pxe || vm_enabled uefi || vm_enabled ipxe-rom; then
  check "coresmd explain predicts the replies the known VMs got" explain_matches
fi

tftp_root() {
  local l; l=$(grep -m1 'msg="serving boot files"' "$work/dhcp.log") || { echo "no TFTP request was served"; return 1; }
  grep -q " root=$root/firmware/ipxe/bin " <<<"$l" || { echo "${l#*msg=}"; return 1; }
  echo "tftp_dir $work/no-such-tftp-dir does not exist: served ${l#* root=}"
}
if vm_enabled bios-pxe || vm_enabled uefi || vm_enabled bootloop; then
  check "TFTP served the fetched iPXE binaries (firmware/ipxe/bin) because tftp_dir does not exist" tftp_root
fi
server_alive() { kill -0 "$dhcp_pid" 2>/dev/null || { echo "the DHCP server exited"; tail -n 5 "$work/dhcp.log"; return 1; }; echo "still running (pid $dhcp_pid)"; }
check "the DHCP server is still running" server_alive

print_summary
