// Dhcp4Server.setChain (config reload): the next request runs on the new chain and server_id; a
// request already running finishes on the chain it started with.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../src/wire/pool.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import { Dhcp4MessageType as T, Dhcp4Opt } from '../../../src/dhcp/v4/constants.ts';
import { Dhcp4Server, type Dhcp4Outcome } from '../../../src/dhcp/service/server4.ts';
import type { Dhcp4Handler } from '../../../src/dhcp/service/chain.ts';
import { ingress, ip, reply, request } from './support.ts';

const clock = { now: () => 1_700_000_000_000, setTimer: () => ({ cancel() {} }) };

/** Claims every client with `address`; waits for `gate` first when given. */
function claim(name: string, address: string, gate?: Promise<void>): Dhcp4Handler {
  return {
    name,
    async handle(_req, draft) {
      await gate;
      draft.yiaddr = ip(address);
      draft.leaseSeconds = 60;
      return 'send' as const;
    },
  };
}

function answer(o: Dhcp4Outcome) {
  assert.equal(o.kind, 'reply');
  if (o.kind !== 'reply') throw new Error('unreachable');
  const r = reply(o.payload);
  o.release();
  return r;
}

describe('Dhcp4Server.setChain', () => {
  test('the next request runs on the new handlers and the new server_id', async () => {
    const s = new Dhcp4Server({ handlers: [claim('a', '172.16.0.10')], clock, logger: nullLogger, pool: new BufferPool(1500, 4) });
    const before = answer(await s.handle(request({ type: T.Discover }), ingress()));
    assert.equal(before.yiaddr, ip('172.16.0.10'));
    assert.deepEqual(before.opt(Dhcp4Opt.ServerIdentifier), Uint8Array.of(172, 16, 0, 253));

    s.setChain({ handlers: [claim('b', '172.16.0.20')], serverId: ip('10.0.0.1') });
    const after = answer(await s.handle(request({ type: T.Discover }), ingress()));
    assert.equal(after.yiaddr, ip('172.16.0.20'));
    assert.deepEqual(after.opt(Dhcp4Opt.ServerIdentifier), Uint8Array.of(10, 0, 0, 1));
  });

  test('a request in flight finishes on the chain it started with', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const s = new Dhcp4Server({ handlers: [claim('old', '172.16.0.10', gate)], clock, logger: nullLogger, pool: new BufferPool(1500, 4) });
    const inFlight = s.handle(request({ type: T.Discover }), ingress());
    s.setChain({ handlers: [claim('new', '172.16.0.20')] });
    const next = answer(await s.handle(request({ type: T.Discover }), ingress()));
    open();
    assert.equal(answer(await inFlight).yiaddr, ip('172.16.0.10'));
    assert.equal(next.yiaddr, ip('172.16.0.20'));
  });
});
