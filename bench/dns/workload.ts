// The DNS benchmark's data (BENCHMARKS.md, "DNS"): one synthetic cluster, written once in every
// server's own format so that all of them publish the same names with the same records:
//
// - inventory.json: SMD's shapes (EthernetInterfaces + Components, the document format of
//   src/smd/inventory-document.ts) for `coresmd dns` through `smd_url file://…`;
// - cluster.local.zone, 10.in-addr.arpa.zone, 0.1.0.0.0.0.d.f.ip6.arpa.zone: RFC 1035 master
//   files for NSD and Knot, with the records our server synthesizes (same TTL, same SOA shape,
//   `ns.dns.<zone>` as the name server, PTR to the xname);
// - hosts: dnsmasq's addn-hosts (`IP xname.zone nidNNNN.zone`; dnsmasq gives the first name
//   the PTR, which is our PTR target too);
// - queries.txt: the dnsperf input, the same for every server, shuffled with a fixed seed;
// - checks.json: a few questions with their exact expected answers, asked with dig before each
//   server is measured.
//
// The cluster: N nodes (default 10,000) with NIDs 1..N and xnames x<1000+cab>c<0-7>s<0-7>b0n<0,1>
// (128 nodes a cabinet, two nodes a BMC, so N/2 BMCs). Node k (0-based) has 10.100.⌊k/250⌋.(k%250+1);
// one node in four also has fd00:10:100::<k+1 in hex>; BMC b has 10.101.⌊b/250⌋.(b%250+1).
//
// The query mix (shares of queries.txt; expected rcodes NOERROR 80 %, NXDOMAIN 20 %):
//   A     40 %: 20 nidNNNN, 10 node xname, 10 BMC xname        (NOERROR, 1 answer)
//   AAAA  20 %: 10 nid name of an IPv6 node                     (NOERROR, 1 answer)
//               10 nid name of an IPv4-only node                (NOERROR, NODATA)
//   PTR   20 %: 10 node IPv4, 5 BMC IPv4, 5 node IPv6           (NOERROR, 1 answer)
//   NXDOMAIN 20 %: A or AAAA for names in the zone that do not exist (nid beyond N, an xname of
//               a cabinet that is not there, a plain unknown host name)

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ZONE = 'cluster.local';
export const PATTERN = 'nid{04d}';
export const TTL = 60;
export const REVERSE4_ZONE = '10.in-addr.arpa';
/** fd00:0010::/32 */
export const REVERSE6_ZONE = '0.1.0.0.0.0.d.f.ip6.arpa';
/** The `bind` address of every server: the A record of `ns.dns.<zone>`. */
export const SERVER_ADDRESS = '127.0.0.1';

export interface Node {
  readonly nid: number;
  readonly xname: string;
  readonly nidName: string;
  readonly mac: string;
  readonly ipv4: string;
  readonly ipv6: string | undefined;
}
export interface Bmc {
  readonly xname: string;
  readonly mac: string;
  readonly ipv4: string;
}
export interface Cluster {
  readonly nodes: readonly Node[];
  readonly bmcs: readonly Bmc[];
}

export interface Check {
  readonly name: string;
  readonly type: 'A' | 'AAAA' | 'PTR';
  readonly rcode: 'NOERROR' | 'NXDOMAIN';
  /** Expected answer RDATA in dig's presentation (absolute names with the trailing dot). */
  readonly answers: readonly string[];
}

export interface Workload {
  readonly cluster: Cluster;
  readonly queries: number;
  /** Query counts by the rcode a correct server gives. */
  readonly expectedRcodes: Readonly<Record<'NOERROR' | 'NXDOMAIN', number>>;
  /** Query counts by kind, for the report. */
  readonly mix: Readonly<Record<string, number>>;
  readonly checks: readonly Check[];
  readonly files: {
    readonly inventory: string;
    readonly forwardZone: string;
    readonly reverse4Zone: string;
    readonly reverse6Zone: string;
    readonly hosts: string;
    readonly queries: string;
    readonly checks: string;
  };
}

