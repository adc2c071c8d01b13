// Kill -9 tests of the lease journal: a child process grants leases as fast as it can and is
// SIGKILLed at seeded random moments, several rounds over the same file, each round recovering
// what the previous one left. Every grant the child acknowledged must survive with its address.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Journal } from '../../../../src/dhcp/service/bootloop/journal.ts';
import type { JournalRecord } from '../../../../src/dhcp/service/bootloop/journal-record.ts';
import { LeaseStore } from '../../../../src/dhcp/service/bootloop/lease-store.ts';
import { tempDir } from './support.ts';

const root = resolve(import.meta.dirname, '../../../..');
const child = join(import.meta.dirname, 'crash-child.ts');
const ROUNDS = 8;

async function recordsOf(path: string, bytes: Buffer): Promise<readonly JournalRecord[]> {
  writeFileSync(path, bytes);
  const { journal, recovery } = await Journal.open(path);
  await journal.close();
  return recovery.records;
}

interface RoundResult {
  readonly grants: [string, number][];
  readonly stderr: string;
  readonly killed: boolean;
}

/** Runs one child; kills it `delayMs` after it reports ready (or after spawn when fromSpawn). */
function runRound(file: string, round: number, seed: number, delayMs: number, fromSpawn: boolean): Promise<RoundResult> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, file, String(round), String(seed)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      timer ??= setTimeout(() => proc.kill('SIGKILL'), delayMs);
    };
    if (fromSpawn) arm();
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('ready\n')) arm();
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL' && code !== 0) {
        reject(new Error(`round ${round}: child exited with ${code}:\n${stderr}`));
        return;
      }
      // Only whole lines count: a line cut by the kill was not fully printed.
      const lines = out.split('\n').slice(0, -1);
      const grants = lines
        .filter((l) => l.startsWith('granted '))
        .map((l) => {
          const [, mac, ip] = l.split(' ');
          return [mac!, Number(ip)] as [string, number];
        });
      resolvePromise({ grants, stderr, killed: signal === 'SIGKILL' });
    });
  });
}

describe('lease journal under SIGKILL', () => {
  test('every acknowledged grant survives repeated kill -9 with its address, and no address has two owners', { timeout: 60_000 }, async (t) => {
    const file = join(tempDir(t), 'leases');
    let seed = 20250304;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const acknowledged = new Map<string, number>();
    let kills = 0;
    let compactions = 0;
    let tornTails = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      // Every fourth round is killed at a random moment from spawn: often while it is still
      // loading, sometimes during recovery or the compaction on open.
      const fromSpawn = round % 4 === 0;
      const delay = fromSpawn ? 200 + Math.floor(random() * 800) : 10 + Math.floor(random() * 400);
      const result = await runRound(file, round, Math.floor(random() * 2 ** 31), delay, fromSpawn);
      if (result.killed) kills++;
      compactions += result.stderr.split('\n').filter((l) => l === 'compacted').length;
      if (/cut [1-9][0-9]* bytes/.test(result.stderr)) tornTails++;
      assert.doesNotMatch(result.stderr, /^error /m, `round ${round} logged an error:\n${result.stderr}`);
      for (const [mac, ip] of result.grants) {
        const before = acknowledged.get(mac);
        assert.ok(before === undefined || before === ip, `round ${round}: ${mac} moved from ${before} to ${ip}`);
        acknowledged.set(mac, ip);
      }
    }
    t.diagnostic(`${acknowledged.size} MACs acknowledged, ${kills} kills, ${compactions} compactions, ${tornTails} torn tails recovered`);
    assert.ok(kills >= ROUNDS - 1, `only ${kills} of ${ROUNDS} rounds were killed`);
    assert.ok(acknowledged.size > 100, `only ${acknowledged.size} grants were acknowledged; the test exercised too little`);
    assert.ok(compactions > 0, 'no compaction ran during the rounds');

    // The file exactly as the last killed child left it, for the truncation checks below.
    const left = readFileSync(file);

    const { store, recovery } = await LeaseStore.open(file);
    const all = [...store.all()];
    await store.close();
    assert.deepEqual(recovery.duplicates, []);
    for (const [mac, ip] of acknowledged) assert.equal(store.get(mac)?.ip, ip, `${mac} lost or moved`);
    assert.equal(new Set(all.map((l) => l.ip)).size, all.length, 'an address has two owners');

    // A second open finds nothing left to repair.
    const again = await LeaseStore.open(file);
    await again.store.close();
    assert.equal(again.recovery.truncatedBytes, 0);
    assert.equal(again.recovery.leases, all.length);

    // A kill in the middle of a write leaves a prefix of the file. Cut the end of the file the
    // child left at every byte of its last record, and at seeded random offsets: the journal
    // must recover exactly the records that ended (LF included) before the cut. Records are
    // self-contained, so the header plus the last 200 lines is a valid journal and keeps the
    // hundred-odd reopenings fast.
    const headerEnd = left.indexOf(0x0a) + 1;
    let tailStart = left.length - 1;
    for (let n = 0; n < 200 && tailStart > headerEnd; n++) tailStart = left.lastIndexOf(0x0a, tailStart - 1);
    const tail = Buffer.concat([left.subarray(0, headerEnd), left.subarray(Math.max(tailStart + 1, headerEnd))]);
    const scratch = join(resolve(file, '..'), 'cut');
    const whole = await recordsOf(scratch, tail);
    const lastStart = tail.lastIndexOf(0x0a, tail.length - 2) + 1;
    for (let cut = lastStart; cut < tail.length; cut++) {
      assert.deepEqual(await recordsOf(scratch, tail.subarray(0, cut)), whole.slice(0, -1), `cut at ${cut} of ${tail.length}`);
    }
    for (let i = 0; i < 30; i++) {
      const cut = headerEnd + Math.floor(random() * (tail.length - headerEnd));
      const complete = tail.subarray(headerEnd, cut).toString('latin1').split('\n').length - 1;
      assert.deepEqual(await recordsOf(scratch, tail.subarray(0, cut)), whole.slice(0, complete), `cut at ${cut}`);
    }
  });
});
