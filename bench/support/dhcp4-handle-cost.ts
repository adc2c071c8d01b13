// Where the server's time goes per packet, without sockets (BENCHMARKS.md, "DHCPv4 load",
// profile findings). Builds the DHCPv4 server exactly as `coresmd dhcp` does from the same config
// and inventory the load benchmark uses, then times Dhcp4Server.handle() on the load generator's
// own DISCOVER and REQUEST bytes, and each stage of the packet path alone, in ns/op, and measures
// the bytes each one allocates.
//
//   node --import tsx --expose-gc bench/support/dhcp4-handle-cost.ts [--hosts 10000] [--iterations 200000] [--admin]
//
// --admin: the server reports to the admin server's event store and quarantine, as it does by
// default in `coresmd serve` (src/app/admin/admin-runtime.ts), to measure what that costs.
//
// Allocation: after a forced GC, new space's used size is read, a batch of calls small enough
// not to fill it runs, and used size is read again; batches during which any GC ran (counted
// with a PerformanceObserver) are discarded. Bytes per call = delta / batch size.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { readCoredhcpConfigFile } from '../../src/app/config/coredhcp-config.ts';
import { buildChain4 } from '../../src/app/dhcp/chain4.ts';
import { createAdminRuntime } from '../../src/app/admin/admin-runtime.ts';
import { firstCoresmdConfig, inventoryFromConfig } from '../../src/app/dhcp/shared-inventory.ts';
import { createLogger } from '../../src/app/log.ts';
import { runChain, type Dhcp4Ingress } from '../../src/dhcp/service/chain.ts';
import { classifyClient } from '../../src/dhcp/service/client-info.ts';
import { Counters } from '../../src/dhcp/service/counters.ts';
import { newDraft } from '../../src/dhcp/service/draft.ts';
import { buildReply, Dhcp4Server } from '../../src/dhcp/service/server4.ts';
import { decodeDhcp4Request } from '../../src/dhcp/v4/decode.ts';
import { encodeDhcp4 } from '../../src/dhcp/v4/encode.ts';
import { dgramIngress } from '../../src/net/dhcp4-ingress.ts';
import { systemClock } from '../../src/seams/clock.ts';
import { parseIPv4 } from '../../src/wire/addr.ts';
import { BufferPool } from '../../src/wire/pool.ts';
import { Writer } from '../../src/wire/writer.ts';
import { oursLaunch } from './dhcp4-servers.ts';
import { buildRequest, DhcpType, GIADDR, ipv4Value, makeHosts, SERVER_ADDRESS } from './dhcp4-workload.ts';

function num(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v === undefined || !Number.isFinite(v) ? fallback : v;
}
const HOSTS = num('hosts', 10_000);
const ITERATIONS = num('iterations', 200_000);
const gcFn = (globalThis as { gc?: () => void }).gc;
if (gcFn === undefined) {
  console.error('run with --expose-gc');
  process.exit(2);
}
const gc = gcFn;

let gcs = 0;
new PerformanceObserver((list) => {
  gcs += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });
const newSpaceUsed = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? NaN;

let sink = 0;
const settle = async () => {
  for (let k = 0; k < 3; k++) await new Promise((r) => setTimeout(r, 1));
};

async function measure(name: string, op: (i: number) => unknown): Promise<void> {
  const isAsync = op(0) instanceof Promise;
  const run = async (n: number, from: number) => {
    if (isAsync) for (let i = 0; i < n; i++) sink += ((await op(from + i)) === undefined ? 0 : 1);
    else for (let i = 0; i < n; i++) sink += op(from + i) === undefined ? 0 : 1;
  };
  await run(Math.min(ITERATIONS, 20_000), 0); // warm-up
  const t0 = performance.now();
  await run(ITERATIONS, 0);
  const nsPerOp = ((performance.now() - t0) * 1e6) / ITERATIONS;
  // Allocation: batches of 100 calls between two reads of new space, with no GC in between.
  const perCall: number[] = [];
  for (let b = 0; b < 20 && perCall.length < 5; b++) {
    gc();
    await settle(); // the observer hears of the forced GC first
    const g0 = gcs;
    const before = newSpaceUsed();
    await run(100, b * 100);
    const after = newSpaceUsed();
    await settle(); // and of any GC that ran inside the batch
    if (gcs === g0 && after >= before) perCall.push((after - before) / 100);
  }
  perCall.sort((a, b) => a - b);
  const bytes = perCall.length === 0 ? '?' : Math.round(perCall[perCall.length >> 1]!).toLocaleString('en-US');
  console.log(`${name.padEnd(62)} ${(nsPerOp / 1000).toFixed(2).padStart(7)} µs/op ${bytes.padStart(8)} B/op`);
}

