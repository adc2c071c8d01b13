// Seeded mutation fuzzing over the captures (house style §5.7). Invariants:
//   1. decodeDhcp4 and decodeDhcp4Request never throw: bad input is an { ok: false } result;
//   2. every accessor on whatever decodes throws nothing but WireError;
//   3. whatever decodes re-encodes and re-decodes to an equal model, and re-encoding is stable.
// FUZZ_ITERATIONS and FUZZ_SEED steer the budget and the run (test/support/fuzz.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDhcp4, decodeDhcp4Request } from '../../../src/dhcp/v4/decode.ts';
import { byteLength, encodeDhcp4 } from '../../../src/dhcp/v4/encode.ts';
import type { Dhcp4Message } from '../../../src/dhcp/v4/model.ts';
import { decodeIpv4List } from '../../../src/dhcp/v4/option-values.ts';
import type { Dhcp4Options } from '../../../src/dhcp/v4/options.ts';
import { decodeDomainSearch } from '../../../src/dhcp/v4/domain-search.ts';
import { WireError } from '../../../src/wire/errors.ts';
import { Writer } from '../../../src/wire/writer.ts';
import { runFuzz } from '../../support/fuzz.ts';
import { FIXTURES, fixture, request } from './support.ts';

const accessors: ReadonlyArray<(o: Dhcp4Options) => unknown> = [
  (o) => o.messageType(),
  (o) => o.requestedIp(),
  (o) => o.serverId(),
  (o) => o.leaseTime(),
  (o) => o.maxMessageSize(),
  (o) => o.clientId(),
  (o) => o.parameterRequestList(),
  (o) => o.vendorClass(),
  (o) => o.hostname(),
  (o) => o.userClassRaw(),
  (o) => o.userClass(),
  (o) => o.clientArch(),
  (o) => o.clientNdi(),
  (o) => o.uuid(),
  (o) => o.relayAgentInfo(),
  (o) => o.ipxe(),
  (o) => o.get(6, decodeIpv4List),
  (o) => {
    const v = o.bytes(119);
    return v && decodeDomainSearch(v);
  },
  (o) => o.forEach(() => undefined),
];

const rank = (code: number) => (code === 53 ? -2 : code === 54 ? -1 : code === 82 ? 256 : code);
const canonical = (m: Dhcp4Message) => ({ ...m, options: [...m.options].sort((a, b) => rank(a.code) - rank(b.code)) });
const NO_LIMIT = { maxSize: 65535 };

function encode(m: Dhcp4Message): Uint8Array {
  const buf = Buffer.alloc(byteLength(m, NO_LIMIT));
  const r = encodeDhcp4(m, new Writer(buf), NO_LIMIT);
  assert.equal(r.length, buf.length);
  assert.deepEqual(r.dropped, []);
  return buf;
}

function check(input: Uint8Array): void {
  const full = decodeDhcp4(input);
  const lazy = decodeDhcp4Request(input);
  assert.equal(full.ok, lazy.ok);
  if (!lazy.ok) {
    assert.ok(lazy.error instanceof WireError);
    return;
  }
  for (const read of accessors) {
    try {
      read(lazy.value.options);
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
    }
  }
  assert.ok(full.ok);
  const bytes = encode(full.value);
  const again = decodeDhcp4(bytes);
  assert.ok(again.ok, `re-decode failed for ${Buffer.from(input).toString("hex")}`);
  assert.deepEqual(canonical(again.value), canonical(full.value));
  assert.deepEqual(encode(again.value), bytes);
}

// The captures, plus the two overload shapes no capture has, so mutations reach that code.
const corpus = [
  ...FIXTURES.map((f) => fixture(f)),
  request([53, 1, 1, 52, 1, 3, 82, 4, 1, 2, 0x61, 0x62, 255], { file: [12, 2, 0x61, 0x62, 43, 2, 1, 2, 255], sname: [43, 1, 3, 255] }),
  request([53, 1, 3, 175, 8, 0xb1, 5, 1, 0x80, 0x86, 0x10, 0x0e, 0x13, 119, 7, 1, 0x61, 0, 1, 0x62, 0xc0, 0, 255]),
];

describe('DHCPv4 codec fuzz', () => {
  test('only WireError escapes, and what decodes round-trips', () => {
    const { iterations } = runFuzz({ corpus, check });
    assert.ok(iterations > 0);
  });

  test('every corpus entry itself decodes and round-trips', () => {
    for (const c of corpus) check(c);
    assert.ok(corpus.every((c) => decodeDhcp4(c).ok));
  });
});
