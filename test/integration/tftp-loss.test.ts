// Real clients through a lossy relay (test/support/lossy-relay.ts: this kernel has no netem):
// random loss, duplication and reordering in both directions still give byte-identical files;
// duplicated ACKs never make the server send a block twice (Sorcerer's Apprentice); and with a
// little latency, windowsize cuts the transfer time by half or more.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/seams/clock.ts';
import { startTftp, type RunningTftp } from '../../src/app/tftp/start-tftp.ts';
import { peekTftpOpcode } from '../../src/tftp/packet.ts';
import { TftpOpcode } from '../../src/tftp/constants.ts';
import { LossyRelay, type LossyRelayOptions } from '../support/lossy-relay.ts';
import { recordingLogger } from '../net/support.ts';
import { atftpGet, curlGet, missingClient, patternBytes, tftpHpaGet, type ClientRun } from './tftp-support.ts';

const FILE = patternBytes(100_000, 7);
const MEDIUM = patternBytes(300_000, 8);

let dir: string;
let server: RunningTftp;
/** A server with a long retransmission timeout, for counts that a spurious timeout would spoil. */
let calm: RunningTftp;
const logger = recordingLogger();
const relays: LossyRelay[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tftp-loss-'));
  mkdirSync(join(dir, 'root'));
  mkdirSync(join(dir, 'out'));
  writeFileSync(join(dir, 'root', 'loss.bin'), FILE);
  // One file per log-checking test, so their log lines cannot be confused.
  for (const name of ['chosen.bin', 'oack.bin', 'dup.bin']) writeFileSync(join(dir, 'root', name), FILE);
  writeFileSync(join(dir, 'root', 'medium.bin'), MEDIUM);
  // 50 ms retransmissions keep recovery quick; clients that send `timeout` get their own.
  server = await startTftp({
    root: join(dir, 'root'),
    fallbackRoot: null,
    listen: { host: '127.0.0.1', port: 0 },
    singlePort: false,
    logger,
    clock: systemClock,
    defaultTimeoutMs: 50,
  });
  calm = await startTftp({
    root: join(dir, 'root'),
    fallbackRoot: null,
    listen: { host: '127.0.0.1', port: 0 },
    singlePort: false,
    logger,
    clock: systemClock,
    defaultTimeoutMs: 5000,
  });
});

