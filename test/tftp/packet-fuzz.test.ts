// Seeded mutation fuzz of decodeTftp over every TFTP fixture (house style §5.7). FUZZ_ITERATIONS
// sets the budget (3000 by default; `FUZZ_ITERATIONS=200000 node scripts/test.mjs
// test/tftp/packet-fuzz.test.ts` for a long run) and FUZZ_SEED the stream; a failure prints its seed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../../src/wire/errors.ts';
import { Writer } from '../../src/wire/writer.ts';
import { byteLength, decodeTftp, encodeTftp } from '../../src/tftp/packet.ts';
import type { TftpPacket } from '../../src/tftp/packet.ts';
import { fuzzSeed, runFuzz } from '../support/fuzz.ts';
import { tftpFixture, tftpFixtureNames } from './fixtures.ts';

const corpus = tftpFixtureNames().map(tftpFixture);

function encode(p: TftpPacket): Uint8Array {
  const w = new Writer(new Uint8Array(byteLength(p)).fill(0xa5));
  encodeTftp(w, p);
  assert.equal(w.available, 0, 'byteLength equals the bytes written');
  return w.finish();
}

describe('decodeTftp under mutation', () => {
  test('only WireError comes out, and never as a throw', () => {
    const seen = { ok: 0, error: 0 };
    const { iterations } = runFuzz({
      corpus,
      check(input) {
        const r = decodeTftp(input); // a throw here fails the run with its seed
        if (r.ok) seen.ok++;
        else {
          assert.ok(r.error instanceof WireError, `not a WireError: ${String(r.error)}`);
          seen.error++;
        }
      },
    });
    assert.equal(seen.ok + seen.error, iterations);
    assert.ok(seen.ok > 0 && seen.error > 0, `the mutator should reach both outcomes: ${JSON.stringify(seen)}`);
  });

  test('whatever decodes re-encodes to a canonical form that decodes to itself', () => {
    runFuzz({
      corpus,
      seed: fuzzSeed + 1, // a different stream from the first test, still set by FUZZ_SEED
      check(input) {
        const r = decodeTftp(input);
        if (!r.ok) return;
        const once = encode(r.value);
        const again = decodeTftp(once);
        assert.ok(again.ok, 'a re-encoded packet decodes');
        // ERROR text is the one lossy field (non-ASCII becomes ?, long messages are cut); every
        // other model comes back equal, and every encoding is a fixpoint.
        if (r.value.kind !== 'error') assert.deepEqual(again.value, r.value);
        assert.deepEqual(encode(again.value), once);
      },
    });
  });
});
