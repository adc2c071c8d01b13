// DHCPv4 codec benchmark (BENCHMARKS.md, "DHCPv4 codec").
//
//   node --import tsx bench/dhcp4-codec.ts [--iterations 200000] [--runs 7]
//
// What it measures, in ns per operation (median of --runs, each of --iterations after a warm-up):
// 1. peek: peekDhcp4 on a captured DISCOVER, the server's first filter.
// 2. decode + classify: decodeDhcp4Request (header check and the one-pass option index) plus
//    every accessor the service's classifyClient reads (MAC text, message type, architecture,
//    vendor class, raw user class, PRL, client id, max size, relay info, iPXE option 175). Run
//    on the three firmware captures: iPXE (10 options, with 175), OVMF UEFI PXE and a relayed
//    udhcpc DISCOVER (option 82).
// 3. decodeDhcp4: the full copying model, for comparison (not on the hot path).
// 4. encode: a typical OFFER (spec coresmd-dhcp §5.2: ten options, client id echoed) into a
//    slot acquired from a BufferPool and released after, as the server does per reply.

import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { decodeDhcp4, decodeDhcp4Request } from '../src/dhcp/v4/decode.ts';
import { encodeDhcp4 } from '../src/dhcp/v4/encode.ts';
import type { Dhcp4Message } from '../src/dhcp/v4/model.ts';
import { ipv4, ipv4List, text, u32 } from '../src/dhcp/v4/option-values.ts';
import { peekDhcp4 } from '../src/dhcp/v4/view.ts';
import { parseIPv4 } from '../src/wire/addr.ts';
import { BufferPool } from '../src/wire/pool.ts';
import { Writer } from '../src/wire/writer.ts';
import { loadHexFixture } from '../test/support/hex.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v === undefined || !Number.isFinite(v) ? fallback : v;
}
const ITERATIONS = arg('iterations', 200_000);
const RUNS = arg('runs', 7);

const fixture = (name: string) => loadHexFixture(new URL(`../test/fixtures/dhcp4/${name}`, import.meta.url));

// A sink the optimizer cannot see through, so measured work is not dead code.
let sink = 0;

function bench(name: string, op: () => void): number {
  for (let i = 0; i < Math.min(ITERATIONS, 20_000); i++) op();
  const samples: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < ITERATIONS; i++) op();
    samples.push(((performance.now() - t0) * 1e6) / ITERATIONS);
  }
  samples.sort((a, b) => a - b);
  const median = samples[samples.length >> 1]!;
  console.log(`${name.padEnd(52)} ${median.toFixed(0).padStart(6)} ns/op   (min ${samples[0]!.toFixed(0)}, max ${samples.at(-1)!.toFixed(0)})`);
  return median;
}

function classify(buf: Uint8Array): void {
  const r = decodeDhcp4Request(buf);
  if (!r.ok) throw r.error;
  const { view, options: o } = r.value;
  const mac = view.chaddrText;
  const type = o.messageType() ?? 0;
  const arch = o.clientArch();
  const vendor = o.vendorClass();
  const user = o.userClassRaw();
  const prl = o.parameterRequestList();
  const cid = o.clientId();
  const max = o.maxMessageSize() ?? 0;
  const relay = o.relayAgentInfo();
  const ipxe = o.ipxe();
  sink +=
    mac.length + type + (arch?.[0] ?? 0) + (vendor?.length ?? 0) + (user?.length ?? 0) + (prl?.length ?? 0) + (cid?.length ?? 0) + max +
    (relay?.subOptions.length ?? 0) + (ipxe?.features.length ?? 0) + view.giaddr + view.flags;
}

const ip = (s: string) => parseIPv4(s)!;
const offer: Dhcp4Message = {
  op: 2,
  htype: 1,
  xid: 0x734f3c9c,
  flags: 0x8000,
  ciaddr: 0,
  yiaddr: ip('172.16.0.1'),
  siaddr: ip('172.16.0.253'),
  giaddr: 0,
  chaddr: Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x00, 0x01),
  options: [
    { code: 53, data: Uint8Array.of(2) },
    { code: 54, data: ipv4(ip('172.16.0.253')) },
    { code: 51, data: u32(3600) },
    { code: 1, data: ipv4(ip('255.255.255.0')) },
    { code: 3, data: ipv4(ip('172.16.0.254')) },
    { code: 6, data: ipv4List([ip('1.1.1.1'), ip('8.8.8.8')]) },
    { code: 12, data: text('nid0001.openchami.cluster') },
    { code: 17, data: text('172.16.0.253') },
    { code: 61, data: Uint8Array.of(1, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01) },
    { code: 67, data: text('ipxe-x86_64.efi') },
  ],
};

console.log(`DHCPv4 codec, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; ${RUNS} runs × ${ITERATIONS} iterations`);
const ipxe = fixture('ipxe-1.0.0-git20190125-discover.hex');
const ovmf = fixture('ovmf-2022.11-pxe-discover.hex');
const relayed = fixture('dhcrelay-4.4.3-discover-option82.hex');

bench('peekDhcp4 (iPXE DISCOVER)', () => {
  sink += peekDhcp4(ipxe) ? 1 : 0;
});
bench('decode + classify (iPXE DISCOVER, 400 B, 10 options)', () => classify(ipxe));
bench('decode + classify (OVMF UEFI PXE DISCOVER, 347 B)', () => classify(ovmf));
bench('decode + classify (relayed udhcpc DISCOVER, opt 82)', () => classify(relayed));
bench('decodeDhcp4 full model (iPXE DISCOVER)', () => {
  const r = decodeDhcp4(ipxe);
  sink += r.ok ? r.value.options.length : 0;
});
const pool = new BufferPool(1500, 64);
bench('encode OFFER (spec §5.2 + 61) into a pooled slot', () => {
  const slot = pool.acquire()!;
  sink += encodeDhcp4(offer, new Writer(slot), { maxSize: 1472 }).length;
  pool.release(slot);
});
if (sink === 42) console.log('');
