import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BootloopError } from '../../../../src/dhcp/service/bootloop/errors.ts';
import { formatRecord, JOURNAL_HEADER } from '../../../../src/dhcp/service/bootloop/journal-record.ts';
import type { BootloopLease } from '../../../../src/dhcp/service/bootloop/lease.ts';
import { LeaseStore } from '../../../../src/dhcp/service/bootloop/lease-store.ts';
import { captureLogger, CountingFs, ip, mac, tempDir } from './support.ts';

const T0 = 1_741_111_200_000;

function lease(n: number, over: Partial<BootloopLease> = {}): BootloopLease {
  return { mac: mac(n), ip: ip('10.0.0.0') + n, expiresAt: T0 + 300_000, grantedAt: T0, hostname: '', ...over };
}

function byMac(leases: Iterable<BootloopLease>): BootloopLease[] {
  return [...leases].sort((a, b) => a.mac.localeCompare(b.mac));
}

/** The leases a journal file holds, by replaying it with a fresh store. */
async function reopen(path: string): Promise<BootloopLease[]> {
  const { store } = await LeaseStore.open(path);
  const all = byMac(store.all());
  await store.close();
  return all;
}

function isCode(code: string) {
  return (err: unknown) => err instanceof BootloopError && err.code === code;
}

describe('LeaseStore', () => {
  test('put, get, byIp and size reflect the leases; reopening gives the same leases', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { store, recovery } = await LeaseStore.open(path);
    assert.equal(recovery.created, true);
    await Promise.all([store.put(lease(1)), store.put(lease(2, { hostname: 'n2' }))]);
    assert.equal(store.size, 2);
    assert.deepEqual(store.get(mac(2)), lease(2, { hostname: 'n2' }));
    assert.equal(store.byIp(ip('10.0.0.1'))?.mac, mac(1));
    assert.equal(store.byIp(ip('10.0.0.3')), undefined);
    await store.close();
    assert.deepEqual(await reopen(path), [lease(1), lease(2, { hostname: 'n2' })]);
  });

  test('live(now) skips expired leases; all() and size keep them', async (t) => {
    const { store } = await LeaseStore.open(join(tempDir(t), 'leases'));
    await store.put(lease(1, { expiresAt: T0 + 10 }));
    await store.put(lease(2, { expiresAt: T0 + 20 }));
    assert.deepEqual([...store.live(T0 + 10)].map((l) => l.mac), [mac(2)]);
    assert.deepEqual([...store.live(T0 + 20)], []);
    assert.equal([...store.all()].length, 2);
    assert.equal(store.size, 2);
    await store.close();
  });

  test('a MAC moving to another address frees the old one', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { store } = await LeaseStore.open(path);
    await store.put(lease(1));
    await store.put(lease(1, { ip: ip('10.0.0.50') }));
    assert.equal(store.byIp(ip('10.0.0.1')), undefined);
    assert.equal(store.byIp(ip('10.0.0.50'))?.mac, mac(1));
    await store.put(lease(2, { ip: ip('10.0.0.1') }));
    await store.close();
    assert.deepEqual((await reopen(path)).map((l) => [l.mac, l.ip]), [
      [mac(1), ip('10.0.0.50')],
      [mac(2), ip('10.0.0.1')],
    ]);
  });

  test('put of an address another MAC holds is refused and changes nothing', async (t) => {
    const { store } = await LeaseStore.open(join(tempDir(t), 'leases'));
    await store.put(lease(1));
    await assert.rejects(store.put(lease(2, { ip: lease(1).ip })), isCode('ERR_LEASE_IP_HELD'));
    assert.equal(store.get(mac(2)), undefined);
    assert.equal(store.byIp(lease(1).ip)?.mac, mac(1));
    await store.close();
  });

  const invalid: [string, Partial<BootloopLease>][] = [
    ['an upper-case MAC', { mac: 'AA:BB:CC:DD:EE:FF' }],
    ['a dashed MAC', { mac: 'aa-bb-cc-dd-ee-ff' }],
    ['an address above 2^32-1', { ip: 2 ** 32 }],
    ['a NaN expiry', { expiresAt: Number.NaN }],
  ];
  for (const [name, over] of invalid) {
    test(`put of a lease with ${name} is refused`, async (t) => {
      const { store } = await LeaseStore.open(join(tempDir(t), 'leases'));
      await assert.rejects(store.put(lease(1, over)), isCode('ERR_LEASE_INVALID'));
      assert.equal(store.size, 0);
      await store.close();
    });
  }

  test('delete removes the lease and frees its address, durably; deleting a missing MAC is false', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { store } = await LeaseStore.open(path);
    await store.put(lease(1));
    await store.put(lease(2));
    assert.equal(await store.delete(mac(1)), true);
    assert.equal(await store.delete(mac(1)), false);
    assert.equal(await store.delete(mac(9)), false);
    assert.equal(store.byIp(lease(1).ip), undefined);
    await store.put(lease(3, { ip: lease(1).ip }));
    await store.close();
    assert.deepEqual((await reopen(path)).map((l) => l.mac), [mac(2), mac(3)]);
  });

  test('a delete and a put issued together land in one fsync, in order', async (t) => {
    const fs = new CountingFs();
    const path = join(tempDir(t), 'leases');
    const { store } = await LeaseStore.open(path, { fs });
    await store.put(lease(1, { expiresAt: T0 }));
    const before = fs.counts.datasync;
    await Promise.all([store.delete(mac(1)), store.put(lease(2, { ip: lease(1).ip }))]);
    assert.equal(fs.counts.datasync - before, 1);
    await store.close();
    assert.deepEqual((await reopen(path)).map((l) => [l.mac, l.ip]), [[mac(2), lease(1).ip]]);
  });

  test('64 concurrent puts share fsyncs', async (t) => {
    const fs = new CountingFs();
    const { store } = await LeaseStore.open(join(tempDir(t), 'leases'), { fs });
    const before = fs.counts.datasync;
    await Promise.all(Array.from({ length: 64 }, (_, i) => store.put(lease(i + 1))));
    assert.equal(fs.counts.datasync - before, 1);
    await store.close();
  });

  test('compact() leaves exactly one put per current lease, expired ones included', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { store } = await LeaseStore.open(path);
    for (let i = 1; i <= 20; i++) await store.put(lease(i));
    for (let i = 1; i <= 20; i += 2) await store.delete(mac(i));
    for (let round = 1; round <= 3; round++) await store.put(lease(4, { expiresAt: T0 + round, grantedAt: T0 + round }));
    await store.put(lease(6, { expiresAt: 1 })); // long expired, still a record
    const expected = byMac(store.all());
    await store.compact();
    assert.equal(store.journalRecords, store.size);
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.shift(), JOURNAL_HEADER.trimEnd());
    assert.equal(lines.pop(), '');
    assert.deepEqual(lines.sort(), expected.map((l) => formatRecord({ op: 'put', lease: l }).trimEnd()).sort());
    await store.put(lease(21));
    await store.close();
    assert.deepEqual(await reopen(path), byMac([...expected, lease(21)]));
  });

  test('compacts by itself once the journal holds compactRatio records per lease', async (t) => {
    const path = join(tempDir(t), 'leases');
    const { store } = await LeaseStore.open(path, { compactRatio: 3, compactMinRecords: 20 });
    for (let i = 1; i <= 5; i++) await store.put(lease(i));
    let peak = 0;
    for (let round = 1; round <= 200; round++) {
      await store.put(lease(1 + (round % 5), { expiresAt: T0 + round }));
      peak = Math.max(peak, store.journalRecords);
    }
    await store.close();
    // Threshold: max(20, 3 × 5 leases); the check runs as writes are queued, so allow a few more.
    assert.ok(peak <= 22, `journal grew to ${peak} records`);
    assert.equal((await reopen(path)).length, 5);
  });

  test('opening a journal with superseded records compacts it; a clean one is left alone', async (t) => {
    const path = join(tempDir(t), 'leases');
    writeFileSync(
      path,
      JOURNAL_HEADER + formatRecord({ op: 'put', lease: lease(1) }) + formatRecord({ op: 'put', lease: lease(2) }) + formatRecord({ op: 'del', mac: mac(1) }),
    );
    const first = await LeaseStore.open(path);
    await first.store.close();
    assert.equal(first.recovery.records, 3);
    assert.equal(first.recovery.leases, 1);
    assert.equal(first.recovery.compacted, true);
    assert.equal(readFileSync(path, 'utf8'), JOURNAL_HEADER + formatRecord({ op: 'put', lease: lease(2) }));
    const second = await LeaseStore.open(path);
    await second.store.close();
    assert.equal(second.recovery.compacted, false);
  });

  test('two MACs holding one address on disk: the later record wins, loudly, and the file is repaired', async (t) => {
    const path = join(tempDir(t), 'leases');
    const shared = ip('10.0.0.7');
    writeFileSync(
      path,
      JOURNAL_HEADER +
        formatRecord({ op: 'put', lease: lease(1, { ip: shared }) }) +
        formatRecord({ op: 'put', lease: lease(2, { ip: shared, grantedAt: T0 + 5 }) }) +
        formatRecord({ op: 'put', lease: lease(3) }),
    );
    const logger = captureLogger();
    const { store, recovery } = await LeaseStore.open(path, { logger });
    await store.close();
    assert.deepEqual(recovery.duplicates, [{ ip: shared, kept: lease(2, { ip: shared, grantedAt: T0 + 5 }), dropped: lease(1, { ip: shared }) }]);
    assert.equal(store.get(mac(1)), undefined);
    assert.equal(store.byIp(shared)?.mac, mac(2));
    const errors = logger.lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1);
    assert.deepEqual([errors[0]?.fields['ip'], errors[0]?.fields['dropped']], ['10.0.0.7', `${mac(1)} 10.0.0.7`]);
    assert.deepEqual((await reopen(path)).map((l) => l.mac), [mac(2), mac(3)]);
  });

  test('a torn tail is reported in the recovery and the store works on', async (t) => {
    const path = join(tempDir(t), 'leases');
    const full = JOURNAL_HEADER + formatRecord({ op: 'put', lease: lease(1) }) + formatRecord({ op: 'put', lease: lease(2) });
    writeFileSync(path, full.slice(0, -7));
    const { store, recovery } = await LeaseStore.open(path);
    assert.equal(recovery.truncatedBytes, formatRecord({ op: 'put', lease: lease(2) }).length - 7);
    assert.equal(recovery.damage?.line, 3);
    await store.put(lease(3));
    await store.close();
    assert.deepEqual((await reopen(path)).map((l) => l.mac), [mac(1), mac(3)]);
  });

  test('put and delete after close are refused', async (t) => {
    const { store } = await LeaseStore.open(join(tempDir(t), 'leases'));
    await store.put(lease(1));
    await store.close();
    await assert.rejects(store.put(lease(2)), isCode('ERR_LEASE_STORE_CLOSED'));
    await assert.rejects(store.delete(mac(1)), isCode('ERR_LEASE_STORE_CLOSED'));
  });
});
