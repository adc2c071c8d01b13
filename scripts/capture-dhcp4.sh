#!/usr/bin/env bash
# Captures DHCPv4 requests from real clients into annotated-hex fixtures (test/fixtures/dhcp4).
# Root only; everything happens inside network namespaces this script creates:
#
#   client ns C ──veth── 192.0.2.1/24  server ns S  203.0.113.1/24 ──veth── relay ns R ──veth── client ns D
#   (dhclient, udhcpc,                 (UDP listener on              203.0.113.2 / 198.51.100.1 "swp7"
#    QEMU iPXE and OVMF on a bridge)    0.0.0.0:67)                  (ISC dhcrelay -a)   (udhcpc behind the relay)
#
# The listener (node:dgram) writes every datagram it receives and answers DISCOVER with an OFFER
# and REQUEST with an ACK built by our own encoder, so clients go on to send REQUEST and RELEASE.
# Clients run in a private UTS namespace with hostname `d4-client`, and every MAC is a fixed lab
# address, so fixtures carry nothing of this machine. Everything started is stopped by PID and the
# namespaces are deleted on exit, even on failure.
#
#   sudo bash scripts/capture-dhcp4.sh            # all scenarios
#   SKIP_QEMU=1 bash scripts/capture-dhcp4.sh     # without the QEMU firmware captures
#   OUT_DIR=/tmp/x bash scripts/capture-dhcp4.sh  # write the fixtures elsewhere (to diff them)
#   KEEP_WORK=1 …                                 # keep the raw captures and client logs
#
# Needs: isc-dhcp-client, busybox, isc-dhcp-relay, and for QEMU: qemu-system-x86, ipxe-qemu,
# seabios, ovmf (Debian 12 package names).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ "$(id -u)" -ne 0 ]; then
  echo "capture-dhcp4: needs root (network namespaces); skipping" >&2
  exit 77
fi

tag="d4c$$"
nsS="${tag}S"; nsC="${tag}C"; nsR="${tag}R"; nsD="${tag}D"
work=$(mktemp -d "/tmp/$tag.XXXX")
out="${OUT_DIR:-$root/test/fixtures/dhcp4}"
pids=()
today=$(date -u +%Y-%m-%d)

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "$nsS" "$nsC" "$nsR" "$nsD"; do ip netns del "$ns" 2>/dev/null; done
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "capture-dhcp4: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

#------------ helper programs (TypeScript, run through tsx from the repo root) -----------------

