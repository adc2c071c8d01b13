// The forward directive at run time: which names it takes, upstream order by policy, failover.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { createForwarder } from '../../../src/app/dns/forwarder.ts';
import type { ForwardConfig, ForwardPolicy } from '../../../src/app/dns/dns-config.ts';
import { findFreeUdpPort } from '../../../src/net/free-port.ts';
import { queryBytes } from '../../dns/service/support.ts';

interface Fake {
  readonly port: number;
  readonly hits: number[];
  close(): void;
}

/** An upstream that answers every query, tagging the reply with its own number. */
async function fakeUpstream(tag: number, log: number[]): Promise<Fake> {
  const s = dgram.createSocket('udp4');
  s.on('message', (m, r) => {
    log.push(tag);
    const out = Buffer.from([...m, tag]);
    out[2] = out[2]! | 0x80;
    s.send(out, r.port, r.address);
  });
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return { port: s.address().port, hits: log, close: () => s.close() };
}

function config(ports: readonly number[], extra: Partial<ForwardConfig> = {}): ForwardConfig {
  return {
    line: 1,
    col: 1,
    from: '.',
    to: ports.map((port) => ({ line: 1, col: 1, host: '127.0.0.1', port })),
    except: [],
    forceTcp: false,
    preferUdp: false,
    policy: 'sequential' as ForwardPolicy,
    maxConcurrent: 0,
    ...extra,
  };
}

describe('forwarder: which names', () => {
  const f = createForwarder(config([53], { from: 'example.com.', except: ['internal.example.com.'] }));
  const cases: readonly [string, boolean][] = [
    ['example.com.', true],
    ['www.example.com.', true],
    ['internal.example.com.', false],
    ['a.internal.example.com.', false],
    ['notexample.com.', false],
    ['example.org.', false],
  ];
  for (const [key, want] of cases) test(`${key}: ${want}`, () => assert.equal(f.covers(key), want));
  test('`forward .` covers everything', () => assert.equal(createForwarder(config([53])).covers('anything.at.all.'), true));
  f.close();
});

describe('forwarder: policies and failover', () => {
  async function run(policy: ForwardPolicy, queries: number, random?: () => number): Promise<number[]> {
    const log: number[] = [];
    const ups = [await fakeUpstream(1, log), await fakeUpstream(2, log), await fakeUpstream(3, log)];
    const f = createForwarder(config(ups.map((u) => u.port), { policy }), random === undefined ? {} : { random });
    try {
      for (let i = 0; i < queries; i++) {
        const r = await f.exchange(queryBytes('www.example.com.'), 'udp');
        assert.equal(r[r.length - 1], log[log.length - 1]);
      }
      return log;
    } finally {
      f.close();
      for (const u of ups) u.close();
    }
  }
  test('sequential always asks the first', async () => assert.deepEqual(await run('sequential', 3), [1, 1, 1]));
  test('round_robin rotates', async () => assert.deepEqual(await run('round_robin', 4), [1, 2, 3, 1]));
  test('random follows the random source', async () => {
    const seq = [0.99, 0.99, 0.0, 0.0];
    let i = 0;
    const log = await run('random', 2, () => seq[i++ % seq.length]!);
    assert.equal(log.length, 2);
    assert.ok(log.every((t) => [1, 2, 3].includes(t)));
  });

  test('a dead upstream costs a timeout, then the next one answers', async () => {
    const log: number[] = [];
    const dead = await findFreeUdpPort('127.0.0.1');
    const live = await fakeUpstream(7, log);
    const f = createForwarder(config([dead, live.port]), { timeoutMs: 100 });
    try {
      const r = await f.exchange(queryBytes('www.example.com.'), 'udp');
      assert.equal(r[r.length - 1], 7);
    } finally {
      f.close();
      live.close();
    }
  });

  test('all upstreams failing rejects (the handler answers SERVFAIL)', async () => {
    const dead = await findFreeUdpPort('127.0.0.1');
    const f = createForwarder(config([dead]), { timeoutMs: 100 });
    try {
      await assert.rejects(f.exchange(queryBytes('www.example.com.'), 'udp'));
    } finally {
      f.close();
    }
  });

  test('max_concurrent: queries beyond the limit are rejected at once', async () => {
    const dead = await findFreeUdpPort('127.0.0.1');
    const f = createForwarder(config([dead], { maxConcurrent: 1 }), { timeoutMs: 300 });
    try {
      const first = f.exchange(queryBytes('a.example.com.'), 'udp');
      await assert.rejects(f.exchange(queryBytes('b.example.com.'), 'udp'), /max_concurrent 1 reached/);
      await assert.rejects(first);
    } finally {
      f.close();
    }
  });
});
