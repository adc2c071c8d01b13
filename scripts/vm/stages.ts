// Reads what one VM boot of scripts/vm-boot-test.sh left behind and prints the boot stages seen,
// each with its time after QEMU started, then checks them against what the VM's firmware must do.
//
//   node --import tsx scripts/vm/stages.ts --profile P --mac MAC --t0 MS --pcap FILE
//        --dhcp-log FILE --bss-log FILE --bss-url URL [--ip IP] [--script-ms MS] [--exit-ms MS]
//
// Profiles: bios-pxe (firmware PXE, arch 0 → undionly.kpxe over TFTP → iPXE → BSS), uefi (arch 7
// → ipxe-x86_64.efi over TFTP → iPXE → BSS), ipxe-rom (an iPXE NIC ROM: its first DHCP already
// says iPXE, straight to BSS) and bootloop (a MAC SMD does not know: a bootloop address, the
// iPXE binary, then `default`, the reboot script, and the VM resets).
//
// Sources, all stamped by the host clock: the bridge capture (tcpdump -w, decoded here with a
// parser of its own, not the server's codec), the server's logfmt log (-L debug) for its
// decisions and TFTP transfers, the BSS stand-in's request log, and the times the shell script
// saw the boot script's marker on the serial console (--script-ms) or QEMU exit (--exit-ms).
//
// Prints one line per stage ("  +9.41s  stage  detail"), then the problems found, and as its last
// line a one-line summary. Exit status 0 when every expectation of the profile holds, else 1.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    profile: { type: 'string' },
    mac: { type: 'string' },
    t0: { type: 'string' },
    pcap: { type: 'string' },
    'dhcp-log': { type: 'string' },
    'bss-log': { type: 'string' },
    'bss-url': { type: 'string' },
    ip: { type: 'string' },
    'script-ms': { type: 'string' },
    'exit-ms': { type: 'string' },
  },
});
const profile = a.profile ?? '';
if (!['bios-pxe', 'uefi', 'ipxe-rom', 'bootloop'].includes(profile) || !a.mac || !a.t0 || !a.pcap || !a['dhcp-log'] || !a['bss-log'] || !a['bss-url']) {
  console.error('usage: stages.ts --profile bios-pxe|uefi|ipxe-rom|bootloop --mac MAC --t0 MS --pcap FILE --dhcp-log FILE --bss-log FILE --bss-url URL [--ip IP] [--script-ms MS] [--exit-ms MS]');
  process.exit(2);
}
const mac = a.mac.toLowerCase();
const t0 = Number(a.t0);
const bssUrl = a['bss-url'].replace(/\/+$/, '');
const scriptUrl = `${bssUrl}/boot/v1/bootscript?mac=${mac}`;
const optMs = (s: string | undefined): number | undefined => (s === undefined || s === '' ? undefined : Number(s));
const scriptMs = optMs(a['script-ms']);
const exitMs = optMs(a['exit-ms']);

// ---- the capture -------------------------------------------------------------------------------

interface DhcpPacket {
  readonly kind: 'dhcp';
  readonly ms: number;
  readonly fromClient: boolean;
  readonly chaddr: string;
  readonly type: string;
  readonly yiaddr: string;
  readonly siaddr: string;
  readonly file: string;
  readonly opts: ReadonlyMap<number, Uint8Array>;
}
interface TftpRequest {
  readonly kind: 'tftp';
  readonly ms: number;
  readonly src: string;
  readonly filename: string;
  readonly options: string;
}
type Captured = DhcpPacket | TftpRequest;

