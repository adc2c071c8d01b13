import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BootloopError } from '../../../../src/dhcp/service/bootloop/errors.ts';
import { PoolSet, type BootloopPoolOptions } from '../../../../src/dhcp/service/bootloop/pools.ts';
import { ip, pool } from './support.ts';

const twoSubnets = [pool('10.40.1.0/24', '10.40.1.10', '10.40.1.200'), pool('10.40.3.0/24', '10.40.3.10', '10.40.3.200')];
// A /16 that contains a /24 (ranges disjoint): longest prefix must win.
const nested = [pool('10.50.0.0/16', '10.50.100.1', '10.50.100.200'), pool('10.50.7.0/24', '10.50.7.10', '10.50.7.20')];

describe('PoolSet.choose', () => {
  const cases: {
    name: string;
    pools: BootloopPoolOptions[];
    giaddr: string;
    ingress?: string[];
    expect: string | 'no-pool-for-giaddr' | 'no-pool-for-ingress';
    by?: string;
  }[] = [
    // Spec coresmd-dhcp §7.6, subnet pool manager table.
    { name: 'giaddr in the first subnet', pools: twoSubnets, giaddr: '10.40.1.1', expect: '10.40.1.0/24', by: 'giaddr' },
    { name: 'giaddr in the second subnet', pools: twoSubnets, giaddr: '10.40.3.1', expect: '10.40.3.0/24', by: 'giaddr' },
    { name: 'giaddr in no subnet', pools: twoSubnets, giaddr: '192.168.1.1', expect: 'no-pool-for-giaddr' },
    { name: 'giaddr in no subnet, even with one pool', pools: [twoSubnets[0]!], giaddr: '192.168.1.1', expect: 'no-pool-for-giaddr' },
    { name: 'giaddr 0 with one pool', pools: [twoSubnets[0]!], giaddr: '0.0.0.0', expect: '10.40.1.0/24', by: 'single' },
    { name: 'giaddr 0, two pools, no interface address', pools: twoSubnets, giaddr: '0.0.0.0', expect: 'no-pool-for-ingress' },
    // Improvement: the original drops these requests.
    { name: 'giaddr 0, two pools, the interface is in the second', pools: twoSubnets, giaddr: '0.0.0.0', ingress: ['10.40.3.1'], expect: '10.40.3.0/24', by: 'ingress' },
    { name: 'giaddr 0, two pools, the interface has an address in neither', pools: twoSubnets, giaddr: '0.0.0.0', ingress: ['172.16.0.1'], expect: 'no-pool-for-ingress' },
    { name: 'giaddr 0, an interface with two addresses, one matching', pools: twoSubnets, giaddr: '0.0.0.0', ingress: ['172.16.0.1', '10.40.1.1'], expect: '10.40.1.0/24', by: 'ingress' },
    { name: 'overlapping CIDRs: the longest prefix wins for giaddr', pools: nested, giaddr: '10.50.7.1', expect: '10.50.7.0/24', by: 'giaddr' },
    { name: 'overlapping CIDRs: the longest prefix wins, listed in either order', pools: [...nested].reverse(), giaddr: '10.50.7.1', expect: '10.50.7.0/24' },
    { name: 'overlapping CIDRs: outside the /24 the /16 matches', pools: nested, giaddr: '10.50.8.1', expect: '10.50.0.0/16' },
    { name: 'overlapping CIDRs: longest prefix for the interface address too', pools: nested, giaddr: '0.0.0.0', ingress: ['10.50.7.1'], expect: '10.50.7.0/24' },
    { name: 'legacy range is used whatever the giaddr', pools: [pool(undefined, '192.168.0.10', '192.168.0.20')], giaddr: '10.9.9.9', expect: '192.168.0.10-192.168.0.20', by: 'legacy' },
    { name: 'legacy range with giaddr 0', pools: [pool(undefined, '192.168.0.10', '192.168.0.20')], giaddr: '0.0.0.0', expect: '192.168.0.10-192.168.0.20', by: 'legacy' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const set = new PoolSet(c.pools);
      const choice = set.choose(ip(c.giaddr), (c.ingress ?? []).map(ip));
      if (c.expect.startsWith('no-pool')) {
        assert.deepEqual(choice, { ok: false, reason: c.expect });
        return;
      }
      assert.equal(choice.ok, true);
      if (!choice.ok) return;
      assert.equal(choice.pool.name, c.expect);
      if (c.by !== undefined) assert.equal(choice.by, c.by);
    });
  }
});

describe('PoolSet validation', () => {
  const bad: { name: string; pools: BootloopPoolOptions[]; message: RegExp }[] = [
    { name: 'no pools', pools: [], message: /no pools/ },
    { name: 'start outside the CIDR', pools: [pool('10.40.1.0/24', '10.40.2.10', '10.40.1.200')], message: /start is outside 10\.40\.1\.0\/24/ },
    { name: 'end outside the CIDR', pools: [pool('10.40.1.0/24', '10.40.1.10', '10.40.2.200')], message: /end is outside/ },
    { name: 'start after end', pools: [pool('10.40.1.0/24', '10.40.1.200', '10.40.1.10')], message: /start is after end/ },
    { name: 'the same CIDR twice', pools: [pool('10.40.1.0/24', '10.40.1.10', '10.40.1.20'), pool('10.40.1.0/24', '10.40.1.30', '10.40.1.40')], message: /defined twice/ },
    {
      name: 'two ranges sharing addresses',
      pools: [pool('10.50.0.0/16', '10.50.7.1', '10.50.7.100'), pool('10.50.7.0/24', '10.50.7.50', '10.50.7.200')],
      message: /share addresses 10\.50\.7\.50-10\.50\.7\.100/,
    },
    { name: 'a legacy range beside a subnet pool', pools: [pool(undefined, '10.0.0.1', '10.0.0.9'), twoSubnets[0]!], message: /only pool/ },
  ];
  for (const c of bad) {
    test(`rejects ${c.name}`, () => {
      assert.throws(
        () => new PoolSet(c.pools),
        (err: unknown) => err instanceof BootloopError && err.code === 'ERR_BOOTLOOP_POOL' && c.message.test(err.message),
      );
    });
  }
});

describe('PoolSet.poolOf', () => {
  const set = new PoolSet([...twoSubnets, pool('10.40.2.0/24', '10.40.2.1', '10.40.2.1')]);
  const cases: [string, string | undefined][] = [
    ['10.40.1.10', '10.40.1.0/24'],
    ['10.40.1.200', '10.40.1.0/24'],
    ['10.40.2.1', '10.40.2.0/24'],
    ['10.40.3.100', '10.40.3.0/24'],
    // Inside a CIDR but outside its range: in no pool.
    ['10.40.1.5', undefined],
    ['10.40.1.201', undefined],
    ['192.168.0.1', undefined],
  ];
  for (const [addr, expect] of cases) {
    test(`${addr} → ${expect ?? 'no pool'}`, () => {
      assert.equal(set.poolOf(ip(addr))?.name, expect);
    });
  }
});
