import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDhcp6, decodeDhcp6Model, decodeDhcp6Relay } from '../../../src/dhcp/v6/decode.ts';
import { isDhcp6RelayMessage } from '../../../src/dhcp/v6/model.ts';
import { WireError, WireErrorCode } from '../../../src/wire/errors.ts';
import type { FixtureName } from './support.ts';
import { DUID_LL, ZERO16, fixture, hex, msg, opt, relay } from './support.ts';

// What each fixture is: the (inner) message type, its transaction id, how many relay layers
// wrap it and its option codes in wire order.
const cases: ReadonlyArray<{ name: FixtureName; type: number; xid: number; relays: number; codes: number[] }> = [
  { name: 'dhclient-4.4.3-information-request.hex', type: 11, xid: 0x7b23c6, relays: 0, codes: [1, 6, 8] },
  { name: 'dhclient-4.4.3-solicit.hex', type: 1, xid: 0x8dc2fe, relays: 0, codes: [1, 6, 8, 3] },
  { name: 'dhclient-4.4.3-request.hex', type: 3, xid: 0x46edca, relays: 0, codes: [1, 2, 6, 8, 3] },
  { name: 'dhclient-4.4.3-renew.hex', type: 5, xid: 0xefcb85, relays: 0, codes: [1, 2, 6, 8, 3] },
  { name: 'dhclient-4.4.3-rebind.hex', type: 6, xid: 0x0d0fb1, relays: 0, codes: [1, 6, 8, 3] },
  { name: 'dhclient-4.4.3-confirm.hex', type: 4, xid: 0x319559, relays: 0, codes: [1, 6, 8, 3] },
  { name: 'dhclient-4.4.3-release.hex', type: 8, xid: 0x9af6d3, relays: 0, codes: [1, 2, 6, 8, 3] },
  { name: 'dhclient-4.4.3-solicit-pxe-options.hex', type: 1, xid: 0xa894f0, relays: 0, codes: [1, 6, 8, 61, 15, 16, 39, 3] },
  { name: 'dhcpcd-9.4.1-solicit.hex', type: 1, xid: 0xe8ba93, relays: 0, codes: [1, 3, 6, 8, 14, 16] },
  { name: 'dhcrelay-4.4.3-relay-forw-solicit.hex', type: 1, xid: 0xb251cc, relays: 1, codes: [1, 6, 8, 3] },
  { name: 'dhcrelay-4.4.3-relay-forw-request.hex', type: 3, xid: 0x89eed2, relays: 1, codes: [1, 2, 6, 8, 3] },
  { name: 'dhcrelay-4.4.3-relay-forw-nested-solicit.hex', type: 1, xid: 0x5338b3, relays: 2, codes: [1, 6, 8, 3] },
  { name: 'ovmf-2022.11-pxe6-solicit.hex', type: 1, xid: 0x4c0823, relays: 0, codes: [1, 8, 3, 6, 62, 61, 16] },
  { name: 'ovmf-2022.11-pxe6-request.hex', type: 3, xid: 0x4d0823, relays: 0, codes: [1, 8, 2, 3, 6, 62, 61, 16] },
  { name: 'handmade-decline.hex', type: 9, xid: 0xdec11e, relays: 0, codes: [1, 2, 8, 3] },
  { name: 'handmade-relay-forw-8-layers.hex', type: 1, xid: 0x5a1e0d, relays: 8, codes: [1, 8, 6, 3] },
  { name: 'handmade-reply-ia-na-several-iaaddr.hex', type: 7, xid: 0x184131, relays: 0, codes: [2, 1, 7, 3, 23, 24, 39, 59, 60, 13] },
  { name: 'handmade-solicit-duid-en.hex', type: 1, xid: 0x0e0e0e, relays: 0, codes: [1, 8, 6, 3] },
  { name: 'handmade-solicit-duid-uuid-pxe.hex', type: 1, xid: 0x0a55ee, relays: 0, codes: [1, 8, 6, 14, 20, 15, 16, 61, 62, 3] },
  { name: 'handmade-solicit-unknown-options.hex', type: 1, xid: 0x00beef, relays: 0, codes: [1, 65534, 200, 4, 25, 17, 1000] },
];