const DHCP_TYPES = ['', 'DISCOVER', 'OFFER', 'REQUEST', 'DECLINE', 'ACK', 'NAK', 'RELEASE', 'INFORM'];
const ipText = (b: Uint8Array, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
const cString = (b: Uint8Array): string => {
  const end = b.indexOf(0);
  return Buffer.from(end === -1 ? b : b.subarray(0, end)).toString('latin1');
};
const printable = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : /^[\x20-\x7e]*$/.test(Buffer.from(b).toString('latin1')) ? Buffer.from(b).toString('latin1') : Buffer.from(b).toString('hex');

function parseDhcp(ms: number, p: Uint8Array, fromClient: boolean): DhcpPacket | undefined {
  if (p.length < 240 || p[236] !== 0x63 || p[237] !== 0x82 || p[238] !== 0x53 || p[239] !== 0x63) return undefined;
  const opts = new Map<number, Uint8Array>();
  for (let i = 240; i < p.length; ) {
    const code = p[i]!;
    if (code === 255) break;
    if (code === 0) { i++; continue; }
    const len = p[i + 1];
    if (len === undefined || i + 2 + len > p.length) break;
    opts.set(code, p.subarray(i + 2, i + 2 + len));
    i += 2 + len;
  }
  const t = opts.get(53)?.[0] ?? 0;
  const chaddr = [...p.subarray(28, 34)].map((x) => x.toString(16).padStart(2, '0')).join(':');
  return {
    kind: 'dhcp', ms, fromClient, chaddr, type: DHCP_TYPES[t] ?? `type${t}`,
    yiaddr: ipText(p, 16), siaddr: ipText(p, 20), file: cString(p.subarray(108, 236)), opts,
  };
}

function readPcap(path: string): Captured[] {
  const buf = readFileSync(path);
  if (buf.length < 24) return [];
  const magicLe = buf.readUInt32LE(0);
  const le = magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d;
  const magic = le ? magicLe : buf.readUInt32BE(0);
  const nano = magic === 0xa1b23c4d;
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error(`${path}: not a pcap file`);
  if (u32(20) !== 1) throw new Error(`${path}: link type ${u32(20)}, want Ethernet (1)`);
  const out: Captured[] = [];
  for (let o = 24; o + 16 <= buf.length; ) {
    const ms = u32(o) * 1000 + u32(o + 4) / (nano ? 1e6 : 1e3);
    const len = u32(o + 8);
    const start = o + 16;
    o = start + len;
    if (o > buf.length) break; // the capture was still being written: a partial last record
    const f = buf.subarray(start, start + len);
    if (f.length < 14 + 20 + 8 || f.readUInt16BE(12) !== 0x0800) continue;
    const ihl = (f[14]! & 0x0f) * 4;
    if (f[14 + 9] !== 17) continue;
    const udp = 14 + ihl;
    const sport = f.readUInt16BE(udp);
    const dport = f.readUInt16BE(udp + 2);
    const payload = f.subarray(udp + 8);
    if ((sport === 68 && dport === 67) || (sport === 67 && dport === 68)) {
      const d = parseDhcp(ms, payload, sport === 68);
      if (d) out.push(d);
    } else if (dport === 69 && payload.length > 2 && payload.readUInt16BE(0) === 1) {
      const parts = Buffer.from(payload.subarray(2)).toString('latin1').split('\0');
      const opts: string[] = [];
      for (let i = 2; i + 1 < parts.length; i += 2) if (parts[i]) opts.push(`${parts[i]}=${parts[i + 1]}`);
      out.push({ kind: 'tftp', ms, src: ipText(f, 14 + 12), filename: parts[0] ?? '', options: opts.join(' ') });
    }
  }
  return out;
}

// ---- the logs ----------------------------------------------------------------------------------

/** logfmt: key=value, key="quoted value". */
function logfmt(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of line.matchAll(/([\w.]+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const v = m[2]!;
    out[m[1]!] = v.startsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
  }
  return out;
}
const readLines = (path: string): string[] => {
  try {
    return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  } catch {
    return [];
  }
};
interface LogLine { readonly ms: number; readonly f: Readonly<Record<string, string>> }
const serverLog: LogLine[] = readLines(a['dhcp-log']).map(logfmt).map((f) => ({ f, ms: Date.parse(f['time'] ?? '') }));
const bssLog: LogLine[] = readLines(a['bss-log']).map(logfmt).map((f) => ({ f, ms: Number(f['t']) }));

// ---- stages ------------------------------------------------------------------------------------

interface Stage { readonly ms: number; readonly name: string; readonly detail: string }
const stages: Stage[] = [];
const problems: string[] = [];
const at = (ms: number): string => `+${((ms - t0) / 1000).toFixed(2)}s`;

const packets = readPcap(a.pcap).filter((p) => p.ms >= t0);
const dhcp = packets.filter((p): p is DhcpPacket => p.kind === 'dhcp' && p.chaddr === mac);
const isIpxeRequest = (p: DhcpPacket): boolean => printable(p.opts.get(77)) === 'iPXE';
const arch = (p: DhcpPacket): number | undefined => {
  const b = p.opts.get(93);
  return b !== undefined && b.length >= 2 ? (b[0]! << 8) | b[1]! : undefined;
};
const bootFile = (p: DhcpPacket): string => printable(p.opts.get(67)) ?? p.file;

/** The server's decision for a reply of ours: the log line of the same MAC nearest in time. */
function decision(p: DhcpPacket): string {
  let best: LogLine | undefined;
  for (const l of serverLog) {
    const m = l.f['msg'];
    const mine = (m === 'DHCPv4 assignment' && l.f['comp_mac'] === mac) || ((m === 'bootloop lease' || m === 'DHCPNAK') && l.f['mac'] === mac);
    if (!mine || Math.abs(l.ms - p.ms) > 1500) continue;
    if (m === 'DHCPv4 assignment' && l.f['type'] !== p.type) continue;
    if (m === 'bootloop lease' && p.type !== 'ACK') continue;
    if (best === undefined || Math.abs(l.ms - p.ms) < Math.abs(best.ms - p.ms)) best = l;
  }
  const b = best?.f;
  if (b === undefined) return '';
  if (b['msg'] === 'DHCPv4 assignment') return ` [server: coresmd ${b['comp_id']} ${b['assigned_hostname']}]`;
  if (b['msg'] === 'bootloop lease') return ` [server: bootloop lease, ipxe=${b['ipxe']} arch=${b['arch']}]`;
  return ` [server: NAK ${b['reason'] ?? ''}]`;
}

// One DHCP exchange = the client's messages and our replies until the next DISCOVER that follows
// a reply. Label each exchange by who asked: firmware (no `iPXE` user class) or iPXE.
let phase = '';
let lastClientType = '';
for (const p of dhcp) {
  if (p.fromClient) {
    const who = isIpxeRequest(p) ? 'iPXE' : 'firmware';
    const uc = printable(p.opts.get(77));
    const vc = printable(p.opts.get(60));
    const ar = arch(p);
    if (p.type === 'DISCOVER' && (lastClientType !== 'DISCOVER' || phase !== who)) {
      stages.push({ ms: p.ms, name: `${who} DHCPDISCOVER`, detail: `arch=${ar ?? '-'} user-class=${uc ?? '-'} vendor-class=${vc ?? '-'}` });
    } else if (p.type === 'REQUEST') {
      const req = p.opts.get(50);
      stages.push({ ms: p.ms, name: `${who} DHCPREQUEST`, detail: `${req ? ipText(req, 0) : p.yiaddr}` });
    }
    phase = who;
    lastClientType = p.type;
  } else if (p.type === 'OFFER' || p.type === 'ACK' || p.type === 'NAK') {
    // Offers repeat for every DISCOVER retransmission; report the first of each exchange.
    const prev = stages.at(-1);
    if (p.type === 'OFFER' && prev?.name === `DHCPOFFER to ${phase}`) continue;
    stages.push({ ms: p.ms, name: `DHCP${p.type} to ${phase}`, detail: `${p.yiaddr} file=${bootFile(p) || '-'} next-server=${p.siaddr}${decision(p)}` });
  }
}

const firstTime = <T extends { ms: number }>(xs: readonly T[], pred: (x: T) => boolean): T | undefined => xs.find(pred);
const fwAck = firstTime(dhcp, (p) => !p.fromClient && p.type === 'ACK' && !p.file.startsWith('http') && !bootFile(p).startsWith('http') && bootFile(p) !== 'default');
const vmIp = a.ip ?? fwAck?.yiaddr ?? dhcp.find((p) => !p.fromClient && p.type === 'ACK')?.yiaddr ?? '';

for (const p of packets) {
  if (p.kind === 'tftp' && p.src === vmIp) {
    stages.push({ ms: p.ms, name: 'TFTP RRQ', detail: `${p.filename}${p.options ? ` (${p.options})` : ''}` });
  }
}
for (const { ms, f } of serverLog) {
  if (ms < t0 || !(f['client'] ?? '').startsWith(`${vmIp}:`)) continue;
  if (f['msg'] === 'transfer complete') {
    stages.push({ ms, name: 'TFTP served', detail: `${f['file']} ${f['bytes']} bytes in ${f['durationMs']} ms, blksize ${f['blksize']}, ${f['retransmits']} retransmits (server log)` });
  } else if (f['msg'] === 'size probe answered') {
    stages.push({ ms, name: 'TFTP size probe', detail: `${f['file']} tsize=${f['tsize']} (server log)` });
  } else if (f['msg'] === 'file not found' || f['msg'] === 'access refused') {
    stages.push({ ms, name: `TFTP ${f['msg']}`, detail: `${f['file']}` });
  }
}
for (const { ms, f } of bssLog) {
  const path = decodeURIComponent(f['path'] ?? '');
  if (ms < t0 || (f['from'] !== vmIp && !path.includes(mac))) continue;
  stages.push({ ms, name: `HTTP ${f['method']}`, detail: `${path} → ${f['status']} from ${f['from']} (${f['ua']}) (BSS log)` });
}
if (scriptMs !== undefined) stages.push({ ms: scriptMs, name: 'boot script ran', detail: 'its marker is on the serial console' });
if (exitMs !== undefined) stages.push({ ms: exitMs, name: 'VM reset', detail: 'QEMU exited (-no-reboot): the reboot script ran' });
stages.sort((x, y) => x.ms - y.ms);

// ---- expectations ------------------------------------------------------------------------------

const find = (name: RegExp, detail?: RegExp): Stage | undefined => stages.find((s) => name.test(s.name) && (detail === undefined || detail.test(s.detail)));
const need = (what: string, s: Stage | undefined): Stage | undefined => {
  if (s === undefined) problems.push(`missing: ${what}`);
  return s;
};
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const summary: string[] = [];
const say = (label: string, s: Stage | undefined): void => {
  if (s !== undefined) summary.push(`${label} ${at(s.ms)}`);
};

const binary = profile === 'uefi' ? 'ipxe-x86_64.efi' : 'undionly.kpxe';
const wantArch = profile === 'uefi' ? 7 : 0;
if (profile === 'bios-pxe' || profile === 'uefi' || profile === 'bootloop') {
  const disc = need('a firmware DHCPDISCOVER', find(/^firmware DHCPDISCOVER$/));
  if (disc && !new RegExp(`^arch=${wantArch} `).test(disc.detail)) problems.push(`firmware DISCOVER: ${disc.detail}, want arch=${wantArch}`);
  const ipRe = profile === 'bootloop' ? '172\\.16\\.0\\.15\\d' : esc(vmIp);
  const ack = need(`a DHCPACK to the firmware with file=${binary}`, find(/^DHCPACK to firmware$/, new RegExp(`^${ipRe} file=${esc(binary)} `)));
  if (profile !== 'bootloop' && a.ip !== undefined && ack === undefined) {
    const any = find(/^DHCPACK to firmware$/);
    if (any) problems.push(`firmware ACK: ${any.detail}`);
  }
  const rrq = need(`a TFTP read request for ${binary}`, find(/^TFTP RRQ$/, new RegExp(`^${esc(binary)}`)));
  const served = need(`the server's TFTP transfer of ${binary}`, find(/^TFTP served$/, new RegExp(`^${esc(binary)} `)));
  const uc = disc === undefined ? undefined : /user-class=(\S+)/.exec(disc.detail)?.[1];
  say(`DHCP(${disc === undefined ? '?' : /^arch=\S+/.exec(disc.detail)?.[0]}${uc !== undefined && uc !== '-' ? ` ${uc}` : ''})`, disc);
  say(`ACK ${ack?.detail.split(' ')[0] ?? ''} ${binary}`, ack);
  say(`TFTP ${binary}`, served ?? rrq);
}
const ipxeDisc = need('an iPXE DHCPDISCOVER (user class iPXE)', find(/^iPXE DHCPDISCOVER$/));
say('iPXE DHCP', ipxeDisc);
if (profile === 'bootloop') {
  const ack = need('a DHCPACK to iPXE with file=default', find(/^DHCPACK to iPXE$/, /^172\.16\.0\.15\d file=default /));
  const served = need('the TFTP transfer of default (the reboot script)', find(/^TFTP served$/, /^default 14 bytes/));
  const reset = need('the VM reset by the reboot script', find(/^VM reset$/));
  say(`ACK ${ack?.detail.split(' ')[0] ?? ''} default`, ack);
  say('TFTP default', served);
  say('VM reset', reset);
  if (stages.some((s) => s.name.startsWith('HTTP'))) problems.push('an unknown MAC reached BSS');
} else {
  const ack = need(`a DHCPACK to iPXE with file=${scriptUrl}`, find(/^DHCPACK to iPXE$/, new RegExp(`^${esc(vmIp)} file=${esc(scriptUrl)} `)));
  if (ack === undefined) {
    const any = find(/^DHCPACK to iPXE$/);
    if (any) problems.push(`iPXE ACK: ${any.detail}`);
  }
  say(`ACK ${vmIp} script URL`, ack);
  const get = need(`GET /boot/v1/bootscript?mac=${mac} at BSS`, find(/^HTTP GET$/, new RegExp(`^/boot/v1/bootscript\\?mac=${esc(mac)} → 200 from ${esc(vmIp)} `)));
  if (get) summary.push(`GET /boot/v1/bootscript?mac=${mac} ${at(get.ms)}`);
  const ran = find(/^boot script ran$/);
  say('script ran', ran);
  if (profile === 'ipxe-rom' && stages.some((s) => s.name === 'TFTP RRQ')) problems.push('an iPXE NIC ROM fetched something over TFTP');
  if (profile === 'ipxe-rom' && find(/^firmware DHCPDISCOVER$/)) problems.push('the iPXE NIC ROM sent a DHCPDISCOVER without user class iPXE');
}

for (const s of stages) console.log(`  ${at(s.ms).padStart(8)}  ${s.name.padEnd(22)} ${s.detail}`);
for (const p of problems) console.log(`  problem: ${p}`);
console.log(summary.join(' → ') || 'no stage seen');
process.exit(problems.length === 0 ? 0 : 1);
