// The per-transfer state machine over a fake channel and a fake clock: lock-step and windows,
// duplicate ACKs, rewinds, retransmission with backoff and give-up, block-number rollover,
// transfer IDs, client errors and the UEFI size probe.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../src/wire/pool.ts';
import { createBlockSource } from '../../../src/tftp/service/block-source.ts';
import { TftpOutcome, TftpTransfer, type TftpTransferResult } from '../../../src/tftp/service/transfer.ts';
import type { TftpOptionList } from '../../../src/tftp/packet.ts';
import type { TftpEndpoint } from '../../../src/tftp/service/transport.ts';
import { ack, CLIENT, describeAll, errorPacket, FakeChannel, FakeClock, MapFiles, pattern, settle, type SentDatagram } from './support.ts';

async function ticks(): Promise<void> {
  for (let i = 0; i < 3; i++) await null;
}

interface Setup {
  readonly size?: number;
  readonly bytes?: Uint8Array;
  readonly blksize?: number;
  readonly windowsize?: number;
  readonly timeoutMs?: number;
  readonly maxRetransmits?: number;
  readonly maxBackoffMs?: number;
  readonly oack?: TftpOptionList;
  readonly slots?: number;
  readonly disk?: boolean;
  readonly mode?: 'octet' | 'netascii';
  readonly failReadsAt?: number;
}

async function setup(o: Setup = {}) {
  const clock = new FakeClock();
  const sent: SentDatagram[] = [];
  const channel = new FakeChannel({ address: '192.0.2.1', port: 40000 }, sent, clock);
  const files = new MapFiles();
  const bytes = o.bytes ?? pattern(o.size ?? 2000);
  files.files.set('f', { bytes, ...(o.disk ? { disk: true } : {}) });
  if (o.failReadsAt !== undefined) files.failReadsAt = o.failReadsAt;
  const resolved = await files.resolve('f');
  assert.ok(resolved.ok);
  const blksize = o.blksize ?? 512;
  const windowsize = o.windowsize ?? 1;
  const results: TftpTransferResult[] = [];
  const pool = new BufferPool(blksize + 4 < 516 ? 516 : blksize + 4, o.slots ?? 256);
  const transfer = new TftpTransfer({
    client: CLIENT,
    channel,
    clock,
    pool,
    source: createBlockSource({ files, file: resolved.file, mode: o.mode ?? 'octet', blksize, windowsize }),
    blksize,
    windowsize,
    timeoutMs: o.timeoutMs ?? 1000,
    maxRetransmits: o.maxRetransmits ?? 5,
    maxBackoffMs: o.maxBackoffMs ?? 30_000,
    oack: o.oack ?? [],
    onEnd: (r) => results.push(r),
  });
  const t = {
    clock,
    channel,
    transfer,
    results,
    bytes,
    pool,
    /** Datagrams sent since the last take(), described. */
    take(): string[] {
      return describeAll(sent.splice(0));
    },
    takeRaw(): SentDatagram[] {
      return sent.splice(0);
    },
    async start(): Promise<void> {
      transfer.start();
      await settle();
    },
    async from(bytesIn: Uint8Array, who: TftpEndpoint = CLIENT): Promise<void> {
      transfer.receive(bytesIn, who);
      await settle();
    },
  };
  return t;
}

/** Plays an RFC 7440 client that receives everything and ACKs each window's last block. */
async function drain(t: Awaited<ReturnType<typeof setup>>, windowsize: number): Promise<{ data: Uint8Array; wireBlocks: number[] }> {
  const chunks: Uint8Array[] = [];
  const wireBlocks: number[] = [];
  for (let guard = 0; guard < 1_000_000 && t.results.length === 0; guard++) {
    const got = t.takeRaw();
    assert.ok(got.length > 0 && got.length <= windowsize, `expected 1..${windowsize} DATA, got ${got.length}`);
    let last = 0;
    for (const s of got) {
      assert.equal(s.packet.kind, 'data');
      if (s.packet.kind !== 'data') break;
      chunks.push(Uint8Array.from(s.packet.payload));
      wireBlocks.push(s.packet.block);
      last = s.packet.block;
    }
    await t.from(ack(last));
  }
  return { data: Buffer.concat(chunks), wireBlocks };
}

