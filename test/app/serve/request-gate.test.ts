// The gate between the DHCPv4 transport and the server: in-flight counting per chain (until the
// reply buffer is released in the send callback), the chain swap and the drain.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../src/wire/pool.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import { Dhcp4MessageType as T } from '../../../src/dhcp/v4/constants.ts';
import { Dhcp4Server } from '../../../src/dhcp/service/server4.ts';
import type { Dhcp4Handler } from '../../../src/dhcp/service/chain.ts';
import { Dhcp4RequestGate, InFlight } from '../../../src/app/serve/request-gate.ts';
import { ingress, ip, reply, request } from '../../dhcp/service/support.ts';

const clock = { now: () => 1_700_000_000_000, setTimer: () => ({ cancel() {} }) };
/** Real timers that keep the test alive (timers's are unref'd). */
const timers = {
  setTimer(ms: number, fn: () => void) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

/** Claims every client with `address` once `gate` resolves. */
function claim(address: string, gate: Promise<void> = Promise.resolve()): Dhcp4Handler {
  return {
    name: 'claim',
    async handle(_req, draft) {
      await gate;
      draft.yiaddr = ip(address);
      draft.leaseSeconds = 60;
      return 'send' as const;
    },
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function setup(handlers: Dhcp4Handler[]) {
  const pool = new BufferPool(1500, 8);
  const server = new Dhcp4Server({ handlers, clock, logger: nullLogger, pool });
  return { gate: new Dhcp4RequestGate(server), pool };
}

describe('InFlight', () => {
  test('idle() resolves true at once when nothing runs, and when the last request ends', async () => {
    const f = new InFlight();
    assert.equal(await f.idle(1000, timers), true);
    f.begin();
    f.begin();
    const idle = f.idle(5000, timers);
    f.end();
    f.end();
    assert.equal(await idle, true);
  });

  test('idle() resolves false after the timeout when a request never ends', async () => {
    const f = new InFlight();
    f.begin();
    assert.equal(await f.idle(20, timers), false);
    assert.equal(f.count, 1);
  });
});

describe('Dhcp4RequestGate', () => {
  test('a request counts until its reply buffer is released (the send callback)', async () => {
    const { gate, pool } = setup([claim('172.16.0.10')]);
    const out = await gate.handle(request({ type: T.Discover }), ingress());
    assert.equal(out.kind, 'reply');
    assert.equal(gate.inFlight, 1);
    assert.equal(pool.stats().inUse, 1);
    if (out.kind !== 'reply') return;
    out.release();
    out.release(); // a second call changes nothing
    assert.equal(gate.inFlight, 0);
    assert.equal(pool.stats().inUse, 0);
  });

  test('a dropped request stops counting when the server returns', async () => {
    const { gate } = setup([{ name: 'drop', handle: () => 'drop' }]);
    const out = await gate.handle(request({ type: T.Discover }), ingress());
    assert.equal(out.kind, 'drop');
    assert.equal(gate.inFlight, 0);
  });

  test('swap(): new requests use the new chain; the old generation reports its requests until they finish', async () => {
    const slow = deferred();
    const { gate } = setup([claim('172.16.0.10', slow.promise)]);
    const first = gate.handle(request({ type: T.Discover }), ingress());
    const old = gate.swap({ handlers: [claim('172.16.0.20')] });
    assert.equal(old.count, 1);
    assert.equal(gate.inFlight, 0);
    const second = await gate.handle(request({ type: T.Discover }), ingress());
    assert.equal(second.kind === 'reply' && reply(second.payload).yiaddr, ip('172.16.0.20'));
    if (second.kind === 'reply') second.release();
    const idle = old.idle(5000, timers);
    slow.resolve();
    const out = await first;
    assert.equal(out.kind === 'reply' && reply(out.payload).yiaddr, ip('172.16.0.10'));
    if (out.kind === 'reply') out.release();
    assert.equal(await idle, true);
  });

  test('drain(): requests after it are dropped and counted; those before it finish', async () => {
    const slow = deferred();
    const { gate } = setup([claim('172.16.0.10', slow.promise)]);
    const before = gate.handle(request({ type: T.Discover }), ingress());
    const inFlight = gate.drain();
    assert.equal(gate.draining, true);
    assert.equal((await gate.handle(request({ type: T.Discover }), ingress())).kind, 'drop');
    assert.equal(gate.refused, 1);
    const idle = inFlight.idle(5000, timers);
    slow.resolve();
    const out = await before;
    assert.equal(out.kind, 'reply');
    if (out.kind === 'reply') out.release();
    assert.equal(await idle, true);
  });
});