cat >"$work/listener.mts" <<'EOF'
// Records each datagram to <dir>/<seq>.bin and logs "<seq> <type> <mac> <from>"; answers
// DISCOVER/REQUEST with OFFER/ACK from our encoder (relayed: to giaddr:67; else broadcast).
import dgram from 'node:dgram';
import { appendFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
const src = resolve(process.cwd(), 'src');
const { decodeDhcp4Request } = await import(`${src}/dhcp/v4/decode.ts`);
const { encodeDhcp4 } = await import(`${src}/dhcp/v4/encode.ts`);
const { messageTypeName } = await import(`${src}/dhcp/v4/constants.ts`);
const { ipv4, u32 } = await import(`${src}/dhcp/v4/option-values.ts`);
const { Writer } = await import(`${src}/wire/writer.ts`);

const dir = process.argv[2]!;
const serverIp = 0xc0000201; // 192.0.2.1
const relaySideIp = 0xcb007101; // 203.0.113.1
const hosts = new Map<string, number>();
let seq = 0;
const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
sock.on('message', (msg, rinfo) => {
  seq++;
  const name = String(seq).padStart(3, '0');
  writeFileSync(`${dir}/${name}.bin`, msg);
  const r = decodeDhcp4Request(msg);
  if (!r.ok) {
    appendFileSync(`${dir}/log.txt`, `${name} BAD - ${rinfo.address}\n`);
    return;
  }
  const { view, options } = r.value;
  const type = options.messageType();
  appendFileSync(`${dir}/log.txt`, `${name} ${messageTypeName(type ?? 0)} ${view.chaddrText} ${rinfo.address}\n`);
  if (view.op !== 1 || (type !== 1 && type !== 3)) return;
  const host = hosts.get(view.chaddrText) ?? 100 + hosts.size;
  hosts.set(view.chaddrText, host);
  const giaddr = view.giaddr;
  const net = giaddr !== 0 ? (giaddr & 0xffffff00) >>> 0 : 0xc0000200;
  const sid = giaddr !== 0 ? relaySideIp : serverIp;
  const opts = [
    { code: 53, data: Uint8Array.of(type === 1 ? 2 : 5) },
    { code: 54, data: ipv4(sid) },
    { code: 51, data: u32(600) },
    { code: 1, data: ipv4(0xffffff00) },
  ];
  if (giaddr !== 0) opts.push({ code: 3, data: ipv4(giaddr) });
  const cid = options.bytes(61);
  if (cid !== undefined) opts.push({ code: 61, data: Uint8Array.from(cid) });
  const rai = options.bytes(82);
  if (rai !== undefined) opts.push({ code: 82, data: Uint8Array.from(rai) });
  const reply = {
    op: 2, htype: view.htype, xid: view.xid, flags: view.flags, ciaddr: 0, yiaddr: (net | host) >>> 0,
    siaddr: sid, giaddr, chaddr: Uint8Array.from(view.chaddr), options: opts,
  };
  const buf = Buffer.alloc(1500);
  const max = options.maxMessageSize();
  const res = encodeDhcp4(reply, new Writer(buf), max === undefined ? {} : { maxSize: max });
  const payload = buf.subarray(0, res.length);
  if (giaddr !== 0) sock.send(payload, 67, `${giaddr >>> 24}.${(giaddr >>> 16) & 255}.${(giaddr >>> 8) & 255}.${giaddr & 255}`);
  else sock.send(payload, 68, '255.255.255.255');
});
sock.bind(67, '0.0.0.0', () => {
  sock.setBroadcast(true);
  writeFileSync(`${dir}/ready`, '');
});
EOF

cat >"$work/annotate.mts" <<'EOF'
// Writes one captured datagram as an annotated-hex fixture, using our decoder for the comments.
// argv: <bin> <out.hex> <provenance file with the ;; header lines>
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
const src = resolve(process.cwd(), 'src');
const { Dhcp4View } = await import(`${src}/dhcp/v4/view.ts`);
const { Dhcp4Options } = await import(`${src}/dhcp/v4/options.ts`);
const c = await import(`${src}/dhcp/v4/constants.ts`);
const { decodeUserClass } = await import(`${src}/dhcp/v4/user-class.ts`);
const { decodeRelayAgentInfo } = await import(`${src}/dhcp/v4/relay-agent.ts`);
const { decodeIpxeOptions } = await import(`${src}/dhcp/v4/ipxe.ts`);
const { formatIPv4, formatMac } = await import(`${src}/wire/addr.ts`);

const [binPath, outPath, provPath] = process.argv.slice(2) as [string, string, string];
const buf = new Uint8Array(readFileSync(binPath));
const lines: string[] = readFileSync(provPath, 'utf8').trimEnd().split('\n');
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
const emit = (bytes: Uint8Array, comment: string) => {
  for (let i = 0; i < bytes.length || i === 0; i += 16) {
    const part = hex(bytes.subarray(i, i + 16));
    lines.push(i === 0 ? `${part.padEnd(48)}; ${comment}` : part);
    if (bytes.length === 0) break;
  }
};
const view = Dhcp4View.check(buf);
const opts = Dhcp4Options.decode(view);
const ip = (o: number) => formatIPv4(((buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!) >>> 0);
emit(buf.subarray(0, 1), `op ${view.op === 1 ? 'BOOTREQUEST' : 'BOOTREPLY'}`);
emit(buf.subarray(1, 2), `htype ${view.htype}${view.htype === 1 ? ' (Ethernet)' : ''}`);
emit(buf.subarray(2, 3), `hlen ${view.hlen}`);
emit(buf.subarray(3, 4), `hops ${view.hops}`);
emit(buf.subarray(4, 8), `xid 0x${view.xid.toString(16).padStart(8, '0')}`);
emit(buf.subarray(8, 10), `secs ${view.secs}`);
emit(buf.subarray(10, 12), `flags 0x${view.flags.toString(16).padStart(4, '0')}${view.broadcast ? ' (BROADCAST)' : ''}`);
emit(buf.subarray(12, 16), `ciaddr ${ip(12)}`);
emit(buf.subarray(16, 20), `yiaddr ${ip(16)}`);
emit(buf.subarray(20, 24), `siaddr ${ip(20)}`);
emit(buf.subarray(24, 28), `giaddr ${ip(24)}`);
emit(buf.subarray(28, 44), `chaddr ${view.chaddrText} + ${16 - view.hlen} bytes padding`);
const field = (start: number, len: number, name: string, overloaded: boolean) => {
  const b = buf.subarray(start, start + len);
  const text = view[name as 'sname' | 'file'];
  emit(b, overloaded ? `${name}: carries options (option 52)` : b.every((x) => x === 0) ? `${name}: empty (${len} zero bytes)` : `${name}: ${JSON.stringify(Buffer.from(text).toString('latin1'))}`);
};
field(44, 64, 'sname', (opts.overload & 2) !== 0);
field(108, 128, 'file', (opts.overload & 1) !== 0);
emit(buf.subarray(236, 240), 'magic cookie 99.130.83.99');
const describe = (code: number, v: Uint8Array, at: number): string => {
  const name = c.nameOf(code);
  const txt = () => JSON.stringify(Buffer.from(v).toString('latin1'));
  const ips = () => [...Array(v.length / 4).keys()].map((i) => ip(at + i * 4)).join(' ');
  try {
    switch (code) {
      case 53: return `${code} ${name}: ${c.messageTypeName(v[0]!)}`;
      case 1: case 3: case 6: case 28: case 50: case 54: return `${code} ${name}: ${ips()}`;
      case 51: case 58: case 59: return `${code} ${name}: ${((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0} s`;
      case 57: return `${code} ${name}: ${(v[0]! << 8) | v[1]!}`;
      case 55: return `${code} ${name}: ${[...v].join(' ')}`;
      case 12: case 15: case 17: case 56: case 60: case 66: case 67: return `${code} ${name}: ${txt()}`;
      case 61: return `${code} ${name}: type ${v[0]} ${v[0] === 1 && v.length === 7 ? formatMac(v, 1, 6) : hex(v.subarray(1))}`;
      case 93: return `${code} ${name}: ${[...Array(v.length >> 1).keys()].map((i) => { const a = (v[2 * i]! << 8) | v[2 * i + 1]!; return `${a} (${c.clientArchName(a)})`; }).join(', ')}`;
      case 94: return `${code} ${name}: type ${v[0]} (UNDI) v${v[1]}.${v[2]}`;
      case 97: return `${code} ${name}: type ${v[0]}, GUID ${hex(v.subarray(1)).replaceAll(' ', '')}`;
      case 77: { const u = decodeUserClass(v); return `${code} ${name}: ${u.form} ${JSON.stringify(u.classes)}`; }
      case 82: { const r = decodeRelayAgentInfo(buf, at, at + v.length); return `${code} ${name}: ${r.subOptions.map((s: { code: number; data: Uint8Array }) => `sub ${s.code} ${JSON.stringify(Buffer.from(s.data).toString('latin1'))}`).join(', ')}`; }
      case 175: { const x = decodeIpxeOptions(buf, at, at + v.length); return `${code} ${name}: features ${x.features.map((f: number) => `0x${f.toString(16)}`).join(' ')}${x.busId ? `, bus ${x.busId.type} ${x.busId.vendor.toString(16)}:${x.busId.device.toString(16)}` : ''}${x.version ? `, version ${x.version.major}.${x.version.minor}.${x.version.patch}` : ''}`; }
      default: return `${code} ${name}`;
    }
  } catch {
    return `${code} ${name} (malformed)`;
  }
};
const walk = (start: number, end: number) => {
  let p = start;
  while (p < end) {
    const code = buf[p]!;
    if (code === 0) {
      let q = p;
      while (q < end && buf[q] === 0) q++;
      emit(buf.subarray(p, q), `pad × ${q - p}`);
      p = q;
      continue;
    }
    if (code === 255) {
      emit(buf.subarray(p, p + 1), 'end');
      p++;
      if (p < end) emit(buf.subarray(p, end), `padding after End (${end - p} bytes)`);
      return;
    }
    const len = buf[p + 1]!;
    emit(buf.subarray(p, p + 2 + len), describe(code, buf.subarray(p + 2, p + 2 + len), p + 2));
    p += 2 + len;
  }
};
walk(240, buf.length);
writeFileSync(outPath, `${lines.join('\n')}\n`);
EOF

run_ts() { (cd "$root" && node --import tsx "$@"); }

#------------ topology ------------------------------------------------------------------------

for ns in "$nsS" "$nsC" "$nsR" "$nsD"; do ip netns add "$ns" || exit 1; ip -n "$ns" link set lo up; done
ip link add "v${tag}a" type veth peer name "v${tag}b" || exit 1   # S ── C
ip link add "v${tag}c" type veth peer name "v${tag}d" || exit 1   # S ── R
ip link add "v${tag}e" type veth peer name "v${tag}f" || exit 1   # R ── D
ip link set "v${tag}a" netns "$nsS"; ip -n "$nsS" link set "v${tag}a" name s0
ip link set "v${tag}b" netns "$nsC"; ip -n "$nsC" link set "v${tag}b" name c0
ip link set "v${tag}c" netns "$nsS"; ip -n "$nsS" link set "v${tag}c" name s1
ip link set "v${tag}d" netns "$nsR"; ip -n "$nsR" link set "v${tag}d" name up0
ip link set "v${tag}e" netns "$nsR"; ip -n "$nsR" link set "v${tag}e" name swp7
ip link set "v${tag}f" netns "$nsD"; ip -n "$nsD" link set "v${tag}f" name d0
ip -n "$nsC" link set c0 address 52:54:00:d4:00:01
ip -n "$nsD" link set d0 address 52:54:00:d4:00:02
ip -n "$nsS" addr add 192.0.2.1/24 dev s0
ip -n "$nsS" addr add 203.0.113.1/24 dev s1
ip -n "$nsR" addr add 203.0.113.2/24 dev up0
ip -n "$nsR" addr add 198.51.100.1/24 dev swp7
for pair in "$nsS s0" "$nsS s1" "$nsC c0" "$nsR up0" "$nsR swp7" "$nsD d0"; do set -- $pair; ip -n "$1" link set "$2" up; done
ip -n "$nsS" route add 198.51.100.0/24 via 203.0.113.2
ip -n "$nsS" route add default dev s0   # so 255.255.255.255 leaves on the client link
ip netns exec "$nsR" sysctl -qw net.ipv4.ip_forward=1

mkdir -p "$work/cap" "$out"
ip netns exec "$nsS" bash -c "cd '$root' && exec node --import tsx '$work/listener.mts' '$work/cap'" >"$work/listener.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -e "$work/cap/ready" ] && break; sleep 0.1; done
[ -e "$work/cap/ready" ] || { echo "listener did not start"; cat "$work/listener.log"; exit 1; }

count() { local n; n=$(grep -c -E "$1" "$work/cap/log.txt" 2>/dev/null); echo "${n:-0}"; }
wait_for() { # regex, how many, seconds
  local i
  for i in $(seq 1 $(($3 * 10))); do [ "$(count "$1")" -ge "$2" ] && return 0; sleep 0.1; done
  echo "timed out waiting for $2 × /$1/" >&2; return 1
}
seq_of() { grep -E "$1" "$work/cap/log.txt" | sed -n "${2}p" | cut -d' ' -f1; } # regex, nth match
in_client() { local ns=$1; shift; ip netns exec "$ns" unshare --uts sh -c 'hostname d4-client; exec "$@"' sh "$@"; }

fixture() { # name, seq, title, command, topology
  local prov="$work/prov.txt"
  {
    echo ";; $3"
    echo ";; Command: $4"
    echo ";; Topology: $5"
    echo ";; Captured by scripts/capture-dhcp4.sh: UDP payload as received by a node:dgram socket on"
    echo ";;   0.0.0.0:67 in the server namespace (which answers with OFFER/ACK from src/dhcp/v4/encode.ts)."
    echo ";; Date: $today. Scrubbed: nothing; MACs are lab addresses set by the script and the client's"
    echo ";;   hostname is d4-client (private UTS namespace). The xid is whatever the client chose."
  } >"$prov"
  run_ts "$work/annotate.mts" "$work/cap/$2.bin" "$out/$1" "$prov" && echo "wrote $out/$1"
}

direct="client ns (c0, 52:54:00:d4:00:01) ── veth ── server ns (s0 192.0.2.1/24)"
relayed="client ns (d0, 52:54:00:d4:00:02) ── veth ── relay ns (swp7 198.51.100.1/24, up0 203.0.113.2/24) ── veth ── server ns (s1 203.0.113.1/24)"

#------------ dhclient: DISCOVER, REQUEST (selecting), RELEASE ---------------------------------

dhv=$(dhclient --version 2>&1 | sed -n 's/^isc-dhclient-//p' | cut -d- -f1)
cat >"$work/dhclient-script" <<'EOF'
#!/bin/sh
# Minimal dhclient-script: set the address only (never touches /etc/resolv.conf).
case "$reason" in BOUND|RENEW|REBIND|REBOOT) ip addr add "$new_ip_address/24" dev "$interface" ;; esac
exit 0
EOF
chmod +x "$work/dhclient-script"
dh_cmd="dhclient -4 -d -v -1 -cf /etc/dhcp/dhclient.conf -lf LEASES -pf PIDFILE -sf SCRIPT c0"
in_client "$nsC" dhclient -4 -d -v -1 -cf /etc/dhcp/dhclient.conf -lf "$work/dh.leases" -pf "$work/dh.pid" \
  -sf "$work/dhclient-script" c0 >"$work/dhclient.log" 2>&1 &
pids+=($!)
if wait_for ' REQUEST 52:54:00:d4:00:01 ' 1 20; then
  sleep 1
  in_client "$nsC" dhclient -4 -r -v -cf /etc/dhcp/dhclient.conf -lf "$work/dh.leases" -pf "$work/dh.pid" \
    -sf "$work/dhclient-script" c0 >>"$work/dhclient.log" 2>&1
  wait_for ' RELEASE 52:54:00:d4:00:01 ' 1 10
  fixture "dhclient-$dhv-discover.hex" "$(seq_of ' DISCOVER 52:54:00:d4:00:01 ' 1)" \
    "isc-dhclient $dhv (Debian 12 isc-dhcp-client), DHCPDISCOVER, default /etc/dhcp/dhclient.conf" "$dh_cmd" "$direct"
  fixture "dhclient-$dhv-request-selecting.hex" "$(seq_of ' REQUEST 52:54:00:d4:00:01 ' 1)" \
    "isc-dhclient $dhv, DHCPREQUEST in SELECTING state, after our OFFER" "$dh_cmd" "$direct"
  fixture "dhclient-$dhv-release.hex" "$(seq_of ' RELEASE 52:54:00:d4:00:01 ' 1)" \
    "isc-dhclient $dhv, DHCPRELEASE (unicast to the server) from 'dhclient -r'" \
    "dhclient -4 -r -v -cf /etc/dhcp/dhclient.conf -lf LEASES -pf PIDFILE -sf SCRIPT c0" "$direct"
else
  cat "$work/dhclient.log"
fi
ip -n "$nsC" addr flush dev c0

#------------ udhcpc: plain, PXE imitation, user class in both forms --------------------------

bbv=$(busybox 2>&1 | sed -n '1s/^BusyBox v\([0-9.]*\).*/\1/p' | cut -d. -f1,2)
udhcpc_case() { # fixture-scenario, title, extra args...
  local scen=$1 title=$2; shift 2
  local before; before=$(count ' DISCOVER 52:54:00:d4:00:01 ')
  local cmd="busybox udhcpc -i c0 -f -q -n -t 3 -T 1 -s /bin/true $*"
  in_client "$nsC" busybox udhcpc -i c0 -f -q -n -t 3 -T 1 -s /bin/true "$@" >"$work/udhcpc-$scen.log" 2>&1
  wait_for ' DISCOVER 52:54:00:d4:00:01 ' $((before + 1)) 10 || { cat "$work/udhcpc-$scen.log"; return 1; }
  fixture "udhcpc-$bbv-discover$scen.hex" "$(seq_of ' DISCOVER 52:54:00:d4:00:01 ' $((before + 1)))" \
    "BusyBox $bbv udhcpc (Debian 12 busybox), DHCPDISCOVER$title" "$cmd" "$direct"
}
udhcpc_case "" ""
udhcpc_case "-pxe-efi64" ", imitating UEFI x64 PXE (smee's trick)" -V PXEClient -x 0x5d:0007
udhcpc_case "-user-class-rfc3004" ", user class as an RFC 3004 list [\"iPXE\", \"cluster\"]" -x 0x4d:046950584507636c7573746572
udhcpc_case "-user-class-plain" ", user class as iPXE's plain string \"iPXE\"" -x 0x4d:69505845

# A REQUEST from udhcpc (the DISCOVER runs above also sent one; this one gets its own fixture).
# No RELEASE: BusyBox 1.35 with -q -R logs "entering released state" but sends nothing.
before=$(count ' REQUEST 52:54:00:d4:00:01 ')
in_client "$nsC" busybox udhcpc -i c0 -f -q -n -t 3 -T 1 -s /bin/true >"$work/udhcpc-req.log" 2>&1
if wait_for ' REQUEST 52:54:00:d4:00:01 ' $((before + 1)) 10; then
  fixture "udhcpc-$bbv-request-selecting.hex" "$(seq_of ' REQUEST 52:54:00:d4:00:01 ' $((before + 1)))" \
    "BusyBox $bbv udhcpc, DHCPREQUEST in SELECTING state, after our OFFER" \
    "busybox udhcpc -i c0 -f -q -n -t 3 -T 1 -s /bin/true" "$direct"
fi

#------------ ISC dhcrelay: a relayed DISCOVER with option 82 ---------------------------------

relv=$(dhcrelay --version 2>&1 | sed -n 's/^isc-dhcrelay-//p' | cut -d- -f1)
ip netns exec "$nsR" dhcrelay -4 -d -a -pf "$work/relay.pid" -id swp7 -iu up0 203.0.113.1 >"$work/dhcrelay.log" 2>&1 &
pids+=($!)
sleep 1
in_client "$nsD" busybox udhcpc -i d0 -f -q -n -t 3 -T 1 -s /bin/true >"$work/udhcpc-relay.log" 2>&1
if wait_for ' DISCOVER 52:54:00:d4:00:02 ' 1 10; then
  fixture "dhcrelay-$relv-discover-option82.hex" "$(seq_of ' DISCOVER 52:54:00:d4:00:02 ' 1)" \
    "isc-dhcrelay $relv (Debian 12 isc-dhcp-relay) relaying a BusyBox $bbv udhcpc DHCPDISCOVER; -a adds option 82" \
    "dhcrelay -4 -d -a -id swp7 -iu up0 203.0.113.1 (client: busybox udhcpc -i d0 -f -q -n -t 3 -T 1 -s /bin/true)" "$relayed"
else
  cat "$work/dhcrelay.log"
fi

#------------ QEMU firmware: iPXE (SeaBIOS + ipxe-qemu ROM) and OVMF UEFI PXE ----------------

if [ "${SKIP_QEMU:-0}" != 1 ] && command -v qemu-system-x86_64 >/dev/null; then
  ip -n "$nsC" link add br0 type bridge
  ip -n "$nsC" link set c0 master br0
  ip -n "$nsC" tuntap add dev tap0 mode tap
  ip -n "$nsC" link set tap0 master br0
  ip -n "$nsC" link set tap0 up; ip -n "$nsC" link set br0 up
  # TCG, not KVM: nested KVM on CI hosts fails inside SeaBIOS ("KVM internal error"), and the
  # firmware only has to reach its first DHCP exchange.
  qemu_run() { # mac, seconds to wait for regex count, regex, count, qemu args...
    local mac=$1 regex=$2 n=$3; shift 3
    ip netns exec "$nsC" qemu-system-x86_64 -m 256 -nodefaults -no-user-config -display none \
      -serial "file:$work/qemu-$mac.serial" -netdev tap,id=n0,ifname=tap0,script=no,downscript=no "$@" >"$work/qemu-$mac.log" 2>&1 &
    local qpid=$!
    pids+=($qpid)
    wait_for "$regex" "$n" 150
    local rc=$?
    kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null
    return $rc
  }
  ipxe_ver=$(dpkg-query -W -f '${Version}' ipxe-qemu 2>/dev/null)
  ipxe_cmd="qemu-system-x86_64 -m 256 -nodefaults -display none -netdev tap,id=n0,ifname=tap0 -device e1000,netdev=n0,mac=52:54:00:d4:00:10,romfile=/usr/lib/ipxe/qemu/pxe-e1000.rom,bootindex=1"
  if qemu_run 10 ' REQUEST 52:54:00:d4:00:10 ' 1 -device "e1000,netdev=n0,mac=52:54:00:d4:00:10,romfile=/usr/lib/ipxe/qemu/pxe-e1000.rom,bootindex=1"; then
    fixture "ipxe-1.0.0-git20190125-discover.hex" "$(seq_of ' DISCOVER 52:54:00:d4:00:10 ' 1)" \
      "iPXE from Debian 12 ipxe-qemu $ipxe_ver (pxe-e1000.rom) under SeaBIOS, QEMU $(qemu-system-x86_64 --version | sed -n '1s/.*version \([0-9.]*\).*/\1/p'): DHCPDISCOVER" \
      "$ipxe_cmd" "QEMU e1000 on tap0, bridged with c0 in the client ns; $direct"
    fixture "ipxe-1.0.0-git20190125-request.hex" "$(seq_of ' REQUEST 52:54:00:d4:00:10 ' 1)" \
      "iPXE from Debian 12 ipxe-qemu $ipxe_ver (pxe-e1000.rom), DHCPREQUEST after our OFFER" \
      "$ipxe_cmd" "QEMU e1000 on tap0, bridged with c0 in the client ns; $direct"
  fi
  ovmf_ver=$(dpkg-query -W -f '${Version}' ovmf 2>/dev/null)
  ovmf_cmd="qemu-system-x86_64 -m 256 -nodefaults -display none -bios /usr/share/ovmf/OVMF.fd -netdev tap,id=n0,ifname=tap0 -device virtio-net-pci,netdev=n0,mac=52:54:00:d4:00:11,romfile=,bootindex=1"
  if qemu_run 11 ' DISCOVER 52:54:00:d4:00:11 ' 1 -bios /usr/share/ovmf/OVMF.fd \
      -device "virtio-net-pci,netdev=n0,mac=52:54:00:d4:00:11,romfile=,bootindex=1"; then
    fixture "ovmf-2022.11-pxe-discover.hex" "$(seq_of ' DISCOVER 52:54:00:d4:00:11 ' 1)" \
      "EDK II OVMF $ovmf_ver (Debian 12 ovmf) UEFI PXE over virtio-net, no option ROM: DHCPDISCOVER" \
      "$ovmf_cmd" "QEMU virtio-net on tap0, bridged with c0 in the client ns; $direct"
  fi
fi

echo "capture-dhcp4: packets seen:"
sed 's/^/  /' "$work/cap/log.txt"