describe('TftpTransfer, lock-step (RFC 1350)', () => {
  const sizes: { size: number; blocks: number; last: number }[] = [
    { size: 0, blocks: 1, last: 0 },
    { size: 1, blocks: 1, last: 1 },
    { size: 511, blocks: 1, last: 511 },
    { size: 512, blocks: 2, last: 0 }, // a full last block is followed by an empty one
    { size: 513, blocks: 2, last: 1 },
    { size: 1536, blocks: 4, last: 0 },
  ];
  for (const c of sizes) {
    test(`a ${c.size}-byte file goes out as ${c.blocks} block(s), the last with ${c.last} bytes, and completes`, async () => {
      const t = await setup({ size: c.size });
      await t.start();
      const { data, wireBlocks } = await drain(t, 1);
      assert.deepEqual(wireBlocks, Array.from({ length: c.blocks }, (_, i) => i + 1));
      assert.deepEqual(data, Buffer.from(t.bytes));
      assert.equal(t.results.length, 1);
      const r = t.results[0]!;
      assert.equal(r.outcome, TftpOutcome.Complete);
      assert.equal(r.blocks, c.blocks);
      assert.equal(r.bytes, c.size);
      assert.equal(r.retransmits, 0);
      assert.equal(t.pool.stats().inUse, 0);
    });
  }

  test('a duplicate ACK never causes a duplicate DATA (Sorcerer\'s Apprentice, RFC 1123 §4.2.3.1)', async () => {
    const t = await setup({ size: 2000 });
    await t.start();
    assert.deepEqual(t.take(), ['DATA 1 (512)']);
    await t.from(ack(1));
    assert.deepEqual(t.take(), ['DATA 2 (512)']);
    await t.from(ack(1));
    await t.from(ack(1));
    assert.deepEqual(t.take(), []);
    await t.from(ack(2));
    assert.deepEqual(t.take(), ['DATA 3 (512)']);
    await t.from(ack(3));
    assert.deepEqual(t.take(), ['DATA 4 (464)']);
    await t.from(ack(4));
    assert.equal(t.results[0]?.outcome, TftpOutcome.Complete);
    assert.equal(t.results[0]?.duplicateAcks, 2);
    assert.equal(t.results[0]?.packets, 4);
  });

  test('an ACK for a block not yet sent is ignored', async () => {
    const t = await setup({ size: 2000 });
    await t.start();
    t.take();
    await t.from(ack(3));
    assert.deepEqual(t.take(), []);
    await t.from(ack(1));
    assert.deepEqual(t.take(), ['DATA 2 (512)']);
  });
});