/** mulberry32: a small seeded PRNG, so every run asks the same questions in the same order. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const macOf = (prefix: number, k: number) => `02:00:0a:${hex2(prefix)}:${hex2((k >>> 8) & 255)}:${hex2(k & 255)}`;

export function makeCluster(count: number): Cluster {
  const nodes: Node[] = [];
  const bmcs: Bmc[] = [];
  for (let k = 0; k < count; k++) {
    const cab = 1000 + Math.floor(k / 128);
    const chassis = Math.floor(k / 16) % 8;
    const slot = Math.floor(k / 2) % 8;
    const n = k % 2;
    const bmcX = `x${cab}c${chassis}s${slot}b0`;
    if (n === 0) {
      const b = bmcs.length;
      bmcs.push({ xname: bmcX, mac: macOf(0x65, b), ipv4: `10.101.${Math.floor(b / 250)}.${(b % 250) + 1}` });
    }
    const nid = k + 1;
    nodes.push({
      nid,
      xname: `${bmcX}n${n}`,
      nidName: `nid${String(nid).padStart(4, '0')}`,
      mac: macOf(0x64, k),
      ipv4: `10.100.${Math.floor(k / 250)}.${(k % 250) + 1}`,
      ipv6: k % 4 === 0 ? `fd00:10:100::${(k + 1).toString(16)}` : undefined,
    });
  }
  return { nodes, bmcs };
}

/** SMD's two lists in its own shapes (what `GET …/EthernetInterfaces` and `…/Components` return). */
export function inventoryDocument(c: Cluster): string {
  const stamp = '2026-11-26T12:00:00.000000Z';
  const ifaces: unknown[] = [];
  const comps: unknown[] = [];
  let b = 0;
  for (const node of c.nodes) {
    if (node.xname.endsWith('n0')) {
      const bmc = c.bmcs[b++]!;
      ifaces.push({
        ID: bmc.mac.replaceAll(':', ''),
        Description: `Interface for BMC ${bmc.xname}`,
        MACAddress: bmc.mac,
        LastUpdate: stamp,
        ComponentID: bmc.xname,
        Type: 'NodeBMC',
        IPAddresses: [{ IPAddress: bmc.ipv4 }],
      });
      comps.push({ ID: bmc.xname, Type: 'NodeBMC', State: 'Ready', Flag: 'OK', Enabled: true });
    }
    const ips: { IPAddress: string; Network: string }[] = [{ IPAddress: node.ipv4, Network: 'management' }];
    if (node.ipv6 !== undefined) ips.push({ IPAddress: node.ipv6, Network: 'management' });
    ifaces.push({
      ID: node.mac.replaceAll(':', ''),
      Description: `Interface 0 for ${node.nidName}`,
      MACAddress: node.mac,
      LastUpdate: stamp,
      ComponentID: node.xname,
      Type: 'Node',
      IPAddresses: ips,
    });
    comps.push({ ID: node.xname, Type: 'Node', State: 'Ready', Flag: 'OK', Enabled: true, Role: 'Compute', NID: node.nid, NetType: 'Sling', Arch: 'X86', Class: 'River' });
  }
  const list = (items: unknown[]) => `[\n${items.map((i) => ` ${JSON.stringify(i)}`).join(',\n')}\n]`;
  return `{"EthernetInterfaces":${list(ifaces)},\n"Components":${list(comps)}}\n`;
}

/** `10.100.0.1` → `1.0.100.10.in-addr.arpa.` */
export function reverse4(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
}

/** `fd00:10:100::1` → 32 nibbles, least significant first, + `ip6.arpa.` */
export function reverse6(ip: string): string {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const nibbles = groups.map((g) => g.padStart(4, '0')).join('');
  return `${[...nibbles].reverse().join('.')}.ip6.arpa.`;
}

function soa(origin: string, serial: number): string {
  // The SOA our server synthesizes (src/dns/service/zone-index.ts): ns.dns.<zone>, hostmaster,
  // refresh 7200, retry 1800, expire 86400, minimum = TTL.
  return `@ ${TTL} IN SOA ns.dns.${origin} hostmaster.${origin} ${serial} 7200 1800 86400 ${TTL}\n@ ${TTL} IN NS ns.dns.${origin}\n`;
}

export function forwardZone(c: Cluster): string {
  const origin = `${ZONE}.`;
  let out = `$ORIGIN ${origin}\n$TTL ${TTL}\n${soa(origin, 1)}ns.dns IN A ${SERVER_ADDRESS}\n`;
  let b = 0;
  for (const node of c.nodes) {
    for (const owner of [node.xname, node.nidName]) {
      out += `${owner} IN A ${node.ipv4}\n`;
      if (node.ipv6 !== undefined) out += `${owner} IN AAAA ${node.ipv6}\n`;
    }
    if (node.xname.endsWith('n0')) {
      const bmc = c.bmcs[b++]!;
      out += `${bmc.xname} IN A ${bmc.ipv4}\n`;
    }
  }
  return out;
}