after(async () => {
  for (const r of relays) await r.close();
  await server?.close();
  await calm?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function relay(o: Omit<LossyRelayOptions, 'server'>, to: RunningTftp = server): Promise<number> {
  const r = await LossyRelay.start({ server: to.endpoints[0]!, ...o });
  relays.push(r);
  return r.entry.port;
}

let n = 0;
const outFile = () => join(dir, 'out', `f${n++}`);

function assertSame(r: ClientRun, local: string, want: Buffer): void {
  assert.equal(r.code, 0, `client failed: ${r.stderr}`);
  const got = readFileSync(local);
  assert.equal(got.length, want.length);
  assert.ok(got.equals(want), 'byte-identical');
}

/**
 * The server's log line for the last transfer of `file` that ended. The client exits when it has
 * sent its last ACK, a moment before the server reads it, so this waits for the line.
 */
async function lastEnd(file: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const line = logger.lines.filter((l) => l.fields['file'] === file && l.fields['outcome'] !== undefined).at(-1);
    if (line !== undefined) return line.fields;
    assert.ok(Date.now() < deadline, `a log line for ${file}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Requests are spared: a lost RRQ tests the client's retry timer, not the server.
const spareRequests = (d: Uint8Array) => peekTftpOpcode(d) === TftpOpcode.RRQ;
const LOSSY = { drop: 0.03, duplicate: 0.03, delayMs: [0, 3] as const, spare: spareRequests };

// The clients run at once: each has its own relay, and the server takes them concurrently.
describe('random loss, duplication and reordering (seeded)', { concurrency: true }, () => {
  test('tftp-hpa, 512-byte lock-step', { skip: missingClient('tftpHpa') }, async () => {
    const port = await relay({ seed: 1, ...LOSSY });
    const local = outFile();
    assertSame(await tftpHpaGet(port, 'loss.bin', local), local, FILE);
  });

  test('atftp, blksize 1468 lock-step', { skip: missingClient('atftp') }, async () => {
    const port = await relay({ seed: 2, ...LOSSY });
    const local = outFile();
    assertSame(await atftpGet(port, 'loss.bin', local, { blksize: 1468 }), local, FILE);
  });

  for (const [seed, windowsize] of [
    [3, 4],
    [4, 8],
    [5, 16],
  ] as const) {
    test(`atftp, windowsize ${windowsize}, blksize 1468, tsize`, { skip: missingClient('atftp') }, async () => {
      const port = await relay({ seed, ...LOSSY });
      const local = outFile();
      assertSame(await atftpGet(port, 'medium.bin', local, { blksize: 1468, windowsize, tsize: 0 }), local, MEDIUM);
    });
  }

  test('curl without options (512-byte blocks)', { skip: missingClient('curl') }, async () => {
    const port = await relay({ seed: 6, ...LOSSY });
    const local = outFile();
    assertSame(await curlGet(port, 'loss.bin', local, { noOptions: true }), local, FILE);
  });
});

describe('chosen losses', () => {
  const isOack = (d: Uint8Array) => peekTftpOpcode(d) === TftpOpcode.OACK;
  const isData = (d: Uint8Array) => peekTftpOpcode(d) === TftpOpcode.DATA;
  const isAck = (d: Uint8Array) => peekTftpOpcode(d) === TftpOpcode.ACK;

  test('tftp-hpa: the 3rd DATA and the 5th ACK are lost; the server\'s timer resends them', { skip: missingClient('tftpHpa') }, async () => {
    let datas = 0;
    let acks = 0;
    const port = await relay({
      seed: 7,
      dropWhere: (d, dir) => (dir === 'to-client' && isData(d) && ++datas === 3) || (dir === 'to-server' && isAck(d) && ++acks === 5),
    });
    const local = outFile();
    assertSame(await tftpHpaGet(port, 'chosen.bin', local), local, FILE);
    const end = await lastEnd('chosen.bin');
    assert.equal(end['outcome'], 'complete');
    // One resend per loss; a loaded machine may add one when an ACK takes longer than 50 ms.
    const resent = Number(end['retransmits']);
    assert.ok(resent >= 2 && resent <= 4, `retransmits ${resent}`);
  });

  test('curl: the first OACK is lost; the server resends it after the timeout curl asked for', { skip: missingClient('curl') }, async () => {
    let oacks = 0;
    const port = await relay({ seed: 11, dropWhere: (d, dir) => dir === 'to-client' && isOack(d) && ++oacks === 1 });
    const local = outFile();
    // --connect-timeout 2 makes curl ask for timeout=1 (its default asks for 6 s).
    const r = await curlGet(port, 'oack.bin', local, { blksize: 1468, connectTimeoutS: 2 });
    assertSame(r, local, FILE);
    const end = await lastEnd('oack.bin');
    assert.equal(end['outcome'], 'complete');
    assert.equal(end['retransmits'], 1);
    assert.equal(end['timeoutMs'], 1000);
  });

  test('tftp-hpa: the last ACK is lost; the client has the whole file', { skip: missingClient('tftpHpa') }, async () => {
    const blocks = Math.floor(FILE.length / 512) + 1;
    const port = await relay({ seed: 8, dropWhere: (d, dir) => dir === 'to-server' && isAck(d) && Buffer.from(d).readUInt16BE(2) === blocks });
    const local = outFile();
    assertSame(await tftpHpaGet(port, 'loss.bin', local), local, FILE);
  });

  test('every datagram duplicated: each block is still sent exactly once (RFC 1123 §4.2.3.1)', { skip: missingClient('tftpHpa') }, async () => {
    const port = await relay({ seed: 9, duplicate: 1 }, calm);
    const local = outFile();
    assertSame(await tftpHpaGet(port, 'dup.bin', local), local, FILE);
    const end = await lastEnd('dup.bin');
    const blocks = Math.floor(FILE.length / 512) + 1;
    assert.equal(end['outcome'], 'complete');
    assert.equal(end['blocks'], blocks);
    assert.equal(end['retransmits'], 0);
    assert.equal(end['packets'], blocks); // one DATA per block (tftp-hpa 5.2 asks for no options)
    assert.ok(Number(end['duplicateAcks']) >= blocks - 1, `duplicate ACKs ignored: ${String(end['duplicateAcks'])}`);
  });
});

describe('windowsize with latency', () => {
  test('with 2 ms each way, windowsize 16 cuts the transfer time by half or more', { skip: missingClient('atftp') }, async () => {
    const port = await relay({ seed: 10, delayMs: [2, 2] });
    const a = outFile();
    const b = outFile();
    const lockStep = await atftpGet(port, 'medium.bin', a, { blksize: 1468 });
    const windowed = await atftpGet(port, 'medium.bin', b, { blksize: 1468, windowsize: 16 });
    assertSame(lockStep, a, MEDIUM);
    assertSame(windowed, b, MEDIUM);
    assert.ok(windowed.ms * 2 <= lockStep.ms, `lock-step ${lockStep.ms.toFixed(0)} ms, windowsize 16 ${windowed.ms.toFixed(0)} ms`);
  });
});