describe('TftpTransfer, windows (RFC 7440)', () => {
  test('sends windowsize blocks, then the next window when the last one is ACKed', async () => {
    const t = await setup({ size: 5000, windowsize: 4, oack: [['windowsize', '4']] });
    await t.start();
    assert.deepEqual(t.take(), ['OACK windowsize=4']);
    await t.from(ack(0));
    assert.deepEqual(t.take(), ['DATA 1 (512)', 'DATA 2 (512)', 'DATA 3 (512)', 'DATA 4 (512)']);
    await t.from(ack(4));
    assert.deepEqual(t.take(), ['DATA 5 (512)', 'DATA 6 (512)', 'DATA 7 (512)', 'DATA 8 (512)']);
    await t.from(ack(8));
    assert.deepEqual(t.take(), ['DATA 9 (512)', 'DATA 10 (392)']);
    await t.from(ack(10));
    assert.equal(t.results[0]?.outcome, TftpOutcome.Complete);
    assert.equal(t.results[0]?.bytes, 5000);
  });

  test('an ACK for an earlier block of the window restarts the window after it (RFC 7440 §4)', async () => {
    const t = await setup({ size: 5000, windowsize: 4, oack: [['windowsize', '4']] });
    await t.start();
    await t.from(ack(0));
    t.take();
    await t.from(ack(2)); // block 3 was lost
    assert.deepEqual(t.take(), ['DATA 3 (512)', 'DATA 4 (512)', 'DATA 5 (512)', 'DATA 6 (512)']);
    await t.from(ack(2)); // the same ACK again: nothing new is acknowledged, nothing is resent
    await t.from(ack(1)); // an older, delayed ACK
    assert.deepEqual(t.take(), []);
    await t.from(ack(6));
    assert.deepEqual(t.take(), ['DATA 7 (512)', 'DATA 8 (512)', 'DATA 9 (512)', 'DATA 10 (392)']);
    await t.from(ack(10));
    const r = t.results[0]!;
    assert.equal(r.outcome, TftpOutcome.Complete);
    assert.equal(r.retransmits, 2); // blocks 3 and 4 went out twice
    assert.equal(r.duplicateAcks, 1);
  });

  test('a duplicated ACK of a window end never sends the next window twice', async () => {
    const t = await setup({ size: 10_000, windowsize: 8, oack: [['windowsize', '8']] });
    await t.start();
    await t.from(ack(0));
    await t.from(ack(0));
    assert.equal(t.take().length, 9); // OACK + one window
    await t.from(ack(8));
    await t.from(ack(8));
    await t.from(ack(8));
    assert.equal(t.take().length, 8);
  });

  test('an ACK arriving while a disk window is still being read restarts cleanly', async () => {
    const t = await setup({ size: 300_000, windowsize: 16, blksize: 1024, disk: true, oack: [['windowsize', '16']] });
    await t.start();
    t.transfer.receive(ack(0), CLIENT);
    t.transfer.receive(ack(0), CLIENT); // duplicate while the first window is in flight
    await settle();
    const first = t.take();
    assert.deepEqual(first.slice(0, 3), ['OACK windowsize=16', 'DATA 1 (1024)', 'DATA 2 (1024)']);
    assert.equal(first.length, 17);
    await t.from(ack(16));
    const { data } = await drain(t, 16);
    assert.deepEqual(Buffer.concat([Buffer.from(t.bytes.subarray(0, 16 * 1024)), data]), Buffer.from(t.bytes));
  });
});

describe('TftpTransfer, retransmission', () => {
  test('resends after the timeout, doubling the wait, and gives up with ERROR 0 after maxRetransmits', async () => {
    const t = await setup({ size: 2000, timeoutMs: 1000, maxRetransmits: 5, maxBackoffMs: 10_000 });
    const t0 = t.clock.now();
    await t.start();
    const times: number[] = [];
    const record = () => {
      for (const s of t.takeRaw()) times.push(s.at - t0);
    };
    record();
    await t.clock.advance(120_000);
    record();
    // DATA 1 at 0, resent at 1 s, 3 s, 7 s, 15 s, 25 s (the 5th wait capped at 10 s), then the
    // ERROR after another 10 s.
    assert.deepEqual(times, [0, 1000, 3000, 7000, 15_000, 25_000, 35_000]);
    const r = t.results[0]!;
    assert.equal(r.outcome, TftpOutcome.Timeout);
    assert.equal(r.retransmits, 5);
    assert.equal(r.packets, 7);
  });

  test('the give-up is announced with ERROR 0 to the client', async () => {
    const t = await setup({ size: 100, maxRetransmits: 1 });
    await t.start();
    await t.clock.advance(10_000);
    assert.deepEqual(t.take(), ['DATA 1 (100)', 'DATA 1 (100)', 'ERROR 0 Transfer timed out']);
  });

  test('a timeout resends the whole window from its first unacknowledged block', async () => {
    const t = await setup({ size: 5000, windowsize: 4, oack: [['windowsize', '4']] });
    await t.start();
    await t.from(ack(0));
    await t.from(ack(4));
    t.take();
    await t.clock.advance(1000);
    assert.deepEqual(t.take(), ['DATA 5 (512)', 'DATA 6 (512)', 'DATA 7 (512)', 'DATA 8 (512)']);
  });

  test('progress resets the backoff', async () => {
    const t = await setup({ size: 5000 });
    await t.start();
    await t.clock.advance(1000);
    await t.clock.advance(2000);
    assert.equal(t.take().length, 3);
    await t.from(ack(1));
    t.take();
    assert.deepEqual(t.clock.pending(), [1000]);
  });

  test('a lost OACK is resent; ACK 0 then starts the data', async () => {
    const t = await setup({ size: 100, oack: [['blksize', '512']] });
    await t.start();
    await t.clock.advance(1000);
    assert.deepEqual(t.take(), ['OACK blksize=512', 'OACK blksize=512']);
    await t.from(ack(0));
    assert.deepEqual(t.take(), ['DATA 1 (100)']);
  });

  test('a full pool pauses the window until send slots come back, then it continues', async () => {
    const t = await setup({ size: 5000, windowsize: 4, slots: 2 });
    t.channel.hold = true;
    await t.start();
    assert.deepEqual(t.take(), ['DATA 1 (512)', 'DATA 2 (512)']);
    await t.clock.advance(1); // still no slot: wait again
    assert.deepEqual(t.take(), []);
    t.channel.release();
    await settle();
    await t.clock.advance(1);
    assert.deepEqual(t.take(), ['DATA 3 (512)', 'DATA 4 (512)']);
    assert.equal(t.pool.stats().exhausted, 2);
    assert.deepEqual(t.clock.pending(), [1000]); // the window is out: the retransmission timer runs
  });

  test('a pool that stays empty for a whole timeout falls back to the retransmission timer', async () => {
    const t = await setup({ size: 5000, windowsize: 4, slots: 2, timeoutMs: 10, maxRetransmits: 1 });
    t.channel.hold = true;
    await t.start();
    await t.clock.advance(10);
    assert.deepEqual(t.clock.pending(), [10]);
    await t.clock.advance(100);
    assert.equal(t.results[0]?.outcome, TftpOutcome.Timeout);
  });
});

