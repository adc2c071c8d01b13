import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BootloopError } from '../../../../src/dhcp/service/bootloop/errors.ts';
import { Journal } from '../../../../src/dhcp/service/bootloop/journal.ts';
import { formatRecord, JOURNAL_HEADER, type JournalRecord } from '../../../../src/dhcp/service/bootloop/journal-record.ts';
import { CountingFs, mac, tempDir } from './support.ts';

function put(n: number): JournalRecord {
  return { op: 'put', lease: { mac: mac(n), ip: 0x0a000000 + n, expiresAt: 1_000_000 + n, grantedAt: 1_000, hostname: `h${n}` } };
}

/** A journal file holding records 1..n, written directly (no Journal involved). */
function writeJournal(path: string, n: number): { bytes: Buffer; ends: number[] } {
  let text = JOURNAL_HEADER;
  const ends: number[] = [];
  for (let i = 1; i <= n; i++) {
    text += formatRecord(put(i));
    ends.push(Buffer.byteLength(text));
  }
  const bytes = Buffer.from(text);
  writeFileSync(path, bytes);
  return { bytes, ends };
}

function isCode(code: string, check: (e: BootloopError) => boolean = () => true) {
  return (err: unknown) => err instanceof BootloopError && err.code === code && check(err);
}

describe('Journal open', () => {
  test('creates a missing file holding only the header', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { journal, recovery } = await Journal.open(path);
    await journal.close();
    assert.equal(recovery.created, true);
    assert.deepEqual(recovery.records, []);
    assert.equal(readFileSync(path, 'utf8'), JOURNAL_HEADER);
  });

  test('appended records come back in order after reopening', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { journal } = await Journal.open(path);
    for (let i = 1; i <= 3; i++) await journal.append(put(i));
    await journal.append({ op: 'del', mac: mac(2) });
    await journal.close();
    const again = await Journal.open(path);
    await again.journal.close();
    assert.deepEqual(again.recovery.records, [put(1), put(2), put(3), { op: 'del', mac: mac(2) }]);
    assert.equal(again.recovery.truncatedBytes, 0);
    assert.equal(again.journal.recordCount, 4);
  });

  test('cutting the file at every byte of the last record drops only that record', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'leases');
    const { bytes, ends } = writeJournal(path, 5);
    const lastStart = ends[3]!;
    for (let cut = lastStart; cut <= bytes.length; cut++) {
      writeFileSync(path, bytes.subarray(0, cut));
      const { journal, recovery } = await Journal.open(path);
      await journal.close();
      const whole = cut === bytes.length;
      assert.equal(recovery.records.length, whole ? 5 : 4, `cut at ${cut}`);
      assert.equal(recovery.truncatedBytes, whole ? 0 : cut - lastStart);
      assert.equal(readFileSync(path).length, whole ? bytes.length : lastStart, 'the torn tail is cut from the file');
      if (!whole && cut > lastStart) assert.equal(recovery.damage?.line, 6);
    }
  });

  test('cutting the file at seeded random offsets keeps exactly the whole records before the cut', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { bytes, ends } = writeJournal(path, 40);
    let seed = 0xc0ffee;
    const next = () => (seed = (seed * 1664525 + 1013904223) >>> 0);
    for (let round = 0; round < 60; round++) {
      const cut = next() % (bytes.length + 1);
      writeFileSync(path, bytes.subarray(0, cut));
      const { journal, recovery } = await Journal.open(path);
      // Appending after recovery must produce a clean file again.
      await journal.append(put(1000));
      await journal.close();
      const whole = ends.filter((e) => e <= cut).length;
      if (cut < JOURNAL_HEADER.length) {
        assert.equal(recovery.created, true, `cut ${cut} inside the header starts a fresh journal`);
      } else {
        assert.deepEqual(recovery.records, Array.from({ length: whole }, (_, i) => put(i + 1)), `cut at ${cut}`);
      }
      const reread = await Journal.open(path);
      await reread.journal.close();
      assert.equal(reread.recovery.truncatedBytes, 0, `cut ${cut}: the repaired file is clean`);
      assert.deepEqual(reread.recovery.records.at(-1), put(1000));
    }
  });

  test('a damaged last record that still ends in LF is cut, like a torn one', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { bytes, ends } = writeJournal(path, 3);
    bytes[ends[1]! + 20]! ^= 0x01;
    writeFileSync(path, bytes);
    const { journal, recovery } = await Journal.open(path);
    await journal.close();
    assert.equal(recovery.records.length, 2);
    assert.equal(recovery.damage?.line, 4);
    assert.equal(recovery.damage?.offset, ends[1]);
    assert.match(recovery.damage?.problem ?? '', /checksum mismatch/);
  });

  test('a damaged record in the middle stops the open, names file, line and offset, and leaves the file alone', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { bytes, ends } = writeJournal(path, 5);
    bytes[ends[0]! + 15]! ^= 0x01; // inside record 2 (line 3)
    writeFileSync(path, bytes);
    await assert.rejects(
      Journal.open(path),
      isCode('ERR_JOURNAL_CORRUPT', (e) => e.file === path && e.line === 3 && e.offset === ends[0] && e.message.startsWith(`${path}:3: byte offset ${ends[0]}:`) && /losing 4 record/.test(e.message)),
    );
    assert.deepEqual(readFileSync(path), bytes);
  });

  test('truncateAtDamage cuts at a damaged middle record when the operator asks', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { bytes, ends } = writeJournal(path, 5);
    bytes[ends[0]! + 15]! ^= 0x01;
    writeFileSync(path, bytes);
    const { journal, recovery } = await Journal.open(path, { truncateAtDamage: true });
    await journal.close();
    assert.deepEqual(recovery.records, [put(1)]);
    assert.equal(readFileSync(path).length, ends[0]);
  });

  test('a record with a valid checksum but invalid contents is an error even at the end', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { bytes } = writeJournal(path, 2);
    const payload = '["put","AA:BB:CC:DD:EE:FF","10.0.0.1",1,1,""]';
    const { crc32 } = await import('node:zlib');
    writeFileSync(path, Buffer.concat([bytes, Buffer.from(`${crc32(payload).toString(16).padStart(8, '0')} ${payload}\n`)]));
    await assert.rejects(Journal.open(path), isCode('ERR_JOURNAL_RECORD', (e) => e.line === 4 && /edited by hand/.test(e.message)));
  });

  const headers: { name: string; bytes: Buffer; message: RegExp }[] = [
    { name: 'the original SQLite lease file', bytes: Buffer.from('SQLite format 3\0 rest of the page'), message: /SQLite database/ },
    { name: 'a future journal format', bytes: Buffer.from('coresmd-ts bootloop journal 9\n'), message: /format 9 is not supported/ },
    { name: 'an unrelated file', bytes: Buffer.from('{"leases":[]}\n'), message: /not a coresmd-ts bootloop journal/ },
  ];
  for (const c of headers) {
    test(`refuses ${c.name} and leaves it untouched`, async (t) => {
      const path = join(tempDir(t), 'leases');
      writeFileSync(path, c.bytes);
      await assert.rejects(Journal.open(path), isCode('ERR_JOURNAL_HEADER', (e) => e.message.startsWith(path) && c.message.test(e.message)));
      assert.deepEqual(readFileSync(path), c.bytes);
    });
  }

  test('removes a compaction tmp file left by a crash and reads the journal beside it', async (t) => {
    const path = join(tempDir(t), 'leases');
    writeJournal(path, 2);
    writeFileSync(`${path}.compact.tmp`, JOURNAL_HEADER + 'half a rec');
    const { journal, recovery } = await Journal.open(path);
    await journal.close();
    assert.equal(recovery.records.length, 2);
    assert.equal(existsSync(`${path}.compact.tmp`), false);
  });
});

