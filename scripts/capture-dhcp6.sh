#!/usr/bin/env bash
# Captures DHCPv6 messages from real clients and relay agents into annotated-hex fixtures
# (test/fixtures/dhcp6). Root only; everything happens inside network namespaces this script
# creates (names carry its PID), and every MAC and address is a fixed lab value:
#
#   client ns C ── c0 ─── s0 ── server ns S            (dhclient -6, dhclient -6 -S, dhcpcd -6,
#   52:54:00:d6:00:01      2001:db8:1::1/64              QEMU OVMF UEFI PXEv6 on a bridge)
#
#   client ns D ── d0 ── swp7 ── relay ns R ── up0 ─── t0 ── server ns T
#   52:54:00:d6:00:02    2001:db8:2::1/64     2001:db8:ff::2   2001:db8:ff::1/64
#                                 │ (ISC dhcrelay -6 -I, downstream swp7 and rdn)
#                                rdn 2001:db8:4::1/64
#                                 │
#   client ns E ── e0 ── swp9 ── relay ns Q ── qup 2001:db8:4::2/64   (a second dhcrelay -6 -I:
#   52:54:00:d6:00:03    2001:db8:3::1/64                               two RELAY-FORW layers)
#
# A listener (node:dgram, udp6 on [::]:547, joined to ff02::1:2 on its one interface) runs in
# S and in T. It writes every datagram it receives and answers with our own encoder
# (src/dhcp/v6/encode.ts): ADVERTISE for SOLICIT, REPLY for the rest, wrapped in RELAY-REPL per
# relay layer. It ignores the first RENEW of each client, so the client goes on to REBIND; T1/T2
# are 2 s / 4 s for that. Clients run in a private UTS namespace with hostname `d6-client`.
# Everything started is stopped by PID and the namespaces are deleted on exit, even on failure.
#
#   sudo bash scripts/capture-dhcp6.sh            # all scenarios
#   SKIP_QEMU=1 bash scripts/capture-dhcp6.sh     # without the OVMF capture
#   OUT_DIR=/tmp/x bash scripts/capture-dhcp6.sh  # write the fixtures elsewhere (to diff them)
#   KEEP_WORK=1 …                                 # keep the raw captures and client logs
#
# Needs: isc-dhcp-client, isc-dhcp-relay, dhcpcd-base, and for QEMU: qemu-system-x86, ovmf
# (Debian 12 package names).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ "$(id -u)" -ne 0 ]; then
  echo "capture-dhcp6: needs root (network namespaces); skipping" >&2
  exit 77
fi

tag="d6c$$"
nsS="${tag}S"; nsC="${tag}C"; nsT="${tag}T"; nsR="${tag}R"; nsD="${tag}D"; nsQ="${tag}Q"; nsE="${tag}E"
all_ns=("$nsS" "$nsC" "$nsT" "$nsR" "$nsD" "$nsQ" "$nsE")
work=$(mktemp -d "/tmp/$tag.XXXX")
out="${OUT_DIR:-$root/test/fixtures/dhcp6}"
pids=()
today=$(date -u +%Y-%m-%d)

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "${all_ns[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "capture-dhcp6: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

#------------ helper programs (TypeScript, run through tsx from the repo root) -----------------