describe('TftpTransfer, block numbers past 65535', () => {
  test('block 65536 goes out as 0 and wrapped ACKs complete the transfer', async () => {
    // blksize 8 keeps the file small: 65 546 blocks, the last one short.
    const size = 8 * 65_545 + 3;
    const t = await setup({ size, blksize: 8, windowsize: 64, oack: [['blksize', '8'], ['windowsize', '64']] });
    await t.start();
    t.take();
    await t.from(ack(0));
    const { data, wireBlocks } = await drain(t, 64);
    assert.equal(wireBlocks.length, 65_546);
    assert.deepEqual(wireBlocks.slice(65_533, 65_538), [65_534, 65_535, 0, 1, 2]);
    assert.equal(wireBlocks.at(-1), 10); // block 65 546
    assert.deepEqual(data, Buffer.from(t.bytes));
    assert.equal(t.results[0]?.outcome, TftpOutcome.Complete);
    assert.equal(t.results[0]?.blocks, 65_546);
  });

  test('lock-step across the wrap: ACK 65535 is followed by DATA 0, and ACK 0 by DATA 1', async () => {
    const t = await setup({ size: 8 * 65_537, blksize: 8, oack: [['blksize', '8']] });
    await t.start();
    t.take();
    for (let b = 0; b < 65_534; b++) {
      t.transfer.receive(ack(b), CLIENT);
      await ticks(); // the memory-file block read resolves in a few microtask turns
      if (b % 128 === 0) await settle(); // and send slots come back in (fake) send callbacks
    }
    t.take();
    await t.from(ack(65_534));
    assert.deepEqual(t.take(), ['DATA 65535 (8)']);
    await t.from(ack(65_535));
    assert.deepEqual(t.take(), ['DATA 0 (8)']);
    await t.from(ack(65_535)); // duplicate across the wrap
    assert.deepEqual(t.take(), []);
    await t.from(ack(0));
    assert.deepEqual(t.take(), ['DATA 1 (8)']);
  });
});