describe('Journal group commit', () => {
  test('64 appends made together share one write and one fsync', async (t) => {
    const fs = new CountingFs();
    const { journal } = await Journal.open(join(tempDir(t), 'leases'), { fs });
    const before = { ...fs.counts };
    await Promise.all(Array.from({ length: 64 }, (_, i) => journal.append(put(i + 1))));
    assert.equal(fs.counts.datasync - before.datasync, 1);
    assert.equal(fs.counts.write - before.write, 1);
    assert.equal(journal.recordCount, 64);
    await journal.close();
  });

  test('appends made while a batch is being synced form the next batch', async (t) => {
    const fs = new CountingFs();
    const { journal } = await Journal.open(join(tempDir(t), 'leases'), { fs });
    const before = fs.counts.datasync;
    const first = journal.append(put(1));
    // Let the first batch start, then queue more while its write/fsync is in flight.
    await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: 20 }, (_, i) => journal.append(put(i + 2)));
    await Promise.all([first, ...rest]);
    assert.equal(fs.counts.datasync - before, 2);
    await journal.close();
  });

  test('awaited appends one by one cost one fsync each', async (t) => {
    const fs = new CountingFs();
    const { journal } = await Journal.open(join(tempDir(t), 'leases'), { fs });
    const before = fs.counts.datasync;
    for (let i = 1; i <= 5; i++) await journal.append(put(i));
    assert.equal(fs.counts.datasync - before, 5);
    await journal.close();
  });

  test('an append resolves only after its fsync', async (t) => {
    const fs = new CountingFs();
    const { journal } = await Journal.open(join(tempDir(t), 'leases'), { fs });
    const before = fs.counts.datasync;
    let syncedWhenResolved = -1;
    await journal.append(put(1)).then(() => {
      syncedWhenResolved = fs.counts.datasync - before;
    });
    assert.equal(syncedWhenResolved, 1);
    await journal.close();
  });

  test('a failed fsync rejects that batch, cuts the file back, and later appends still work', async (t) => {
    const fs = new CountingFs();
    const path = join(tempDir(t), 'leases');
    const { journal } = await Journal.open(path, { fs });
    await journal.append(put(1));
    const failing = fs.counts.datasync + 1;
    fs.failIf = (op) => op === 'datasync' && fs.counts.datasync === failing;
    await assert.rejects(Promise.all([journal.append(put(2)), journal.append(put(3))]), /injected datasync failure/);
    fs.failIf = () => false;
    await journal.append(put(4));
    await journal.close();
    const again = await Journal.open(path);
    await again.journal.close();
    assert.deepEqual(again.recovery.records, [put(1), put(4)]);
    assert.equal(again.recovery.truncatedBytes, 0);
  });

  test('when the file cannot be cut back either, every later append is refused', async (t) => {
    const fs = new CountingFs();
    const { journal } = await Journal.open(join(tempDir(t), 'leases'), { fs });
    fs.failIf = (op) => op === 'write' || op === 'truncate';
    await assert.rejects(journal.append(put(1)), isCode('ERR_LEASE_STORE_FAILED', (e) => /injected truncate failure/.test(String(e.cause))));
    fs.failIf = () => false;
    await assert.rejects(journal.append(put(2)), isCode('ERR_LEASE_STORE_FAILED'));
    await journal.close();
  });

  test('appends after close are refused; appends before it are written', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { journal } = await Journal.open(path);
    const pending = journal.append(put(1));
    await journal.close();
    await pending;
    await assert.rejects(journal.append(put(2)), isCode('ERR_LEASE_STORE_CLOSED'));
    const again = await Journal.open(path);
    await again.journal.close();
    assert.deepEqual(again.recovery.records, [put(1)]);
  });
});

