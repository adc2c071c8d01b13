// The "gets no address" log line under a flood (src/dhcp/service/v6/log-rate-limit.ts and its
// use in server6.ts): one line per client and reason per interval, the next one saying how many
// were left out, every request still counted; memory bounded. Time moves only by the fake clock.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../../src/wire/pool.ts';
import type { Clock } from '../../../../src/seams/clock.ts';
import { LogRateLimit } from '../../../../src/dhcp/service/v6/log-rate-limit.ts';
import { Dhcp6Server } from '../../../../src/dhcp/service/v6/server6.ts';
import type { Dhcp6Handler } from '../../../../src/dhcp/service/v6/chain.ts';
import { CaptureLogger } from '../../../smd/support/capture-logger.ts';
import { clientMessage, ingress, SERVER_DUID, T } from './support.ts';

class FakeClock implements Clock {
  t = 1_700_000_000_000;
  now(): number {
    return this.t;
  }
  setTimer(): { cancel(): void } {
    return { cancel() {} };
  }
}

describe('LogRateLimit', () => {
  test('the first occurrence passes, repeats inside the interval are counted, the next line carries the count', () => {
    const clock = new FakeClock();
    const l = new LogRateLimit(clock, 60_000, 100);
    assert.equal(l.admit('a'), 0);
    for (let i = 0; i < 5; i++) {
      clock.t += 1000;
      assert.equal(l.admit('a'), undefined);
    }
    assert.equal(l.admit('b'), 0, 'another key is independent');
    clock.t += 55_000; // 60 s after the first line
    assert.equal(l.admit('a'), 5);
    assert.equal(l.admit('a'), undefined);
    clock.t += 60_000;
    assert.equal(l.admit('a'), 1);
    clock.t += 60_000;
    assert.equal(l.admit('a'), 0, 'nothing left out since the last line');
  });

  test('bounded: a full table forgets expired keys first, then the oldest', () => {
    const clock = new FakeClock();
    const l = new LogRateLimit(clock, 60_000, 3);
    l.admit('old');
    clock.t += 61_000;
    l.admit('x');
    l.admit('y');
    assert.equal(l.size, 3);
    assert.equal(l.admit('z'), 0);
    assert.equal(l.size, 3, "'old' (expired) made room");
    assert.equal(l.admit('old'), 0, "forgotten, so logged again: the table holds x, y, z");
    assert.equal(l.size, 3);
    assert.equal(l.admit('x'), 0, "x was the oldest unexpired key and was dropped for 'old'");
    assert.equal(l.admit('z'), undefined, 'z is still held back');
  });

  test('a nonsensical configuration is refused', () => {
    assert.throws(() => new LogRateLimit(new FakeClock(), 0, 10), RangeError);
    assert.throws(() => new LogRateLimit(new FakeClock(), 1000, 0), RangeError);
  });
});

const unknownMac: Dhcp6Handler = {
  name: 'coresmd',
  handle(req, draft) {
    draft.miss = `MAC ${req.info.mac} not in SMD`;
    return 'next';
  },
};

function server(clock: Clock) {
  const logger = new CaptureLogger();
  const s = new Dhcp6Server({ handlers: [unknownMac], serverDuid: SERVER_DUID, clock, logger, pool: new BufferPool(4096, 8) });
  const lines = () => logger.at('info').filter((l) => l.msg === 'DHCPv6 client gets no address');
  return { s, lines };
}

async function solicit(s: Dhcp6Server, mac: string, type: number = T.Solicit): Promise<void> {
  const o = await s.handle(clientMessage(type, { duid: `LL ${mac}` }), ingress({ srcAddress: `fe80::${mac.slice(-2)}%eth1` }));
  assert.equal(o.kind, 'reply', 'every SOLICIT is still answered (NoAddrsAvail)');
  if (o.kind === 'reply') o.release();
}

describe('DHCPv6 server: a flood of SOLICITs from an unknown MAC', () => {
  test('1,000 SOLICITs in 50 s: one line; the first after the minute says 999 were left out; all are counted', async () => {
    const clock = new FakeClock();
    const { s, lines } = server(clock);
    for (let i = 0; i < 1000; i++) {
      await solicit(s, '02:00:00:d6:00:99');
      clock.t += 50;
    }
    assert.equal(lines().length, 1);
    assert.equal(lines()[0]?.fields['suppressed'], undefined);
    assert.equal(lines()[0]?.fields['mac'], '02:00:00:d6:00:99');
    assert.equal(s.counters.get('no_address{type="SOLICIT"}'), 1000);
    clock.t += 10_000;
    await solicit(s, '02:00:00:d6:00:99');
    assert.equal(lines().length, 2);
    assert.equal(lines()[1]?.fields['suppressed'], 999);
  });

  test('other MACs, and another reason for the same MAC, are logged at once', async () => {
    const clock = new FakeClock();
    const { s, lines } = server(clock);
    await solicit(s, '02:00:00:d6:00:99');
    await solicit(s, '02:00:00:d6:00:99');
    await solicit(s, '02:00:00:d6:00:98');
    assert.deepEqual(
      lines().map((l) => l.fields['mac']),
      ['02:00:00:d6:00:99', '02:00:00:d6:00:98'],
    );
    // The same client, now asking with a REQUEST the chain cannot serve for another reason.
    const other: Dhcp6Handler = { name: 'coresmd', handle: (_r, d) => ((d.miss = 'SMD has no IPv6 address for x1'), 'next') };
    s.setChain({ handlers: [other], serverDuid: SERVER_DUID });
    await solicit(s, '02:00:00:d6:00:99');
    assert.equal(lines().length, 3);
    assert.equal(lines()[2]?.fields['reason'], 'SMD has no IPv6 address for x1');
  });
});