export function reverseZone(c: Cluster, family: 4 | 6): string {
  const origin = `${family === 4 ? REVERSE4_ZONE : REVERSE6_ZONE}.`;
  let out = `$ORIGIN ${origin}\n$TTL ${TTL}\n${soa(origin, 1)}`.replaceAll(`ns.dns.${origin}`, `ns.dns.${ZONE}.`);
  for (const node of c.nodes) {
    if (family === 4) out += `${reverse4(node.ipv4)} IN PTR ${node.xname}.${ZONE}.\n`;
    else if (node.ipv6 !== undefined) out += `${reverse6(node.ipv6)} IN PTR ${node.xname}.${ZONE}.\n`;
  }
  if (family === 4) for (const bmc of c.bmcs) out += `${reverse4(bmc.ipv4)} IN PTR ${bmc.xname}.${ZONE}.\n`;
  return out;
}

/** dnsmasq addn-hosts: the first name of a line is the one its PTR answers with. */
export function hostsFile(c: Cluster): string {
  let out = '';
  for (const node of c.nodes) {
    out += `${node.ipv4} ${node.xname}.${ZONE} ${node.nidName}.${ZONE}\n`;
    if (node.ipv6 !== undefined) out += `${node.ipv6} ${node.xname}.${ZONE} ${node.nidName}.${ZONE}\n`;
  }
  for (const bmc of c.bmcs) out += `${bmc.ipv4} ${bmc.xname}.${ZONE}\n`;
  return out;
}

interface Query {
  readonly kind: string;
  readonly name: string;
  readonly type: 'A' | 'AAAA' | 'PTR';
  readonly rcode: 'NOERROR' | 'NXDOMAIN';
}

/** The query mix of the header comment, `total` queries in a seeded random order. */
export function makeQueries(c: Cluster, total: number, seed = 1): Query[] {
  const rnd = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const v6 = c.nodes.filter((n) => n.ipv6 !== undefined);
  const v4only = c.nodes.filter((n) => n.ipv6 === undefined);
  const n = c.nodes.length;
  const abs = (name: string) => `${name}.${ZONE}`;
  // [kind, share in percent, generator]
  const kinds: [string, number, () => Query][] = [
    ['A nid', 20, () => ({ kind: 'A nid', name: abs(pick(c.nodes).nidName), type: 'A', rcode: 'NOERROR' })],
    ['A node xname', 10, () => ({ kind: 'A node xname', name: abs(pick(c.nodes).xname), type: 'A', rcode: 'NOERROR' })],
    ['A BMC xname', 10, () => ({ kind: 'A BMC xname', name: abs(pick(c.bmcs).xname), type: 'A', rcode: 'NOERROR' })],
    ['AAAA nid (has IPv6)', 10, () => ({ kind: 'AAAA nid (has IPv6)', name: abs(pick(v6).nidName), type: 'AAAA', rcode: 'NOERROR' })],
    ['AAAA nid (NODATA)', 10, () => ({ kind: 'AAAA nid (NODATA)', name: abs(pick(v4only).nidName), type: 'AAAA', rcode: 'NOERROR' })],
    ['PTR node IPv4', 10, () => ({ kind: 'PTR node IPv4', name: reverse4(pick(c.nodes).ipv4).slice(0, -1), type: 'PTR', rcode: 'NOERROR' })],
    ['PTR BMC IPv4', 5, () => ({ kind: 'PTR BMC IPv4', name: reverse4(pick(c.bmcs).ipv4).slice(0, -1), type: 'PTR', rcode: 'NOERROR' })],
    ['PTR node IPv6', 5, () => ({ kind: 'PTR node IPv6', name: reverse6(pick(v6).ipv6!).slice(0, -1), type: 'PTR', rcode: 'NOERROR' })],
    [
      'NXDOMAIN',
      20,
      () => {
        const r = rnd();
        const type = rnd() < 0.75 ? 'A' : 'AAAA';
        let name: string;
        if (r < 0.5) name = `nid${String(n + 1 + Math.floor(rnd() * n)).padStart(4, '0')}`;
        else if (r < 0.8) name = `x${9000 + Math.floor(rnd() * 900)}c${Math.floor(rnd() * 8)}s${Math.floor(rnd() * 8)}b0n${Math.floor(rnd() * 2)}`;
        else name = `nohost${Math.floor(rnd() * 1e6)}`;
        return { kind: 'NXDOMAIN', name: abs(name), type, rcode: 'NXDOMAIN' };
      },
    ],
  ];
  const out: Query[] = [];
  for (const [, share, make] of kinds) for (let i = 0; i < Math.round((total * share) / 100); i++) out.push(make());
  // Fisher-Yates with the same generator.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function makeChecks(c: Cluster): Check[] {
  const first = c.nodes[0]!;
  const last = c.nodes[c.nodes.length - 1]!;
  const v6 = c.nodes.find((n) => n.ipv6 !== undefined && n.nid > 100)!;
  const v4only = c.nodes.find((n) => n.ipv6 === undefined)!;
  const bmc = c.bmcs[c.bmcs.length - 1]!;
  const abs = (name: string) => `${name}.${ZONE}.`;
  return [
    { name: abs(first.nidName), type: 'A', rcode: 'NOERROR', answers: [first.ipv4] },
    { name: abs(last.nidName), type: 'A', rcode: 'NOERROR', answers: [last.ipv4] },
    { name: abs(last.xname), type: 'A', rcode: 'NOERROR', answers: [last.ipv4] },
    { name: abs(bmc.xname), type: 'A', rcode: 'NOERROR', answers: [bmc.ipv4] },
    { name: abs(v6.nidName), type: 'AAAA', rcode: 'NOERROR', answers: [v6.ipv6!] },
    { name: abs(v4only.nidName), type: 'AAAA', rcode: 'NOERROR', answers: [] },
    { name: reverse4(last.ipv4), type: 'PTR', rcode: 'NOERROR', answers: [abs(last.xname)] },
    { name: reverse4(bmc.ipv4), type: 'PTR', rcode: 'NOERROR', answers: [abs(bmc.xname)] },
    { name: reverse6(v6.ipv6!), type: 'PTR', rcode: 'NOERROR', answers: [abs(v6.xname)] },
    { name: abs(`nid${String(c.nodes.length + 7).padStart(4, '0')}`), type: 'A', rcode: 'NXDOMAIN', answers: [] },
    { name: abs('x9999c7s7b0n1'), type: 'AAAA', rcode: 'NXDOMAIN', answers: [] },
  ];
}