describe('Journal rewrite', () => {
  test('replaces the file with the snapshot through tmp, fsync and rename; later appends follow it', async (t) => {
    const fs = new CountingFs();
    const path = join(tempDir(t), 'leases');
    const { journal } = await Journal.open(path, { fs });
    for (let i = 1; i <= 10; i++) await journal.append(put(i));
    const before = { ...fs.counts };
    const rewritten = journal.rewrite(() => [put(3), put(7)]);
    const after = journal.append(put(11));
    await Promise.all([rewritten, after]);
    assert.equal(fs.counts.create - before.create, 1);
    assert.equal(fs.counts.sync - before.sync, 1);
    assert.equal(fs.counts.rename - before.rename, 1);
    assert.equal(journal.recordCount, 3);
    await journal.close();
    assert.equal(readFileSync(path, 'utf8'), JOURNAL_HEADER + formatRecord(put(3)) + formatRecord(put(7)) + formatRecord(put(11)));
    assert.equal(existsSync(`${path}.compact.tmp`), false);
  });

  test('a rewrite that fails before its rename leaves the journal as it was and writable', async (t) => {
    const fs = new CountingFs();
    const path = join(tempDir(t), 'leases');
    const { journal } = await Journal.open(path, { fs });
    await journal.append(put(1));
    fs.failIf = (op) => op === 'sync';
    await assert.rejects(journal.rewrite(() => []), /injected sync failure/);
    fs.failIf = () => false;
    await journal.append(put(2));
    await journal.close();
    assert.equal(existsSync(`${path}.compact.tmp`), false);
    const again = await Journal.open(path);
    await again.journal.close();
    assert.deepEqual(again.recovery.records, [put(1), put(2)]);
  });
});