describe('decodeDhcp6', () => {
  for (const c of cases) {
    test(`${c.name}: type ${c.type}, ${c.relays} relay layer(s), options ${c.codes.join(' ')}`, () => {
      const r = decodeDhcp6(fixture(c.name));
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      const { message, relays } = r.value;
      assert.equal(message.msgType, c.type);
      assert.equal(message.transactionId, c.xid);
      assert.equal(relays.length, c.relays);
      assert.deepEqual(message.options.codes(), c.codes);
    });
  }

  test('views alias the datagram: nothing is copied', () => {
    const buf = fixture('dhcrelay-4.4.3-relay-forw-solicit.hex');
    const r = decodeDhcp6(buf);
    assert.ok(r.ok);
    assert.equal(r.value.message.buffer, buf);
    assert.equal(r.value.relays[0]!.options.buffer, buf);
    assert.equal(r.value.message.options.clientId()!.buffer, buf.buffer);
  });

  test('unknown options survive: codes, repeats and values kept in wire order', () => {
    const r = decodeDhcp6(fixture('handmade-solicit-unknown-options.hex'));
    assert.ok(r.ok);
    const o = r.value.message.options;
    assert.equal(o.count, 8);
    assert.equal(o.instancesOf(65534), 2);
    assert.deepEqual(o.all(65534).map(hex), ['deadbeef', '']);
    assert.equal(hex(o.bytes(1000)!), '787878');
    assert.equal(o.bytes(200)!.length, 0);
  });

  const bad: ReadonlyArray<{ name: string; buf: Uint8Array; want: { code: string; field: string } }> = [
    { name: 'an empty datagram', buf: new Uint8Array(0), want: { code: WireErrorCode.Truncated, field: 'header' } },
    { name: 'three bytes', buf: Uint8Array.of(1, 2, 3), want: { code: WireErrorCode.Truncated, field: 'header' } },
    { name: 'an option running past the end', buf: msg(1, opt(1, ...DUID_LL).slice(0, 8)), want: { code: WireErrorCode.Truncated, field: 'options[1].length' } },
    { name: 'half an option header', buf: msg(1, [0, 8, 0]), want: { code: WireErrorCode.Truncated, field: 'options[8].length' } },
    { name: 'a relay header cut short', buf: Uint8Array.of(12, 0, ...ZERO16), want: { code: WireErrorCode.Truncated, field: 'relay[0].header' } },
    { name: 'a RELAY-FORW without a Relay Message option', buf: Uint8Array.from(relay(12, 0, ZERO16, ZERO16, opt(18, 1))), want: { code: WireErrorCode.Malformed, field: 'relay[0].options[9]' } },
    { name: 'a RELAY-FORW with two Relay Message options', buf: Uint8Array.from(relay(12, 0, ZERO16, ZERO16, opt(9, 1, 0, 0, 0), opt(9, 1, 0, 0, 0))), want: { code: WireErrorCode.Malformed, field: 'relay[0].options[9]' } },
    { name: 'an empty relayed message', buf: Uint8Array.from(relay(12, 0, ZERO16, ZERO16, opt(9))), want: { code: WireErrorCode.Truncated, field: 'header' } },
    { name: 'a RELAY-REPL inside a RELAY-FORW', buf: Uint8Array.from(relay(12, 1, ZERO16, ZERO16, opt(9, ...relay(13, 0, ZERO16, ZERO16, opt(9, 7, 0, 0, 1))))), want: { code: WireErrorCode.Malformed, field: 'relay[1].msg-type' } },
    { name: 'nine relay layers (RFC 8415 §7.6 HOP_COUNT_LIMIT is 8)', buf: fixture('handmade-relay-forw-9-layers.hex'), want: { code: WireErrorCode.Limit, field: 'relay[8]' } },
    { name: 'more than 256 options', buf: msg(1, ...Array.from({ length: 257 }, () => opt(200))), want: { code: WireErrorCode.Limit, field: 'options.count' } },
  ];
  for (const c of bad) {
    test(`${c.name} is a result with the WireError, not an exception`, () => {
      const r = decodeDhcp6(c.buf);
      assert.ok(!r.ok);
      assert.ok(r.error instanceof WireError);
      assert.deepEqual({ code: r.error.code, field: r.error.field }, c.want);
      const m = decodeDhcp6Model(c.buf);
      assert.ok(!m.ok && m.error.code === c.want.code);
    });
  }

  test('an accessor-level problem (a 1-byte ORO) does not fail the decode', () => {
    const r = decodeDhcp6(msg(1, opt(1, ...DUID_LL), opt(6, 23)));
    assert.ok(r.ok);
    assert.equal(r.value.message.options.bytes(6)!.length, 1);
  });

  test('exactly 256 options decode', () => {
    const r = decodeDhcp6(msg(1, ...Array.from({ length: 256 }, () => opt(200))));
    assert.ok(r.ok && r.value.message.options.count === 256);
  });
});

describe('decodeDhcp6Relay', () => {
  test('accepts a relay message', () => {
    const r = decodeDhcp6Relay(fixture('dhcrelay-4.4.3-relay-forw-solicit.hex'));
    assert.ok(r.ok && r.value.relays.length === 1);
  });
  test('refuses a client message on the relay path', () => {
    const r = decodeDhcp6Relay(fixture('dhclient-4.4.3-solicit.hex'));
    assert.ok(!r.ok);
    assert.deepEqual({ code: r.error.code, field: r.error.field }, { code: WireErrorCode.Malformed, field: 'relay[0].msg-type' });
  });
});

describe('decodeDhcp6Model', () => {
  test('a client message: type, transaction id and every option copied', () => {
    const buf = fixture('dhcpcd-9.4.1-solicit.hex');
    const m = decodeDhcp6Model(buf);
    assert.ok(m.ok && !isDhcp6RelayMessage(m.value));
    assert.equal(m.value.msgType, 1);
    assert.equal(m.value.transactionId, 0xe8ba93);
    assert.deepEqual(m.value.options.map((o) => o.code), [1, 3, 6, 8, 14, 16]);
    buf.fill(0);
    const first = m.value.options[0]!;
    assert.ok('data' in first && first.data[0] === 0 && first.data[1] === 1, 'the model owns its bytes');
  });

  test('a relay message: the outer header, its options raw (Relay Message included)', () => {
    const m = decodeDhcp6Model(fixture('dhcrelay-4.4.3-relay-forw-nested-solicit.hex'));
    assert.ok(m.ok && isDhcp6RelayMessage(m.value));
    assert.equal(m.value.hopCount, 1);
    assert.equal(hex(m.value.linkAddress), '20010db8000400000000000000000001');
    assert.deepEqual(m.value.options.map((o) => o.code), [18, 9]);
  });
});