describe('TftpTransfer, peers and errors', () => {
  const stranger: TftpEndpoint = { address: CLIENT.address, port: CLIENT.port + 1 };
  const elsewhere: TftpEndpoint = { address: '198.51.100.9', port: CLIENT.port };

  for (const who of [stranger, elsewhere]) {
    test(`a packet from ${who.address}:${who.port} (wrong TID) gets ERROR 5 and the transfer goes on`, async () => {
      const t = await setup({ size: 1000 });
      await t.start();
      t.take();
      await t.from(ack(1), who);
      const raw = t.takeRaw();
      assert.deepEqual(describeAll(raw), ['ERROR 5 Unknown transfer ID']);
      assert.deepEqual(raw[0]?.to, who);
      await t.from(ack(1));
      assert.deepEqual(t.take(), ['DATA 2 (488)']);
      await t.from(ack(2));
      assert.equal(t.results[0]?.outcome, TftpOutcome.Complete);
      assert.equal(t.results[0]?.wrongTid, 1);
    });
  }

  test('an ERROR from a wrong TID is not answered', async () => {
    const t = await setup({ size: 1000 });
    await t.start();
    t.take();
    await t.from(errorPacket(5, 'who are you'), stranger);
    assert.deepEqual(t.take(), []);
    assert.equal(t.results.length, 0);
  });

  const errorCases: { name: string; oack: TftpOptionList; afterAck0: boolean; code: number; outcome: string }[] = [
    { name: 'ERROR 8 after an OACK with tsize is the UEFI size probe', oack: [['tsize', '1000']], afterAck0: false, code: 8, outcome: TftpOutcome.SizeProbe },
    { name: 'ERROR 8 after an OACK without tsize is a refusal of the options', oack: [['blksize', '1024']], afterAck0: false, code: 8, outcome: TftpOutcome.OptionsRefused },
    { name: 'another ERROR after the OACK is a client error', oack: [['tsize', '1000']], afterAck0: false, code: 0, outcome: TftpOutcome.ClientError },
    { name: 'ERROR 8 during the data is a client error', oack: [['tsize', '1000']], afterAck0: true, code: 8, outcome: TftpOutcome.ClientError },
  ];
  for (const c of errorCases) {
    test(`${c.name}: nothing is sent back`, async () => {
      const t = await setup({ size: 1000, oack: c.oack });
      await t.start();
      if (c.afterAck0) await t.from(ack(0));
      t.take();
      await t.from(errorPacket(c.code, 'User aborted the transfer'));
      assert.deepEqual(t.take(), []);
      assert.equal(t.results[0]?.outcome, c.outcome);
      assert.deepEqual(t.results[0]?.clientError, { code: c.code, message: 'User aborted the transfer' });
      assert.deepEqual(t.clock.pending(), []);
    });
  }

  test('a read failure ends the transfer with ERROR 0', async () => {
    const t = await setup({ size: 200_000, disk: true, failReadsAt: 65_536 });
    await t.start();
    for (let b = 1; b <= 128; b++) await t.from(ack(b));
    const sent = t.take();
    assert.equal(sent.at(-1), 'ERROR 0 Cannot read file');
    assert.equal(t.results[0]?.outcome, TftpOutcome.ReadError);
    assert.match(t.results[0]?.detail ?? '', /disk on fire/);
  });

  test('abort tells the client and ends; later packets are ignored', async () => {
    const t = await setup({ size: 1000 });
    await t.start();
    t.take();
    t.transfer.abort(TftpOutcome.Shutdown, 'Server shutting down');
    await t.from(ack(1));
    assert.deepEqual(t.take(), ['ERROR 0 Server shutting down']);
    assert.equal(t.results.length, 1);
    assert.equal(t.results[0]?.outcome, TftpOutcome.Shutdown);
  });
});

describe('TftpTransfer, netascii', () => {
  test('converts line endings and survives a rewind across a split CR LF', async () => {
    // 511 'a' then LF: the CR ends block 1 and the LF opens block 2.
    const text = new Uint8Array([...new Array<number>(511).fill(0x61), 0x0a, 0x62, 0x0d, 0x63]);
    const t = await setup({ bytes: text, mode: 'netascii', windowsize: 2, oack: [['windowsize', '2']] });
    await t.start();
    assert.deepEqual(t.take(), ['OACK windowsize=2']);
    await t.from(ack(0));
    const first = t.takeRaw();
    assert.deepEqual(describeAll(first), ['DATA 1 (512)', 'DATA 2 (5)']);
    await t.from(ack(0)); // duplicate
    await t.clock.advance(1000); // the window is resent from block 1: the same bytes
    const again = t.takeRaw();
    assert.deepEqual(
      again.map((s) => Buffer.from(s.bytes).toString('hex')),
      first.map((s) => Buffer.from(s.bytes).toString('hex')),
    );
    const block2 = first[1]!.packet;
    assert.ok(block2.kind === 'data');
    assert.deepEqual([...block2.payload], [0x0a, 0x62, 0x0d, 0x00, 0x63]);
    await t.from(ack(2));
    assert.equal(t.results[0]?.outcome, TftpOutcome.Complete);
    assert.equal(t.results[0]?.bytes, 517);
  });
});