cat >"$work/listener.mts" <<'EOF'
// Records each datagram to <dir>/<seq>.bin and logs "<seq> <TYPE> <layers> <from>"; answers
// with our encoder. argv: <dir> <interface> <address prefix for direct clients>
import dgram from 'node:dgram';
import { appendFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
const src = resolve(process.cwd(), 'src');
const { decodeDhcp6 } = await import(`${src}/dhcp/v6/decode.ts`);
const { encodeDhcp6, byteLength, wrapRelayReply } = await import(`${src}/dhcp/v6/encode.ts`);
const c = await import(`${src}/dhcp/v6/constants.ts`);
const v = await import(`${src}/dhcp/v6/option-values.ts`);
const { domainList } = await import(`${src}/dhcp/v6/dns-name.ts`);
const { parseDuid } = await import(`${src}/dhcp/v6/duid.ts`);
const { parseIPv6 } = await import(`${src}/wire/addr.ts`);
const { Writer } = await import(`${src}/wire/writer.ts`);

const [dir, iface, prefix] = process.argv.slice(2) as [string, string, string];
const serverDuid = parseDuid('LL 52:54:00:d6:00:fe')!;
const T = c.Dhcp6MessageType;
const hosts = new Map<string, number>();
const renewsSeen = new Set<string>();
let seq = 0;
const sock = dgram.createSocket({ type: 'udp6', reuseAddr: true });
sock.on('message', (msg, rinfo) => {
  seq++;
  const name = String(seq).padStart(3, '0');
  writeFileSync(`${dir}/${name}.bin`, msg);
  const r = decodeDhcp6(msg);
  if (!r.ok) {
    appendFileSync(`${dir}/log.txt`, `${name} BAD ${r.error.code} ${rinfo.address}\n`);
    return;
  }
  const { relays, message } = r.value;
  const type = message.msgType;
  const opts = message.options;
  appendFileSync(`${dir}/log.txt`, `${name} ${c.messageTypeName(type)} ${relays.length} ${rinfo.address}\n`);
  const cid = opts.clientId();
  if (cid === undefined) return;
  const key = Buffer.from(cid).toString('hex');
  if (type === T.Renew && !renewsSeen.has(key)) {
    renewsSeen.add(key); // let the client fall through to REBIND
    return;
  }
  if (![T.Solicit, T.Request, T.Confirm, T.Renew, T.Rebind, T.Release, T.Decline, T.InformationRequest].includes(type)) return;
  const host = hosts.get(key) ?? 0x100 + hosts.size;
  hosts.set(key, host);
  const inner = relays[relays.length - 1];
  const link = inner !== undefined && inner.linkAddressText !== '::' ? inner.linkAddress : parseIPv6(prefix)!;
  const addr = new Uint8Array(16);
  addr.set(link.subarray(0, 8));
  addr[14] = host >> 8;
  addr[15] = host & 0xff;
  const rapid = type === T.Solicit && opts.rapidCommit();
  const out: unknown[] = [{ code: c.Dhcp6Opt.ServerId, data: serverDuid }, { code: c.Dhcp6Opt.ClientId, data: Uint8Array.from(cid) }];
  if (rapid) out.push({ code: c.Dhcp6Opt.RapidCommit, data: new Uint8Array(0) });
  if (type === T.Release || type === T.Decline) out.push({ code: c.Dhcp6Opt.StatusCode, status: 0, message: 'released' });
  else if (type !== T.InformationRequest && type !== T.Confirm) {
    for (const ia of opts.iaNa()) {
      out.push({ code: 3, iaid: ia.iaid, t1: 2, t2: 4, options: [{ code: 5, address: addr, preferredLifetime: 300, validLifetime: 600 }] });
    }
  }
  if (type === T.Confirm) out.push({ code: c.Dhcp6Opt.StatusCode, status: 0, message: 'all addresses still on link' });
  const oro = opts.oro() ?? [];
  if (oro.includes(23)) out.push({ code: 23, data: v.ipv6List([`${prefix}1`]) });
  if (oro.includes(24)) out.push({ code: 24, data: domainList(['example.test']) });
  if (opts.has(39)) out.push({ code: 39, flags: 0, name: `node${host.toString(16)}.example.test` });
  if (oro.includes(59)) out.push({ code: 59, data: v.text(`tftp://[${prefix}1]/ipxe.efi`) });
  const reply = { msgType: type === T.Solicit && !rapid ? T.Advertise : T.Reply, transactionId: message.transactionId, options: out };
  const packet = wrapRelayReply(relays, reply);
  const buf = Buffer.alloc(byteLength(packet));
  encodeDhcp6(packet, new Writer(buf));
  const dest = rinfo.address.startsWith('fe80') && !rinfo.address.includes('%') ? `${rinfo.address}%${iface}` : rinfo.address;
  sock.send(buf, rinfo.port, dest);
});
sock.bind(547, '::', () => {
  sock.addMembership('ff02::1:2', `::%${iface}`);
  writeFileSync(`${dir}/ready`, '');
});
EOF

cat >"$work/annotate.mts" <<'EOF'
// Writes one captured datagram as an annotated-hex fixture, using our decoder for the comments.
// argv: <bin> <out.hex> <provenance file with the ;; header lines>
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
const src = resolve(process.cwd(), 'src');
const c = await import(`${src}/dhcp/v6/constants.ts`);
const { Dhcp6Options } = await import(`${src}/dhcp/v6/options.ts`);
const { formatDuid } = await import(`${src}/dhcp/v6/duid.ts`);
const { formatIPv6, formatMac } = await import(`${src}/wire/addr.ts`);

const [binPath, outPath, provPath] = process.argv.slice(2) as [string, string, string];
const buf = new Uint8Array(readFileSync(binPath));
const lines: string[] = readFileSync(provPath, 'utf8').trimEnd().split('\n');
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
const emit = (bytes: Uint8Array, comment: string, indent: string) => {
  for (let i = 0; i < bytes.length; i += 16) {
    const part = indent + hex(bytes.subarray(i, i + 16));
    lines.push(i === 0 ? `${part.padEnd(52)}; ${indent}${comment}` : part);
  }
};
const u16 = (o: number) => (buf[o]! << 8) | buf[o + 1]!;
const u32 = (o: number) => ((buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!) >>> 0;
const describe = (code: number, s: number, e: number): string => {
  const one = Dhcp6Options.decode(buf, s - 4, e);
  const name = `${code} ${c.nameOf(code)}`;
  const v = buf.subarray(s, e);
  try {
    switch (code) {
      case 1: case 2: return `${name}: ${formatDuid(v)}`;
      case 6: return `${name}: ${one.oro()!.map((x: number) => `${x} (${c.nameOf(x)})`).join(', ')}`;
      case 7: return `${name}: ${one.preference()}`;
      case 8: return `${name}: ${one.elapsedTime()} (hundredths of a second)`;
      case 13: { const st = one.statusCode()!; return `${name}: ${c.statusName(st.status)} ${JSON.stringify(st.message)}`; }
      case 14: return `${name} (no value)`;
      case 15: return `${name}: ${JSON.stringify(one.userClass())}`;
      case 16: return `${name}: ${one.vendorClass().map((x: { enterpriseNumber: number; classes: string[] }) => `enterprise ${x.enterpriseNumber} ${JSON.stringify(x.classes)}`).join('; ')}`;
      case 18: return `${name}: ${v.every((x: number) => x >= 0x20 && x < 0x7f) ? JSON.stringify(Buffer.from(v).toString('latin1')) : hex(v)}`;
      case 23: return `${name}: ${one.dnsServers()!.join(' ')}`;
      case 24: return `${name}: ${one.domainList()!.join(' ')}`;
      case 37: { const r = one.remoteId()!; return `${name}: enterprise ${r.enterpriseNumber} ${hex(r.remoteId)}`; }
      case 39: { const f = one.fqdn()!; return `${name}: flags 0x${f.flags.toString(16).padStart(2, '0')} ${JSON.stringify(f.name)}${f.fullyQualified ? ' (fully qualified)' : ' (partial)'}`; }
      case 59: return `${name}: ${JSON.stringify(one.bootFileUrl())}`;
      case 60: return `${name}: ${JSON.stringify(one.bootFileParams())}`;
      case 61: return `${name}: ${one.clientArch()!.join(', ')}`;
      case 62: { const n = one.nii()!; return `${name}: type ${n.type} (UNDI) v${n.major}.${n.minor}`; }
      case 79: { const l = one.clientLinkLayerAddress()!; return `${name}: type ${l.linkLayerType} ${formatMac(l.address)}`; }
      case 82: case 83: return `${name}: ${u32(s)} s`;
      default: return v.length === 0 ? `${name} (no value)` : `${name}`;
    }
  } catch {
    return `${name} (malformed)`;
  }
};
const options = (start: number, end: number, indent: string): void => {
  let p = start;
  while (p + 4 <= end) {
    const code = u16(p);
    const len = u16(p + 2);
    const s = p + 4;
    const e = Math.min(s + len, end);
    if (code === 3) {
      emit(buf.subarray(p, s + 12), `${code} IA_NA: iaid 0x${u32(s).toString(16).padStart(8, '0')} T1 ${u32(s + 4)} T2 ${u32(s + 8)}`, indent);
      options(s + 12, e, `${indent}  `);
    } else if (code === 5) {
      emit(buf.subarray(p, s + 24), `${code} IAADDR: ${formatIPv6(buf.subarray(s, s + 16))} preferred ${u32(s + 16)} valid ${u32(s + 20)}`, indent);
      options(s + 24, e, `${indent}  `);
    } else if (code === 9) {
      emit(buf.subarray(p, s), `${code} RELAY_MSG (${len} bytes):`, indent);
      message(s, e, `${indent}  `);
    } else {
      emit(buf.subarray(p, e), describe(code, s, e), indent);
    }
    p = e;
  }
  if (p < end) emit(buf.subarray(p, end), 'trailing bytes', indent);
};
const message = (start: number, end: number, indent: string): void => {
  const type = buf[start]!;
  emit(buf.subarray(start, start + 1), `msg-type ${c.messageTypeName(type)} (${type})`, indent);
  if (c.isRelayMessageType(type)) {
    emit(buf.subarray(start + 1, start + 2), `hop-count ${buf[start + 1]}`, indent);
    emit(buf.subarray(start + 2, start + 18), `link-address ${formatIPv6(buf.subarray(start + 2, start + 18))}`, indent);
    emit(buf.subarray(start + 18, start + 34), `peer-address ${formatIPv6(buf.subarray(start + 18, start + 34))}`, indent);
    options(start + 34, end, indent);
  } else {
    emit(buf.subarray(start + 1, start + 4), `transaction-id 0x${((buf[start + 1]! << 16) | u16(start + 2)).toString(16).padStart(6, '0')}`, indent);
    options(start + 4, end, indent);
  }
};
message(0, buf.length, '');
writeFileSync(outPath, `${lines.join('\n')}\n`);
EOF

run_ts() { (cd "$root" && node --import tsx "$@"); }

#------------ topology ------------------------------------------------------------------------

for ns in "${all_ns[@]}"; do
  ip netns add "$ns" || exit 1
  ip -n "$ns" link set lo up
  # No duplicate address detection: clients bind to their link-local address at once.
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
veth() { # nsA nameA nsB nameB
  ip link add "v${tag}x" type veth peer name "v${tag}y" || exit 1
  ip link set "v${tag}x" netns "$1"; ip -n "$1" link set "v${tag}x" name "$2"
  ip link set "v${tag}y" netns "$3"; ip -n "$3" link set "v${tag}y" name "$4"
}
veth "$nsS" s0 "$nsC" c0
veth "$nsT" t0 "$nsR" up0
veth "$nsR" swp7 "$nsD" d0
veth "$nsR" rdn "$nsQ" qup
veth "$nsQ" swp9 "$nsE" e0
ip -n "$nsC" link set c0 address 52:54:00:d6:00:01
ip -n "$nsD" link set d0 address 52:54:00:d6:00:02
ip -n "$nsE" link set e0 address 52:54:00:d6:00:03
ip -n "$nsS" addr add 2001:db8:1::1/64 dev s0 nodad
ip -n "$nsT" addr add 2001:db8:ff::1/64 dev t0 nodad
ip -n "$nsR" addr add 2001:db8:ff::2/64 dev up0 nodad
ip -n "$nsR" addr add 2001:db8:2::1/64 dev swp7 nodad
ip -n "$nsR" addr add 2001:db8:4::1/64 dev rdn nodad
ip -n "$nsQ" addr add 2001:db8:4::2/64 dev qup nodad
ip -n "$nsQ" addr add 2001:db8:3::1/64 dev swp9 nodad
for pair in "$nsS s0" "$nsC c0" "$nsT t0" "$nsR up0" "$nsR swp7" "$nsR rdn" "$nsD d0" "$nsQ qup" "$nsQ swp9" "$nsE e0"; do
  set -- $pair; ip -n "$1" link set "$2" up
done
ip -n "$nsT" route add 2001:db8::/32 via 2001:db8:ff::2
ip -n "$nsR" route add 2001:db8:3::/64 via 2001:db8:4::2
sleep 1

mkdir -p "$work/capS" "$work/capT" "$out"
ip netns exec "$nsS" bash -c "cd '$root' && exec node --import tsx '$work/listener.mts' '$work/capS' s0 2001:db8:1::" >"$work/listenerS.log" 2>&1 &
pids+=($!)
ip netns exec "$nsT" bash -c "cd '$root' && exec node --import tsx '$work/listener.mts' '$work/capT' t0 2001:db8:ff::" >"$work/listenerT.log" 2>&1 &
pids+=($!)
for cap in capS capT; do
  for _ in $(seq 1 100); do [ -e "$work/$cap/ready" ] && break; sleep 0.1; done
  [ -e "$work/$cap/ready" ] || { echo "listener $cap did not start"; cat "$work"/listener*.log; exit 1; }
done

count() { local n; n=$(grep -c -E "$2" "$work/$1/log.txt" 2>/dev/null); echo "${n:-0}"; }
wait_for() { # cap, regex, how many, seconds
  local i
  for i in $(seq 1 $(($4 * 10))); do [ "$(count "$1" "$2")" -ge "$3" ] && return 0; sleep 0.1; done
  echo "timed out waiting for $3 × /$2/ in $1" >&2; return 1
}
seq_of() { grep -E "$2" "$work/$1/log.txt" | sed -n "${3}p" | cut -d' ' -f1; } # cap, regex, nth match
# Replaces the calling shell (`exec`), so call it in a subshell: `( in_client … ) &` makes $! the
# client's own PID (ip netns exec, unshare and sh all exec in turn), which `stop` can then end.
in_client() { local ns=$1; shift; exec ip netns exec "$ns" unshare --uts sh -c 'hostname d6-client; exec "$@"' sh "$@"; }
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

fixture() { # cap, name, seq, title, command, topology[, what was scrubbed]
  local prov="$work/prov.txt"
  [ -n "$3" ] || { echo "capture-dhcp6: nothing captured for $2" >&2; return 1; }
  {
    echo ";; $4"
    echo ";; Command: $5"
    echo ";; Topology: $6"
    echo ";; Captured by scripts/capture-dhcp6.sh: UDP payload as received by a node:dgram udp6 socket on"
    echo ";;   [::]:547 (joined to ff02::1:2) in the server namespace, which answers from src/dhcp/v6/encode.ts."
    echo ";; Date: $today. Scrubbed: ${7:-nothing}."
    echo ";;   MACs, addresses and the QEMU UUID are lab values set by the script; the client's hostname is"
    echo ";;   d6-client (private UTS namespace); DUID-LLT times and transaction ids are the client's."
  } >"$prov"
  run_ts "$work/annotate.mts" "$work/$1/$3.bin" "$out/$2" "$prov" && echo "wrote $out/$2"
}

direct="client ns (c0, 52:54:00:d6:00:01, link-local only) ── veth ── server ns (s0, 2001:db8:1::1/64)"
relayed="client ns (d0, 52:54:00:d6:00:02) ── veth ── relay ns (swp7 2001:db8:2::1/64, up0 2001:db8:ff::2/64) ── veth ── server ns (t0 2001:db8:ff::1/64)"
nested="client ns (e0, 52:54:00:d6:00:03) ── veth ── relay ns Q (swp9 2001:db8:3::1/64, qup 2001:db8:4::2/64) ── veth ── relay ns R (rdn 2001:db8:4::1/64, up0 2001:db8:ff::2/64) ── veth ── server ns (t0 2001:db8:ff::1/64)"

cat >"$work/dhclient-script" <<'EOF'
#!/bin/sh
# Minimal dhclient-script: set the address only (never touches /etc/resolv.conf).
case "$reason" in BOUND6|RENEW6|REBIND6|REBOOT6) [ -n "$new_ip6_address" ] && ip -6 addr add "$new_ip6_address/128" dev "$interface" nodad 2>/dev/null ;; esac
exit 0
EOF
chmod +x "$work/dhclient-script"
dhv=$(dhclient --version 2>&1 | sed -n 's/^isc-dhclient-//p' | cut -d- -f1)

#------------ dhclient -6: stateless, then stateful with every exchange ------------------------

# The stock configuration: what a plain `dhclient -6` sends.
printf '' >"$work/plain.conf"
# A PXE-like configuration so a real client encoder produces the boot options too.
cat >"$work/pxe.conf" <<'EOF'
send fqdn.fqdn "d6-client";
send fqdn.server-update on;
option dhcp6.pxe-user-class code 15 = string;
option dhcp6.pxe-vendor-class code 16 = string;
send dhcp6.pxe-user-class 00:04:69:50:58:45;
send dhcp6.pxe-vendor-class 00:00:01:57:00:20:50:58:45:43:6c:69:65:6e:74:3a:41:72:63:68:3a:30:30:30:30:37:3a:55:4e:44:49:3a:30:30:33:30:31:36;
send dhcp6.client-arch-type 7;
request dhcp6.name-servers, dhcp6.domain-search, dhcp6.bootfile-url, dhcp6.fqdn;
EOF

dh() { # log, extra args…; replaces the calling shell like in_client
  local log=$1; shift
  in_client "$nsC" dhclient -6 -d -v -sf "$work/dhclient-script" "$@" c0 >>"$work/$log" 2>&1
}

dh_cmd="dhclient -6 -S -d -v -1 -cf EMPTY -lf LEASES -pf PIDFILE -sf SCRIPT c0"
( dh inform.log -S -1 -cf "$work/plain.conf" -lf "$work/inform.leases" -pf "$work/inform.pid" ) &
pids+=($!); p=$!
if wait_for capS ' INFORMATION-REQUEST 0 ' 1 15; then
  fixture capS "dhclient-$dhv-information-request.hex" "$(seq_of capS ' INFORMATION-REQUEST 0 ' 1)" \
    "isc-dhclient $dhv (Debian 12 isc-dhcp-client), INFORMATION-REQUEST from a stateless run (-S), empty config" "$dh_cmd" "$direct"
fi
stop "$p"

dh_cmd="dhclient -6 -d -v -1 -cf EMPTY -lf LEASES -pf PIDFILE -sf SCRIPT c0"
( dh plain.log -1 -cf "$work/plain.conf" -lf "$work/plain.leases" -pf "$work/plain.pid" ) &
pids+=($!); p=$!
if wait_for capS ' REBIND 0 ' 1 20; then
  fixture capS "dhclient-$dhv-solicit.hex" "$(seq_of capS ' SOLICIT 0 ' 1)" \
    "isc-dhclient $dhv, SOLICIT (stateful, IA_NA), empty config" "$dh_cmd" "$direct"
  fixture capS "dhclient-$dhv-request.hex" "$(seq_of capS ' REQUEST 0 ' 1)" \
    "isc-dhclient $dhv, REQUEST after our ADVERTISE" "$dh_cmd" "$direct"
  fixture capS "dhclient-$dhv-renew.hex" "$(seq_of capS ' RENEW 0 ' 1)" \
    "isc-dhclient $dhv, RENEW at T1 (2 s in our REPLY)" "$dh_cmd" "$direct"
  fixture capS "dhclient-$dhv-rebind.hex" "$(seq_of capS ' REBIND 0 ' 1)" \
    "isc-dhclient $dhv, REBIND at T2 (4 s) after its RENEW went unanswered" "$dh_cmd" "$direct"
fi
stop "$p"
# Restarted with its lease still valid, dhclient first checks the address is still on link.
( dh plain.log -1 -cf "$work/plain.conf" -lf "$work/plain.leases" -pf "$work/plain.pid" ) &
pids+=($!); p=$!
if wait_for capS ' CONFIRM 0 ' 1 15; then
  fixture capS "dhclient-$dhv-confirm.hex" "$(seq_of capS ' CONFIRM 0 ' 1)" \
    "isc-dhclient $dhv, CONFIRM on restart with a valid lease in its lease file" "$dh_cmd" "$direct"
fi
sleep 1
stop "$p"
( dh plain.log -r -cf "$work/plain.conf" -lf "$work/plain.leases" -pf "$work/plain.pid" )
if wait_for capS ' RELEASE 0 ' 1 10; then
  fixture capS "dhclient-$dhv-release.hex" "$(seq_of capS ' RELEASE 0 ' 1)" \
    "isc-dhclient $dhv, RELEASE from 'dhclient -6 -r'" "dhclient -6 -r -d -v -cf EMPTY -lf LEASES -pf PIDFILE -sf SCRIPT c0" "$direct"
fi
ip -n "$nsC" -6 addr flush dev c0 scope global

before=$(count capS ' SOLICIT 0 ')
dh_cmd="dhclient -6 -d -v -1 -cf PXE.CONF -lf LEASES -pf PIDFILE -sf SCRIPT c0"
( dh pxe.log -1 -cf "$work/pxe.conf" -lf "$work/pxe.leases" -pf "$work/pxe.pid" ) &
pids+=($!); p=$!
if wait_for capS ' SOLICIT 0 ' $((before + 1)) 15; then
  fixture capS "dhclient-$dhv-solicit-pxe-options.hex" "$(seq_of capS ' SOLICIT 0 ' $((before + 1)))" \
    "isc-dhclient $dhv, SOLICIT with FQDN, user class iPXE, vendor class, client arch 7 (config below)" \
    "$dh_cmd; PXE.CONF: $(tr '\n' ' ' <"$work/pxe.conf")" "$direct"
fi
stop "$p"
ip -n "$nsC" -6 addr flush dev c0 scope global

#------------ dhcpcd -6 ---------------------------------------------------------------------

dcv=$(dhcpcd --version 2>/dev/null | sed -n '1s/^dhcpcd //p')
cat >"$work/dhcpcd.conf" <<'EOF'
# DHCPv6 only, without waiting for a router advertisement; never run hooks.
ipv6only
noipv6rs
ia_na 1
option rapid_commit, domain_name_servers, domain_search, fqdn
script /bin/true
EOF
before=$(count capS ' SOLICIT 0 ')
ip netns exec "$nsC" unshare --uts --mount sh -c "hostname d6-client; mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /var/lib; mkdir -p /run/dhcpcd /var/lib/dhcpcd; exec dhcpcd -B -1 -t 10 -f '$work/dhcpcd.conf' c0" >"$work/dhcpcd.log" 2>&1 &
pids+=($!); p=$!
if wait_for capS ' (SOLICIT|REQUEST) 0 ' $((before + 1)) 15; then
  sleep 2
  # dhcpcd's vendor class carries `uname -r` of this machine: blank it out, same length.
  dcseq=$(seq_of capS ' SOLICIT 0 ' $((before + 1)))
  [ -n "$dcseq" ] && node -e 'const fs = require("fs"); const [f, r] = process.argv.slice(1); const b = fs.readFileSync(f); const i = b.indexOf(r); if (i >= 0) { b.fill(0x78, i, i + r.length); fs.writeFileSync(f, b); }' "$work/capS/$dcseq.bin" "$(uname -r)"
  fixture capS "dhcpcd-$dcv-solicit.hex" "$(seq_of capS ' SOLICIT 0 ' $((before + 1)))" \
    "dhcpcd $dcv (Debian 12 dhcpcd-base), SOLICIT with Rapid Commit (config: ipv6only, noipv6rs, ia_na 1, option rapid_commit, …)" \
    "dhcpcd -B -1 -t 10 -f DHCPCD.CONF c0 (private /run and /var/lib)" "$direct" \
    "the kernel release in the vendor class (uname -r, replaced by as many x's)"
fi
stop "$p"
ip -n "$nsC" -6 addr flush dev c0 scope global

#------------ ISC dhcrelay -6: one layer, then two ----------------------------------------------

relv=$(dhcrelay --version 2>&1 | sed -n 's/^isc-dhcrelay-//p' | cut -d- -f1)
ip netns exec "$nsR" dhcrelay -6 -d -I -pf "$work/relayR.pid" -l swp7 -l rdn -u 2001:db8:ff::1%up0 >"$work/dhcrelayR.log" 2>&1 &
pids+=($!)
ip netns exec "$nsQ" dhcrelay -6 -d -I -pf "$work/relayQ.pid" -l swp9 -u 2001:db8:4::1%qup >"$work/dhcrelayQ.log" 2>&1 &
pids+=($!)
sleep 2
( in_client "$nsD" dhclient -6 -d -v -1 -cf "$work/plain.conf" -lf "$work/d.leases" -pf "$work/d.pid" -sf "$work/dhclient-script" d0 ) >"$work/d.log" 2>&1 &
pids+=($!); p=$!
if wait_for capT ' REQUEST 1 ' 1 20; then
  fixture capT "dhcrelay-$relv-relay-forw-solicit.hex" "$(seq_of capT ' SOLICIT 1 ' 1)" \
    "isc-dhcrelay $relv (Debian 12 isc-dhcp-relay) -I: RELAY-FORW with Interface-Id around an isc-dhclient $dhv SOLICIT" \
    "dhcrelay -6 -d -I -l swp7 -l rdn -u 2001:db8:ff::1%up0 (client: dhclient -6 -d -v -1 -cf EMPTY … d0)" "$relayed"
  fixture capT "dhcrelay-$relv-relay-forw-request.hex" "$(seq_of capT ' REQUEST 1 ' 1)" \
    "isc-dhcrelay $relv -I: RELAY-FORW around the REQUEST that followed our relayed ADVERTISE" \
    "dhcrelay -6 -d -I -l swp7 -l rdn -u 2001:db8:ff::1%up0 (client: dhclient -6 -d -v -1 -cf EMPTY … d0)" "$relayed"
else
  cat "$work/dhcrelayR.log" "$work/d.log"
fi
stop "$p"
( in_client "$nsE" dhclient -6 -d -v -1 -cf "$work/plain.conf" -lf "$work/e.leases" -pf "$work/e.pid" -sf "$work/dhclient-script" e0 ) >"$work/e.log" 2>&1 &
pids+=($!); p=$!
if wait_for capT ' SOLICIT 2 ' 1 20; then
  wait_for capT ' REQUEST 2 ' 1 10
  fixture capT "dhcrelay-$relv-relay-forw-nested-solicit.hex" "$(seq_of capT ' SOLICIT 2 ' 1)" \
    "two isc-dhcrelay $relv -I in a row: RELAY-FORW in RELAY-FORW around an isc-dhclient $dhv SOLICIT" \
    "Q: dhcrelay -6 -d -I -l swp9 -u 2001:db8:4::1%qup; R: dhcrelay -6 -d -I -l swp7 -l rdn -u 2001:db8:ff::1%up0 (client: dhclient -6 … e0)" "$nested"
else
  cat "$work/dhcrelayQ.log" "$work/e.log"
fi
stop "$p"

#------------ QEMU OVMF: UEFI PXE over IPv6 ---------------------------------------------------

if [ "${SKIP_QEMU:-0}" != 1 ] && command -v qemu-system-x86_64 >/dev/null && [ -e /usr/share/ovmf/OVMF.fd ]; then
  ip -n "$nsC" link add br0 type bridge
  ip -n "$nsC" link set c0 master br0
  ip -n "$nsC" tuntap add dev tap0 mode tap
  ip -n "$nsC" link set tap0 master br0
  ip -n "$nsC" link set tap0 up; ip -n "$nsC" link set br0 up
  ovmf_ver=$(dpkg-query -W -f '${Version}' ovmf 2>/dev/null)
  # IPv4 PXE off (fw_cfg knob read by OVMF), so the firmware goes straight to PXEv6. With an
  # SMBIOS system UUID (-uuid) EDK II's Dhcp6Dxe sends a DUID-UUID, as firmware on real servers
  # does; without one it falls back to DUID-LLT. TCG, not KVM, as in capture-dhcp4.sh.
  before=$(count capS ' SOLICIT 0 ')
  beforeReq=$(count capS ' REQUEST 0 ')
  ip netns exec "$nsC" qemu-system-x86_64 -m 256 -nodefaults -no-user-config -display none \
    -bios /usr/share/ovmf/OVMF.fd -uuid 52540000-d600-4011-8000-525400d60011 -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n \
    -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
    -device virtio-net-pci,netdev=n0,mac=52:54:00:d6:00:11,romfile=,bootindex=1 >"$work/qemu.log" 2>&1 &
  qpid=$!; pids+=($qpid)
  if wait_for capS ' SOLICIT 0 ' $((before + 1)) 150; then
    wait_for capS ' REQUEST 0 ' $((beforeReq + 1)) 30
    ovmf_cmd="qemu-system-x86_64 -m 256 -nodefaults -display none -bios /usr/share/ovmf/OVMF.fd -uuid 52540000-d600-4011-8000-525400d60011 -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n -netdev tap,id=n0,ifname=tap0 -device virtio-net-pci,netdev=n0,mac=52:54:00:d6:00:11,romfile=,bootindex=1"
    fixture capS "ovmf-2022.11-pxe6-solicit.hex" "$(seq_of capS ' SOLICIT 0 ' $((before + 1)))" \
      "EDK II OVMF $ovmf_ver (Debian 12 ovmf) UEFI PXE over IPv6, virtio-net, no option ROM: SOLICIT" \
      "$ovmf_cmd" "QEMU virtio-net on tap0, bridged with c0 in the client ns; $direct"
    [ "$(count capS ' REQUEST 0 ')" -gt "$beforeReq" ] && fixture capS "ovmf-2022.11-pxe6-request.hex" "$(seq_of capS ' REQUEST 0 ' $((beforeReq + 1)))" \
      "EDK II OVMF $ovmf_ver UEFI PXE over IPv6: REQUEST after our ADVERTISE with a Boot File URL" \
      "$ovmf_cmd" "QEMU virtio-net on tap0, bridged with c0 in the client ns; $direct"
  fi
  stop "$qpid"
fi

echo "capture-dhcp6: packets seen by the direct listener (S):"
sed 's/^/  /' "$work/capS/log.txt"
echo "capture-dhcp6: packets seen by the relay-side listener (T):"
sed 's/^/  /' "$work/capT/log.txt" 2>/dev/null
