// Seeded mutation fuzzing over the fixtures (house style §5.7). Invariants:
//   1. decodeDhcp6, decodeDhcp6Relay and decodeDhcp6Model never throw: bad input is { ok: false };
//   2. every accessor on every layer (relays, message, IA_NA, IAADDR) and the DUID/MAC helpers
//      throw nothing but WireError;
//   3. whatever decodes re-encodes to the same bytes and re-decodes to an equal model;
//   4. an IA_NA or FQDN the accessors read re-encodes from the structured model to the bytes it
//      came from (or the encoder refuses it with EncodeError, e.g. preferred > valid lifetime).
// FUZZ_ITERATIONS and FUZZ_SEED steer the budget and the run (test/support/fuzz.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDhcp6, decodeDhcp6Model, decodeDhcp6Relay } from '../../../src/dhcp/v6/decode.ts';
import type { Dhcp6Decoded } from '../../../src/dhcp/v6/decode.ts';
import { formatDuid, macFromDuid } from '../../../src/dhcp/v6/duid.ts';
import { byteLength, encodeDhcp6 } from '../../../src/dhcp/v6/encode.ts';
import { macFromEui64, macFromLinkLayerAddress } from '../../../src/dhcp/v6/link-layer.ts';
import type { Dhcp6IaAddrOption, Dhcp6Option, Dhcp6Packet } from '../../../src/dhcp/v6/model.ts';
import type { Dhcp6IaNa, Dhcp6Options } from '../../../src/dhcp/v6/options.ts';
import { EncodeError, WireError } from '../../../src/wire/errors.ts';
import { Writer } from '../../../src/wire/writer.ts';
import { runFuzz } from '../../support/fuzz.ts';
import { DUID_LL, FIXTURES, ZERO16, ascii, fixture, msg, opt, relay } from './support.ts';

const accessors: ReadonlyArray<(o: Dhcp6Options) => unknown> = [
  (o) => o.clientId(),
  (o) => o.serverId(),
  (o) => o.clientDuid(),
  (o) => o.serverDuid(),
  (o) => o.iaNa().map((ia) => [ia.options.statusCode(), ia.options.iaAddrs().map((a) => a.options.statusCode())]),
  (o) => o.iaAddrs(),
  (o) => o.oro(),
  (o) => o.preference(),
  (o) => o.elapsedTime(),
  (o) => o.rapidCommit(),
  (o) => o.reconfigureAccept(),
  (o) => o.userClass(),
  (o) => o.vendorClass(),
  (o) => o.clientArch(),
  (o) => o.nii(),
  (o) => o.fqdn(),
  (o) => o.statusCode(),
  (o) => o.dnsServers(),
  (o) => o.domainList(),
  (o) => o.bootFileUrl(),
  (o) => o.bootFileParams(),
  (o) => o.relayMessage(),
  (o) => o.interfaceId(),
  (o) => o.remoteId(),
  (o) => {
    const lla = o.clientLinkLayerAddress();
    return lla && macFromLinkLayerAddress(lla);
  },
  (o) => o.forEach(() => undefined),
];

function onlyWireErrors(read: () => unknown): unknown {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    return undefined;
  }
}

function encode(p: Dhcp6Packet): Uint8Array {
  const buf = Buffer.alloc(byteLength(p), 0xa5);
  assert.equal(encodeDhcp6(p, new Writer(buf)), buf.length);
  return buf;
}

/** Encodes one structured option alone; undefined when the encoder refuses it. */
function encodeOption(o: Dhcp6Option): Uint8Array | undefined {
  try {
    const m = encode({ msgType: 1, transactionId: 0, options: [o] });
    return m.subarray(4);
  } catch (e) {
    if (!(e instanceof EncodeError)) throw e;
    return undefined;
  }
}

const raw = (o: Dhcp6Options, skip: number): Dhcp6Option[] => {
  const out: Dhcp6Option[] = [];
  o.forEach((code, data) => {
    if (code !== skip) out.push({ code, data: Uint8Array.from(data) });
  });
  return out;
};

