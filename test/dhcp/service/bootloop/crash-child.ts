// Child process for crash.test.ts (not a test itself):
//   node --import tsx crash-child.ts <lease file> <round> <seed>
// Opens the leases, then 16 workers grant addresses as fast as the disk allows: mostly new MACs
// (numbered from round × 100000), and renewals of MACs it already knows, which leave superseded
// records behind so compaction runs too. `granted <mac> <ip>` is printed only after grant()
// resolved, i.e. after the fsync; stdout to a pipe is synchronous on Linux, so a printed line
// was acknowledged before any SIGKILL that follows it. The parent kills this process.

import { systemClock } from '../../../../src/seams/clock.ts';
import type { Logger } from '../../../../src/seams/logger.ts';
import { BootloopLeases } from '../../../../src/dhcp/service/bootloop/leases.ts';
import { cidr, ip, mac } from './support.ts';

const [file, roundText, seedText] = process.argv.slice(2);
if (file === undefined || roundText === undefined || seedText === undefined) throw new Error('usage: crash-child.ts <file> <round> <seed>');
const round = Number(roundText);
let seed = Number(seedText) >>> 0;
const random = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;

// Compactions are announced on stderr so the parent can check that some ran.
const logger: Logger = {
  debug() {},
  info(msg) {
    if (msg.includes('compacted')) process.stderr.write('compacted\n');
  },
  warn(msg, fields) {
    process.stderr.write(`warn ${msg} ${JSON.stringify(fields)}\n`);
  },
  error(msg, fields) {
    process.stderr.write(`error ${msg} ${JSON.stringify(fields)}\n`);
  },
  child() {
    return logger;
  },
};

const { leases, recovery } = await BootloopLeases.open({
  file,
  pools: [{ cidr: cidr('10.20.0.0/16'), start: ip('10.20.0.1'), end: ip('10.20.255.254') }],
  leaseTimeMs: 86_400_000,
  clock: systemClock,
  logger,
  compactRatio: 1.5,
  compactMinRecords: 200,
});
process.stderr.write(`recovered ${recovery.leases} leases, cut ${recovery.truncatedBytes} bytes\n`);
process.stdout.write('ready\n');

const known = [...leases.store.all()].map((l) => l.mac);
let next = 0;
const LIMIT = 20_000;
let done = 0;

async function worker(): Promise<void> {
  while (done++ < LIMIT) {
    const renew = known.length > 0 && random() < 0.5;
    const m = renew ? known[Math.floor(random() * known.length)]! : mac(round * 100_000 + next++);
    const r = await leases.grant({ mac: m, giaddr: 0 });
    if (!r.ok) throw new Error(`grant failed: ${r.reason}`);
    process.stdout.write(`granted ${m} ${r.lease.ip}\n`);
    if (!renew) known.push(m);
  }
}

await Promise.all(Array.from({ length: 16 }, worker));
await leases.close();
