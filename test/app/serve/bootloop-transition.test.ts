// How the bootloop lease store moves from one chain generation to the next on reload: kept
// open, opened before the swap, reopened after the drain, or closed; never open twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { nullLogger } from '../../../src/seams/logger.ts';
import { loadCoredhcpConfig } from '../../../src/app/config/coredhcp-config.ts';
import type { BootloopConfig } from '../../../src/app/config/bootloop-config.ts';
import { openLeases, planBootloop } from '../../../src/app/serve/bootloop-transition.ts';
import { ip } from '../../dhcp/service/support.ts';
import { workdir, type Workdir } from './support.ts';

const clock = { now: () => 1_700_000_000_000, setTimer: () => ({ cancel() {} }) };
const deps = { clock, logger: nullLogger };

function bootloop(file: string, o: { pool?: string; leaseTime?: string } = {}): BootloopConfig {
  const cfg = loadCoredhcpConfig(
    `server4:
  plugins:
    - bootloop: |
        lease_file=${file}
        lease_time=${o.leaseTime ?? '5m'}
        subnet_pool=${o.pool ?? '172.16.0.0/24,172.16.0.156,172.16.0.200'}
`,
    'coredhcp.yaml',
  );
  const p = cfg.server4?.plugins[0];
  assert.ok(p?.name === 'bootloop');
  return p.config;
}

const grant = (mac: string) => ({ mac, giaddr: 0, ingress: [ip('172.16.0.253')] });

describe('planBootloop', () => {
  let w: Workdir;
  before(() => (w = workdir('coresmd-bootloop-')));
  after(() => w.remove());

  test('no store before: the new one is opened before the swap', async () => {
    const file = join(w.dir, 'a.leases');
    const t = await planBootloop(undefined, bootloop(file), deps);
    assert.equal(t.kind, 'open');
    assert.equal(t.ref?.kind, 'now');
    const opened = await t.finish();
    assert.ok(opened !== undefined && t.ref?.kind === 'now' && opened.leases === t.ref.leases);
    await opened.leases.close();
  });

  test('same lease_file, pools and lease_time: the open store is kept (same object, still writable)', async () => {
    const file = join(w.dir, 'b.leases');
    const prev = await openLeases(bootloop(file), deps);
    const t = await planBootloop(prev, bootloop(file), deps);
    assert.equal(t.kind, 'reuse');
    assert.ok(t.ref?.kind === 'now' && t.ref.leases === prev.leases);
    const next = await t.finish();
    assert.equal(next?.leases, prev.leases);
    assert.equal((await prev.leases.grant(grant('02:00:00:00:00:01'))).ok, true);
    await prev.leases.close();
  });

  test('another lease_file: opened before the swap, the old one closed only by finish()', async () => {
    const prev = await openLeases(bootloop(join(w.dir, 'c1.leases')), deps);
    const t = await planBootloop(prev, bootloop(join(w.dir, 'c2.leases')), deps);
    assert.equal(t.kind, 'open');
    assert.equal((await prev.leases.grant(grant('02:00:00:00:00:02'))).ok, true, 'the old store serves until the old chain is done');
    const next = await t.finish();
    await assert.rejects(prev.leases.grant(grant('02:00:00:00:00:03')), /closed/);
    assert.ok(next !== undefined && next.leases !== prev.leases);
    await next.leases.close();
  });

  test('same lease_file, new pools: reopened after finish(); the new chain waits for it; leases survive', async () => {
    const file = join(w.dir, 'd.leases');
    const prev = await openLeases(bootloop(file), deps);
    const g = await prev.leases.grant(grant('02:00:00:00:00:04'));
    assert.ok(g.ok);
    const t = await planBootloop(prev, bootloop(file, { pool: '172.16.0.0/24,172.16.0.100,172.16.0.200' }), deps);
    assert.equal(t.kind, 'reopen');
    assert.equal(t.ref?.kind, 'later');
    let resolved = false;
    if (t.ref?.kind === 'later') void t.ref.leases.then(() => (resolved = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(resolved, false, 'the store is not opened twice');
    const next = await t.finish();
    assert.ok(next !== undefined && t.ref?.kind === 'later' && (await t.ref.leases) === next.leases);
    assert.equal(next.leases.get('02:00:00:00:00:04')?.ip, g.lease.ip);
    assert.equal(next.leases.poolStats()[0]?.size, 101);
    await next.leases.close();
  });

  test('same lease_file, new lease_time: reopened too', async () => {
    const file = join(w.dir, 'e.leases');
    const prev = await openLeases(bootloop(file), deps);
    const t = await planBootloop(prev, bootloop(file, { leaseTime: '10m' }), deps);
    assert.equal(t.kind, 'reopen');
    const next = await t.finish();
    await next?.leases.close();
  });

  test('new pools that overlap are refused before anything changes', async () => {
    const file = join(w.dir, 'f.leases');
    const prev = await openLeases(bootloop(file), deps);
    const overlapping = bootloop(file);
    const bad: BootloopConfig = {
      ...overlapping,
      pools: { kind: 'subnets', pools: [...(overlapping.pools.kind === 'subnets' ? overlapping.pools.pools : []), ...(overlapping.pools.kind === 'subnets' ? overlapping.pools.pools : [])] },
    };
    await assert.rejects(planBootloop(prev, bad, deps));
    assert.equal((await prev.leases.grant(grant('02:00:00:00:00:05'))).ok, true);
    await prev.leases.close();
  });

  test('bootloop removed: finish() closes the store', async () => {
    const prev = await openLeases(bootloop(join(w.dir, 'g.leases')), deps);
    const t = await planBootloop(prev, undefined, deps);
    assert.equal(t.kind, 'close');
    assert.equal(t.ref, undefined);
    assert.equal(await t.finish(), undefined);
    await assert.rejects(prev.leases.grant(grant('02:00:00:00:00:06')), /closed/);
  });

  test('abandon() closes a store opened for a reload that did not happen', async () => {
    const t = await planBootloop(undefined, bootloop(join(w.dir, 'h.leases')), deps);
    await t.abandon();
    assert.ok(t.ref?.kind === 'now');
    await assert.rejects(t.ref.leases.grant(grant('02:00:00:00:00:07')), /closed/);
  });
});