/** Writes every file into `dir` (created if needed). */
export function writeWorkload(dir: string, options: { nodes: number; queries: number; seed?: number }): Workload {
  mkdirSync(dir, { recursive: true });
  const cluster = makeCluster(options.nodes);
  const files = {
    inventory: join(dir, 'inventory.json'),
    forwardZone: join(dir, `${ZONE}.zone`),
    reverse4Zone: join(dir, `${REVERSE4_ZONE}.zone`),
    reverse6Zone: join(dir, `${REVERSE6_ZONE}.zone`),
    hosts: join(dir, 'hosts'),
    queries: join(dir, 'queries.txt'),
    checks: join(dir, 'checks.json'),
  };
  writeFileSync(files.inventory, inventoryDocument(cluster));
  writeFileSync(files.forwardZone, forwardZone(cluster));
  writeFileSync(files.reverse4Zone, reverseZone(cluster, 4));
  writeFileSync(files.reverse6Zone, reverseZone(cluster, 6));
  writeFileSync(files.hosts, hostsFile(cluster));
  const queries = makeQueries(cluster, options.queries, options.seed ?? 1);
  writeFileSync(files.queries, queries.map((q) => `${q.name} ${q.type}\n`).join(''));
  const checks = makeChecks(cluster);
  writeFileSync(files.checks, `${JSON.stringify(checks, null, 1)}\n`);
  const expectedRcodes = { NOERROR: 0, NXDOMAIN: 0 };
  const mix: Record<string, number> = {};
  for (const q of queries) {
    expectedRcodes[q.rcode]++;
    mix[q.kind] = (mix[q.kind] ?? 0) + 1;
  }
  return { cluster, queries: queries.length, expectedRcodes, mix, checks, files };
}

// `node --import tsx bench/dns/workload.ts DIR [--nodes 10000] [--queries 100000]`: the files alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (dir === undefined || dir.startsWith('--')) {
    console.error('usage: workload.ts DIR [--nodes 10000] [--queries 100000]');
    process.exit(2);
  }
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? fallback : Number(process.argv[i + 1]);
  };
  const w = writeWorkload(dir, { nodes: arg('nodes', 10_000), queries: arg('queries', 100_000) });
  console.log(JSON.stringify({ queries: w.queries, expectedRcodes: w.expectedRcodes, mix: w.mix, files: w.files }, null, 1));
}