/** Invariant 4: the structured IA_NA model re-encodes to the option's own bytes. */
function checkIaNa(ia: Dhcp6IaNa, buf: Uint8Array): void {
  let addrs;
  try {
    addrs = ia.options.iaAddrs();
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    return;
  }
  // Keep sub-option order only when every IAADDR comes before the rest, as replies put them.
  const codes: number[] = [];
  ia.options.forEach((c) => codes.push(c));
  const firstOther = codes.findIndex((c) => c !== 5);
  if (firstOther !== -1 && codes.slice(firstOther).includes(5)) return;
  const model: Dhcp6Option = {
    code: 3,
    iaid: ia.iaid,
    t1: ia.t1,
    t2: ia.t2,
    options: [
      ...addrs.map((a): Dhcp6IaAddrOption => ({ code: 5, address: Uint8Array.from(a.address), preferredLifetime: a.preferredLifetime, validLifetime: a.validLifetime, options: raw(a.options, -1) })),
      ...raw(ia.options, 5),
    ],
  };
  const bytes = encodeOption(model);
  if (bytes === undefined) return;
  assert.deepEqual([...bytes], [...buf.subarray(ia.offset - 4, ia.options.end)]);
}

function checkLayers(d: Dhcp6Decoded): void {
  for (const r of d.relays) {
    for (const read of accessors) onlyWireErrors(() => read(r.options));
    macFromEui64(r.peerAddress);
    void r.linkAddressText;
  }
  const o = d.message.options;
  for (const read of accessors) onlyWireErrors(() => read(o));
  const cid = o.bytes(1);
  if (cid !== undefined) {
    formatDuid(cid);
    macFromDuid(cid);
  }
  const ias = onlyWireErrors(() => o.iaNa()) as Dhcp6IaNa[] | undefined;
  for (const ia of ias ?? []) checkIaNa(ia, d.message.buffer);
  const fqdn = onlyWireErrors(() => o.fqdn()) as ReturnType<Dhcp6Options['fqdn']>;
  if (fqdn?.fullyQualified && fqdn.name !== '' && !fqdn.name.split('.').some((l) => l === '')) {
    const bytes = encodeOption({ code: 39, flags: fqdn.flags, name: fqdn.name });
    // A label holding a dot or a byte over 0x7f has no text form this encoder takes back.
    if (bytes !== undefined && !/[^\x20-\x7e]/.test(fqdn.name)) assert.deepEqual([...bytes.subarray(4)], [...o.bytes(39)!]);
  }
}

function check(input: Uint8Array): void {
  const d = decodeDhcp6(input);
  const m = decodeDhcp6Model(input);
  onlyWireErrors(() => decodeDhcp6Relay(input));
  assert.equal(d.ok, m.ok);
  if (!d.ok) {
    assert.ok(d.error instanceof WireError);
    return;
  }
  checkLayers(d.value);
  assert.ok(m.ok);
  const bytes = encode(m.value);
  assert.deepEqual([...bytes], [...input], 're-encodes to the same bytes');
  const again = decodeDhcp6Model(bytes);
  assert.ok(again.ok);
  assert.deepEqual(again.value, m.value);
}

// The fixtures, plus shapes no fixture has, so mutations reach that code.
const corpus = [
  ...FIXTURES.map((f) => fixture(f)),
  fixture('handmade-relay-forw-9-layers.hex'),
  fixture('coresmd-reply-spec-6.reply.hex'),
  fixture('coresmd-relay-repl-nested.reply.hex'),
  msg(7, opt(2, ...DUID_LL), opt(39, 1, 4, ...ascii('node')), opt(24, 1, 0x61, 0, 1, 0x62, 0), opt(37, 0, 0, 0, 9, 1), opt(62, 1, 3, 16)),
  Uint8Array.from(relay(12, 0, ZERO16, ZERO16, opt(79, 0, 1, 1, 2, 3, 4, 5, 6), opt(37, 0, 0, 0, 9, 1, 2), opt(9, ...msg(11, opt(1, ...DUID_LL))))),
];

describe('DHCPv6 codec fuzz', () => {
  test('only WireError escapes, and what decodes round-trips', () => {
    const { iterations } = runFuzz({ corpus, check });
    assert.ok(iterations > 0);
  });

  test('every corpus entry itself passes the invariants', () => {
    for (const c of corpus) check(c);
    assert.equal(corpus.filter((c) => !decodeDhcp6(c).ok).length, 1, 'only the nine-layer relay fails');
  });
});