const dir = mkdtempSync(join(tmpdir(), 'bench-dhcp4-cost-'));
try {
  const hosts = makeHosts(HOSTS);
  const launch = oursLaunch(dir, hosts, 10067);
  const configPath = launch.argv[launch.argv.indexOf('-c') + 1]!;
  const logger = createLogger({ level: 'warn', format: 'logfmt', sink: { write: (l) => process.stderr.write(l) } });
  const cfg = readCoredhcpConfigFile(configPath);
  const coresmd = firstCoresmdConfig(cfg)!;
  const inventory = inventoryFromConfig(coresmd, { clock: systemClock, logger, env: process.env });
  await inventory.start();
  const chain = await buildChain4(cfg.server4!, { inventory, clock: systemClock, logger });
  const admin = process.argv.includes('--admin') ? createAdminRuntime(systemClock) : undefined;
  const server = new Dhcp4Server({
    handlers: chain.handlers,
    clock: systemClock,
    logger,
    pool: new BufferPool(1500, 1024),
    ...(admin === undefined ? {} : { events: admin.events, quarantine: admin.quarantine }),
    ...(chain.serverId === undefined ? {} : { serverId: chain.serverId }),
  });
  const ingress: Dhcp4Ingress = dgramIngress({ address: ipv4Value(SERVER_ADDRESS), interfaces: [] }, ipv4Value(GIADDR), 10067);

  // The generator's bytes: a DISCOVER per host, and a REQUEST per host for its SMD address.
  const discovers = hosts.map((h) => Buffer.from(buildRequest(h, DhcpType.Discover).bytes));
  const requests = hosts.map((h) => {
    const t = buildRequest(h, DhcpType.Request);
    const b = Buffer.from(t.bytes);
    b.writeUInt32BE(h.ip, t.requestedIpAt);
    b.writeUInt32BE(ipv4Value(SERVER_ADDRESS), t.serverIdAt);
    return b;
  });
  const n = hosts.length;

  // Sanity: both are answered with the host's address.
  for (const [label, pkts, type] of [['DISCOVER', discovers, DhcpType.Offer], ['REQUEST', requests, DhcpType.Ack]] as const) {
    const out = await server.handle(pkts[0]!, ingress);
    if (out.kind !== 'reply' || out.replyType !== type) throw new Error(`${label} was not answered: ${JSON.stringify(out.kind === 'drop' ? out.reason : out.replyType)}`);
    out.release();
  }

  console.log(`# Dhcp4Server.handle() and its stages, ${HOSTS} hosts, ${ITERATIONS} calls each (cycling over every host), Node ${process.version}${admin === undefined ? '' : ', reporting to the admin event store'}`);
  const handle = async (pkts: Buffer[], i: number) => {
    const out = await server.handle(pkts[i % n]!, ingress);
    if (out.kind === 'reply') out.release();
    return out;
  };
  await measure('handle(DISCOVER) → OFFER, whole server core', (i) => handle(discovers, i));
  await measure('handle(REQUEST) → ACK, whole server core', (i) => handle(requests, i));

  // Stages, on the DISCOVER.
  await measure('  decodeDhcp4Request', (i) => decodeDhcp4Request(discovers[i % n]!));
  const decoded = discovers.map((b) => {
    const r = decodeDhcp4Request(b);
    if (!r.ok) throw r.error;
    return r.value;
  });
  await measure('  classifyClient (from a decoded view)', (i) => {
    const d = decoded[i % n]!;
    return classifyClient(d.view, d.options, false);
  });
  const infos = decoded.map((d) => classifyClient(d.view, d.options, false)!);
  const reqOf = (i: number) => ({ info: infos[i % n]!, ingress, receivedAt: 0 });
  await measure('  runChain: server_id, dns, router, netmask, coresmd', (i) => runChain(chain.handlers, reqOf(i), newDraft(DhcpType.Offer, ipv4Value(SERVER_ADDRESS))));
  const coresmdOnly = chain.handlers.filter((h) => h.name === 'coresmd');
  await measure('    coresmd handler alone', (i) => coresmdOnly[0]!.handle(reqOf(i), newDraft(DhcpType.Offer, ipv4Value(SERVER_ADDRESS))));
  const drafts = await Promise.all(
    infos.map(async (_info, i) => {
      const d = newDraft(DhcpType.Offer, ipv4Value(SERVER_ADDRESS));
      await runChain(chain.handlers, reqOf(i), d);
      return d;
    }),
  );
  await measure('  buildReply (reply model from the draft)', (i) => buildReply(infos[i % n]!, drafts[i % n]!));
  const pool = new BufferPool(1500, 4);
  const replies = infos.map((info, i) => buildReply(info, drafts[i]!));
  await measure('  encodeDhcp4 into a pooled buffer', (i) => {
    const buf = pool.acquire()!;
    const w = new Writer(buf);
    const r = encodeDhcp4(replies[i % n]!, w, { maxSize: 1500 });
    pool.release(buf);
    return r;
  });
  const counters = new Counters();
  await measure('  one Counters.inc with a template-literal key', (i) => counters.inc(`requests{type="${i % 2 === 0 ? 'DISCOVER' : 'REQUEST'}"}`));
  await measure('  parseIPv4(rinfo.address) (transport, per datagram)', () => parseIPv4('127.20.0.1'));
  console.log(`(sink ${sink > 0 ? 'ok' : '0'})`);
  await chain.close();
  await inventory.stop();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
