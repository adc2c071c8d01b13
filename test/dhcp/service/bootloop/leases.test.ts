import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BootloopError } from '../../../../src/dhcp/service/bootloop/errors.ts';
import { BootloopLeases, type GrantResult } from '../../../../src/dhcp/service/bootloop/leases.ts';
import type { BootloopPoolOptions } from '../../../../src/dhcp/service/bootloop/pools.ts';
import { captureLogger, FakeClock, ip, mac, pool, tempDir } from './support.ts';

const LEASE_MS = 300_000;
const small = [pool('10.0.0.0/24', '10.0.0.10', '10.0.0.12')];
const relayed = [pool('10.40.1.0/24', '10.40.1.10', '10.40.1.200'), pool('10.40.3.0/24', '10.40.3.10', '10.40.3.200')];

async function openLeases(t: { after(fn: () => unknown): void }, pools: readonly BootloopPoolOptions[] = small, file?: string) {
  const clock = new FakeClock();
  const path = file ?? join(tempDir(t), 'leases');
  const logger = captureLogger();
  const { leases, recovery } = await BootloopLeases.open({ file: path, pools, leaseTimeMs: LEASE_MS, clock, logger });
  t.after(() => leases.close());
  return { leases, recovery, clock, path, logger };
}

function addr(r: GrantResult): string | undefined {
  if (!r.ok) return r.reason;
  const v = r.lease.ip;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

describe('BootloopLeases.grant', () => {
  test('new MACs get the lowest free addresses, with expiry now + lease time', async (t) => {
    const { leases, clock } = await openLeases(t);
    const a = await leases.grant({ mac: mac(1), giaddr: 0, hostname: 'n1' });
    const b = await leases.grant({ mac: mac(2), giaddr: 0 });
    assert.deepEqual([addr(a), addr(b)], ['10.0.0.10', '10.0.0.11']);
    assert.ok(a.ok);
    assert.deepEqual(a.lease, { mac: mac(1), ip: ip('10.0.0.10'), expiresAt: clock.now() + LEASE_MS, grantedAt: clock.now(), hostname: 'n1' });
    assert.equal(a.renewed, false);
  });

  test('a MAC that holds an address renews it: same address, later expiry', async (t) => {
    const { leases, clock } = await openLeases(t);
    await leases.grant({ mac: mac(1), giaddr: 0 });
    await leases.grant({ mac: mac(2), giaddr: 0 });
    clock.advance(60_000);
    const again = await leases.grant({ mac: mac(1), giaddr: 0, requested: ip('10.0.0.12') });
    assert.equal(addr(again), '10.0.0.10');
    assert.ok(again.ok && again.renewed);
    assert.equal(leases.get(mac(1))?.expiresAt, clock.now() + LEASE_MS);
  });

  test('the pool is exhausted while every lease is live, and an expired lease frees its address', async (t) => {
    const { leases, clock, path } = await openLeases(t);
    for (let i = 1; i <= 3; i++) await leases.grant({ mac: mac(i), giaddr: 0 });
    const full = await leases.grant({ mac: mac(4), giaddr: 0 });
    assert.equal(addr(full), 'exhausted');
    clock.advance(60_000);
    await leases.grant({ mac: mac(2), giaddr: 0 }); // renews .11 only
    clock.advance(LEASE_MS - 60_000 - 1);
    assert.equal(addr(await leases.grant({ mac: mac(4), giaddr: 0 })), 'exhausted', 'one ms before expiry');
    clock.advance(1);
    // .10 and .12 expired; the lowest is taken, and its old lease is gone.
    assert.equal(addr(await leases.grant({ mac: mac(4), giaddr: 0 })), '10.0.0.10');
    assert.equal(leases.get(mac(1)), undefined);
    assert.equal(leases.byIp(ip('10.0.0.10'))?.mac, mac(4));
    assert.equal(addr(await leases.grant({ mac: mac(5), giaddr: 0 })), '10.0.0.12');
    assert.equal(leases.get(mac(3)), undefined);
    assert.equal(addr(await leases.grant({ mac: mac(6), giaddr: 0 })), 'exhausted');
    await leases.close();
    // The displacement is on disk: reopening shows the same owners.
    const { leases: reopened } = await BootloopLeases.open({ file: path, pools: small, leaseTimeMs: LEASE_MS, clock });
    t.after(() => reopened.close());
    assert.deepEqual(
      [...reopened.store.all()].map((l) => [l.mac, l.ip]).sort(),
      [
        [mac(2), ip('10.0.0.11')],
        [mac(4), ip('10.0.0.10')],
        [mac(5), ip('10.0.0.12')],
      ].sort(),
    );
  });

  test('an expired lease whose address nobody took is renewed for its MAC', async (t) => {
    const { leases, clock } = await openLeases(t);
    await leases.grant({ mac: mac(1), giaddr: 0 });
    clock.advance(LEASE_MS * 3);
    const again = await leases.grant({ mac: mac(1), giaddr: 0 });
    assert.equal(addr(again), '10.0.0.10');
    assert.ok(again.ok && again.renewed);
  });

  const requested: { name: string; held: number; req: string; expect: string }[] = [
    { name: 'a free requested address is honoured', held: 0, req: '10.0.0.12', expect: '10.0.0.12' },
    { name: 'a held requested address gives the lowest free one', held: 1, req: '10.0.0.10', expect: '10.0.0.11' },
    { name: 'a requested address outside the pool gives the lowest free one', held: 0, req: '10.0.0.99', expect: '10.0.0.10' },
  ];
  for (const c of requested) {
    test(c.name, async (t) => {
      const { leases } = await openLeases(t);
      for (let i = 0; i < c.held; i++) await leases.grant({ mac: mac(100 + i), giaddr: 0 });
      assert.equal(addr(await leases.grant({ mac: mac(1), giaddr: 0, requested: ip(c.req) })), c.expect);
    });
  }

  test('release frees the address for the next MAC', async (t) => {
    const { leases } = await openLeases(t);
    await leases.grant({ mac: mac(1), giaddr: 0 });
    await leases.grant({ mac: mac(2), giaddr: 0 });
    assert.equal(await leases.release(mac(1)), true);
    assert.equal(await leases.release(mac(1)), false);
    assert.equal(leases.get(mac(1)), undefined);
    assert.equal(addr(await leases.grant({ mac: mac(3), giaddr: 0 })), '10.0.0.10');
  });

  test('relayed requests draw from the pool of their giaddr', async (t) => {
    const { leases } = await openLeases(t, relayed);
    assert.equal(addr(await leases.grant({ mac: mac(1), giaddr: ip('10.40.3.1') })), '10.40.3.10');
    assert.equal(addr(await leases.grant({ mac: mac(2), giaddr: ip('10.40.1.1') })), '10.40.1.10');
    assert.equal(addr(await leases.grant({ mac: mac(3), giaddr: ip('192.168.0.1') })), 'no-pool-for-giaddr');
    assert.equal(addr(await leases.grant({ mac: mac(4), giaddr: 0 })), 'no-pool-for-ingress');
    assert.equal(addr(await leases.grant({ mac: mac(5), giaddr: 0, ingress: [ip('10.40.1.1')] })), '10.40.1.11');
    assert.equal(leases.get(mac(3)), undefined, 'no lease is stored when there is no pool');
  });

  test('a MAC seen behind another relay moves to that subnet and frees its old address', async (t) => {
    const { leases } = await openLeases(t, relayed);
    await leases.grant({ mac: mac(1), giaddr: ip('10.40.1.1') });
    const moved = await leases.grant({ mac: mac(1), giaddr: ip('10.40.3.1') });
    assert.equal(addr(moved), '10.40.3.10');
    assert.ok(moved.ok && !moved.renewed);
    assert.equal(leases.byIp(ip('10.40.1.10')), undefined);
    assert.equal(addr(await leases.grant({ mac: mac(2), giaddr: ip('10.40.1.1') })), '10.40.1.10');
  });

  test('a MAC that is not in lowercase colon form is refused before anything is reserved', async (t) => {
    const { leases } = await openLeases(t);
    await assert.rejects(leases.grant({ mac: 'AA:BB:CC:DD:EE:FF', giaddr: 0 }), (e: unknown) => e instanceof BootloopError && e.code === 'ERR_LEASE_INVALID');
    assert.deepEqual(leases.poolStats(), [{ name: '10.0.0.0/24', size: 3, available: 3 }]);
  });

  test('poolStats counts what a new lease could take now', async (t) => {
    const { leases, clock } = await openLeases(t, relayed);
    await leases.grant({ mac: mac(1), giaddr: ip('10.40.1.1') });
    assert.deepEqual(leases.poolStats(), [
      { name: '10.40.1.0/24', size: 191, available: 190 },
      { name: '10.40.3.0/24', size: 191, available: 191 },
    ]);
    clock.advance(LEASE_MS);
    assert.equal(leases.poolStats()[0]?.available, 191);
  });
});

describe('BootloopLeases.open', () => {
  test('stored leases keep their addresses across a restart; expired ones are available again', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'leases');
    const clock = new FakeClock();
    const first = await BootloopLeases.open({ file, pools: small, leaseTimeMs: LEASE_MS, clock });
    await first.leases.grant({ mac: mac(1), giaddr: 0 }); // .10, expires at T+5m
    clock.advance(LEASE_MS / 2);
    await first.leases.grant({ mac: mac(2), giaddr: 0 }); // .11, expires at T+7.5m
    await first.leases.close();

    const second = await BootloopLeases.open({ file, pools: small, leaseTimeMs: LEASE_MS, clock });
    t.after(() => second.leases.close());
    assert.equal(addr(await second.leases.grant({ mac: mac(3), giaddr: 0 })), '10.0.0.12');
    clock.advance(LEASE_MS / 2);
    assert.equal(addr(await second.leases.grant({ mac: mac(4), giaddr: 0 })), '10.0.0.10', 'mac 1 expired');
    assert.equal(second.leases.get(mac(2))?.ip, ip('10.0.0.11'));
  });

  test('leases outside every pool after a config change are kept, reported and logged', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'leases');
    const clock = new FakeClock();
    const first = await BootloopLeases.open({ file, pools: relayed, leaseTimeMs: LEASE_MS, clock });
    await first.leases.grant({ mac: mac(1), giaddr: ip('10.40.1.1') });
    await first.leases.grant({ mac: mac(2), giaddr: ip('10.40.3.1') });
    await first.leases.close();

    const logger = captureLogger();
    const { leases, recovery } = await BootloopLeases.open({ file, pools: [relayed[1]!], leaseTimeMs: LEASE_MS, clock, logger });
    t.after(() => leases.close());
    assert.deepEqual(recovery.outsidePools.map((l) => l.mac), [mac(1)]);
    const kept = leases.get(mac(1));
    assert.ok(kept !== undefined && !leases.inPool(kept));
    assert.ok(leases.inPool(leases.get(mac(2))!));
    assert.ok(logger.lines.some((l) => l.level === 'warn' && l.fields['count'] === 1 && /outside every pool/.test(l.msg)));
    // Granting that MAC again moves it into a configured pool.
    assert.equal(addr(await leases.grant({ mac: mac(1), giaddr: ip('10.40.3.1') })), '10.40.3.11');
  });

  test('invalid pools stop the open before the file is touched', async (t) => {
    const file = join(tempDir(t), 'leases');
    await assert.rejects(
      BootloopLeases.open({ file, pools: [pool('10.0.0.0/24', '10.0.1.1', '10.0.1.2')], leaseTimeMs: LEASE_MS, clock: new FakeClock() }),
      (e: unknown) => e instanceof BootloopError && e.code === 'ERR_BOOTLOOP_POOL',
    );
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(file), false);
  });
});
