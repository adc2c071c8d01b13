// Seeded mutation fuzzing of the DHCPv6 server core with the real chain (test/support/fuzz.ts):
// whatever arrives, handle() resolves (never rejects) to a drop or a reply that decodes, and
// every reply buffer goes back to the pool.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../../src/wire/pool.ts';
import { nullLogger } from '../../../../src/seams/logger.ts';
import { parseRule } from '../../../../src/dhcp/service/rules/parse-rule.ts';
import { createCoresmd6Handler } from '../../../../src/dhcp/service/v6/handlers/coresmd.ts';
import { createDns6Handler } from '../../../../src/dhcp/service/v6/handlers/dns.ts';
import { Dhcp6Server } from '../../../../src/dhcp/service/v6/server6.ts';
import { decodeDhcp6 } from '../../../../src/dhcp/v6/decode.ts';
import { fuzzIterations, fuzzSeed, runFuzz } from '../../../support/fuzz.ts';
import { FIXTURES } from '../../v6/support.ts';
import { clientMessage, duid, exampleSnapshot, fixture, ingress, node, relayForw, relayIngress, T, v6 } from './support.ts';

const NODE = node('52:54:00:d6:00:01', 'x3000c0s0b0n0', ['2001:db8:1::101'], 1);
const SNAPSHOT = exampleSnapshot({ interfaces: [NODE.iface], components: [NODE.comp] });

describe('DHCPv6 server fuzz', () => {
  test('mutated captures: always a drop or a decodable reply, no rejected promise, no leaked buffer', async () => {
    const pool = new BufferPool(4096, 8);
    const s = new Dhcp6Server({
      handlers: [
        createDns6Handler({ servers: [v6('2001:db8::53')], text: ['2001:db8::53'] }),
        createCoresmd6Handler({
          inventory: () => SNAPSHOT,
          rules: [parseRule('type:Node,hostname:nid{04d}')],
          ruleLog: 'none',
          domain: 'example',
          leaseSeconds: 600,
          ipxeBaseUri: 'http://[2001:db8::1]:8081',
          logger: nullLogger,
        }),
      ],
      serverDuid: duid('LL 52:54:00:d6:00:fe'),
      clock: { now: () => 0, setTimer: () => ({ cancel() {} }) },
      logger: nullLogger,
      pool,
    });
    const corpus = [...FIXTURES.map((f) => fixture(f)), clientMessage(T.Solicit, { arch: 7, rapidCommit: true }), relayForw(clientMessage(T.Request, { iaNa: [{ iaid: 1, addresses: ['2001:db8:1::101'] }] }))];
    let replies = 0;
    const check = async (input: Uint8Array): Promise<void> => {
      const hex = Buffer.from(input).toString('hex');
      let out;
      try {
        out = await s.handle(Uint8Array.from(input), input[0] === T.RelayForw ? relayIngress() : ingress());
      } catch (e) {
        assert.fail(`handle rejected (${(e as Error).message}) for input ${hex}`);
      }
      if (out.kind !== 'reply') return;
      replies++;
      const d = decodeDhcp6(Uint8Array.from(out.payload));
      out.release();
      assert.ok(d.ok, `reply does not decode for input ${hex}`);
    };
    // runFuzz is synchronous and handle() is not: run small batches, each settled before the
    // next, so the pool never runs dry; each batch has its own seed.
    let left = fuzzIterations;
    for (let batch = 0; left > 0; batch++) {
      const pending: Promise<void>[] = [];
      const n = Math.min(4, left);
      runFuzz({ corpus, iterations: n, seed: fuzzSeed + batch, check: (input) => void pending.push(check(input)) });
      await Promise.all(pending);
      left -= n;
    }
    assert.equal(pool.stats().inUse, 0);
    assert.ok(replies > 0, 'some mutated requests are still answered');
  });
});
