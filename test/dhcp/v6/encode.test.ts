import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp6MessageType, Dhcp6Opt, Dhcp6Status } from '../../../src/dhcp/v6/constants.ts';
import { decodeDhcp6, decodeDhcp6Model } from '../../../src/dhcp/v6/decode.ts';
import { parseDuid } from '../../../src/dhcp/v6/duid.ts';
import { byteLength, encodeDhcp6, wrapRelayReply } from '../../../src/dhcp/v6/encode.ts';
import type { Dhcp6Message, Dhcp6Option, Dhcp6Packet } from '../../../src/dhcp/v6/model.ts';
import { bootFileParams, ipv6List, text } from '../../../src/dhcp/v6/option-values.ts';
import { parseIPv6 } from '../../../src/wire/addr.ts';
import { EncodeError, EncodeErrorCode } from '../../../src/wire/errors.ts';
import { Writer } from '../../../src/wire/writer.ts';
import { FIXTURES, ascii, fixture, hex } from './support.ts';

/** Encodes into a fresh 0xa5-filled buffer (a dirty pooled slot); checks byteLength. */
function encode(p: Dhcp6Packet, size = 2048): Uint8Array {
  const buf = Buffer.alloc(size, 0xa5);
  const n = encodeDhcp6(p, new Writer(buf));
  assert.equal(n, byteLength(p), 'byteLength equals the bytes written');
  return buf.subarray(0, n);
}

// spec coresmd-dhcp §6: the REPLY coresmd builds for the OVMF REQUEST in
// ovmf-2022.11-pxe6-request.hex, for a node whose first IPv6 address is 2001:db8:1::7, with
// lease_time 1h, hostname nid0007.override.local (§6.4, flags 0) and server_id `LL 00:de:ad:be:ef:00`.
const request = decodeDhcp6(fixture('ovmf-2022.11-pxe6-request.hex'));
assert.ok(request.ok);
const req = request.value.message;
const lease = 3600;
const specReply: Dhcp6Message = {
  msgType: Dhcp6MessageType.Reply,
  transactionId: req.transactionId,
  options: [
    { code: Dhcp6Opt.ServerId, data: parseDuid('LL 00:de:ad:be:ef:00')! },
    { code: Dhcp6Opt.ClientId, data: Uint8Array.from(req.options.clientId()!) },
    {
      code: Dhcp6Opt.IaNa,
      iaid: req.options.iaNa()[0]!.iaid,
      t1: Math.floor(lease / 2),
      t2: Math.floor((lease * 3) / 4),
      options: [{ code: Dhcp6Opt.IaAddr, address: parseIPv6('2001:db8:1::7')!, preferredLifetime: lease, validLifetime: lease }],
    },
    { code: Dhcp6Opt.ClientFqdn, flags: 0, name: 'nid0007.override.local' },
  ],
};

describe('encodeDhcp6', () => {
  const golden = fixture('coresmd-reply-spec-6.reply.hex');

  test('the spec §6 REPLY matches the reviewed golden bytes, emitted into a 0xa5-dirty buffer', () => {
    assert.equal(hex(encode(specReply)), hex(golden));
  });

  test('the FQDN option is flags then ONE name (spec §6.4), not the original per-label encoding', () => {
    const d = decodeDhcp6(encode(specReply));
    assert.ok(d.ok);
    const value = d.value.message.options.bytes(Dhcp6Opt.ClientFqdn)!;
    assert.deepEqual([...value], [0, 7, ...ascii('nid0007'), 8, ...ascii('override'), 5, ...ascii('local'), 0]);
    assert.deepEqual(d.value.message.options.fqdn(), { flags: 0, name: 'nid0007.override.local', fullyQualified: true });
  });

  test('reads back through the views: IA_NA with T1 = L/2, T2 = 3L/4 and one IAADDR', () => {
    const d = decodeDhcp6(encode(specReply));
    assert.ok(d.ok);
    const [ia] = d.value.message.options.iaNa();
    assert.ok(ia);
    assert.deepEqual([ia.iaid, ia.t1, ia.t2], [req.options.iaNa()[0]!.iaid, 1800, 2700]);
    const addrs = ia.options.iaAddrs();
    assert.deepEqual(
      addrs.map((a) => [a.addressText, a.preferredLifetime, a.validLifetime]),
      [['2001:db8:1::7', 3600, 3600]],
    );
  });

  test('writes at an offset and touches nothing outside its range', () => {
    const buf = Buffer.alloc(600, 0xa5);
    const n = encodeDhcp6(specReply, new Writer(buf, 10));
    assert.equal(hex(buf.subarray(10, 10 + n)), hex(golden));
    assert.ok(buf.subarray(0, 10).every((b) => b === 0xa5));
    assert.ok(buf.subarray(10 + n).every((b) => b === 0xa5));
  });

  test('an IA_NA with several IAADDR, status codes and the other reply options round-trips through the views', () => {
    const reply: Dhcp6Message = {
      msgType: Dhcp6MessageType.Advertise,
      transactionId: 0xabcdef,
      options: [
        { code: Dhcp6Opt.ServerId, data: parseDuid('LLT 00:de:ad:be:ef:00')! },
        { code: Dhcp6Opt.Preference, data: Uint8Array.of(255) },
        {
          code: Dhcp6Opt.IaNa,
          iaid: 1,
          t1: 0,
          t2: 0,
          options: [
            { code: Dhcp6Opt.IaAddr, address: parseIPv6('2001:db8::1')!, preferredLifetime: 10, validLifetime: 20 },
            { code: Dhcp6Opt.IaAddr, address: parseIPv6('2001:db8::2')!, preferredLifetime: 0, validLifetime: 0, options: [{ code: Dhcp6Opt.StatusCode, status: Dhcp6Status.NotOnLink, message: 'gone – moved' }] },
            { code: Dhcp6Opt.StatusCode, status: Dhcp6Status.Success },
          ],
        },
        { code: Dhcp6Opt.DnsServers, data: ipv6List(['2001:db8::53', parseIPv6('2001:db8::54')!]) },
        { code: Dhcp6Opt.BootfileUrl, data: text('tftp://[2001:db8::1]/ipxe.efi') },
        { code: Dhcp6Opt.BootfileParam, data: bootFileParams(['a', 'é']) },
        { code: Dhcp6Opt.RapidCommit, data: new Uint8Array(0) },
      ],
    };
    const d = decodeDhcp6(encode(reply));
    assert.ok(d.ok);
    const o = d.value.message.options;
    assert.equal(d.value.message.msgType, Dhcp6MessageType.Advertise);
    assert.equal(d.value.message.transactionId, 0xabcdef);
    assert.equal(o.preference(), 255);
    const ia = o.iaNa()[0]!;
    assert.deepEqual(ia.options.statusCode(), { status: 0, message: '' });
    const [a1, a2] = ia.options.iaAddrs();
    assert.equal(a1!.addressText, '2001:db8::1');
    assert.deepEqual(a2!.options.statusCode(), { status: Dhcp6Status.NotOnLink, message: 'gone – moved' });
    assert.deepEqual(o.dnsServers(), ['2001:db8::53', '2001:db8::54']);
    assert.equal(o.bootFileUrl(), 'tftp://[2001:db8::1]/ipxe.efi');
    assert.deepEqual(o.bootFileParams(), ['a', 'é']);
    assert.equal(o.rapidCommit(), true);
  });

  const bad: ReadonlyArray<{ name: string; packet: Dhcp6Packet; field: string; code?: string }> = [
    { name: 'a transaction id over 24 bits', packet: { msgType: 7, transactionId: 0x1000000, options: [] }, field: 'transaction-id' },
    { name: 'a relay msg-type without the relay fields', packet: { msgType: 13, transactionId: 1, options: [] }, field: 'msg-type' },
    { name: 'a 15-byte link-address', packet: { msgType: 13, hopCount: 0, linkAddress: new Uint8Array(15), peerAddress: new Uint8Array(16), options: [] }, field: 'link-address' },
    { name: 'a 4-byte IAADDR address', packet: { msgType: 7, transactionId: 1, options: [{ code: 3, iaid: 1, t1: 0, t2: 0, options: [{ code: 5, address: Uint8Array.of(10, 0, 0, 1), preferredLifetime: 0, validLifetime: 0 }] }] }, field: 'options[3][5].address' },
    { name: 'a preferred lifetime above the valid one (RFC 8415 §21.6)', packet: { msgType: 7, transactionId: 1, options: [{ code: 5, address: new Uint8Array(16), preferredLifetime: 2, validLifetime: 1 }] }, field: 'options[5].preferred-lifetime' },
    { name: 'FQDN flags with a must-be-zero bit (RFC 4704 §4.1)', packet: { msgType: 7, transactionId: 1, options: [{ code: 39, flags: 8, name: 'a.b' }] }, field: 'options[39].flags' },
    { name: 'an FQDN with an empty label', packet: { msgType: 7, transactionId: 1, options: [{ code: 39, flags: 0, name: 'a..b' }] }, field: 'options[39].name' },
    { name: 'a value over 65535 bytes', packet: { msgType: 7, transactionId: 1, options: [{ code: 16, data: new Uint8Array(65536) }] }, field: 'options[16].length' },
    { name: 'an option code over 16 bits', packet: { msgType: 7, transactionId: 1, options: [{ code: 70000, data: new Uint8Array(0) }] }, field: 'options[70000].code' },
  ];
  for (const c of bad) {
    test(`${c.name} is EncodeError at ${c.field}`, () => {
      const check = (e: unknown) => e instanceof EncodeError && e.code === EncodeErrorCode.Value && e.field === c.field;
      assert.throws(() => encodeDhcp6(c.packet, new Writer(Buffer.alloc(70000))), check);
    });
  }

  test('a writer smaller than the message is ERR_ENCODE_OVERFLOW', () => {
    assert.throws(
      () => encodeDhcp6(specReply, new Writer(Buffer.alloc(byteLength(specReply) - 1))),
      (e: unknown) => e instanceof EncodeError && e.code === EncodeErrorCode.Overflow,
    );
  });
});

describe('decodeDhcp6Model → encodeDhcp6', () => {
  for (const name of FIXTURES) {
    test(`${name} re-encodes to the same bytes`, () => {
      const bytes = fixture(name);
      const m = decodeDhcp6Model(bytes);
      assert.ok(m.ok);
      assert.equal(hex(encode(m.value)), hex(bytes));
    });
  }
});

describe('wrapRelayReply', () => {
  const nested = decodeDhcp6(fixture('dhcrelay-4.4.3-relay-forw-nested-solicit.hex'));
  assert.ok(nested.ok);
  const advertise: Dhcp6Message = {
    msgType: Dhcp6MessageType.Advertise,
    transactionId: nested.value.message.transactionId,
    options: [
      { code: Dhcp6Opt.ServerId, data: parseDuid('LL 00:de:ad:be:ef:00')! },
      { code: Dhcp6Opt.ClientId, data: Uint8Array.from(nested.value.message.options.clientId()!) },
    ],
  };
  const golden = fixture('coresmd-relay-repl-nested.reply.hex');

  test('one RELAY-REPL per layer, outermost first, hop-count and addresses copied, Interface-Id echoed (RFC 8415 §19.3)', () => {
    const bytes = encode(wrapRelayReply(nested.value.relays, advertise));
    const d = decodeDhcp6(bytes);
    assert.ok(d.ok);
    assert.equal(d.value.relays.length, 2);
    d.value.relays.forEach((r, i) => {
      const f = nested.value.relays[i]!;
      assert.equal(r.msgType, Dhcp6MessageType.RelayRepl);
      assert.equal(r.hopCount, f.hopCount);
      assert.equal(r.linkAddressText, f.linkAddressText);
      assert.equal(r.peerAddressText, f.peerAddressText);
      assert.equal(hex(r.interfaceId!), hex(f.interfaceId!));
    });
    assert.equal(d.value.message.msgType, Dhcp6MessageType.Advertise);
    assert.equal(d.value.message.transactionId, advertise.transactionId);
  });

  test('matches the reviewed golden bytes', () => {
    assert.equal(hex(encode(wrapRelayReply(nested.value.relays, advertise))), hex(golden));
  });

  test('no relay layers: the reply itself; a layer without Interface-Id gets none', () => {
    assert.equal(wrapRelayReply([], advertise), advertise);
    const layer = { hopCount: 0, linkAddress: new Uint8Array(16), peerAddress: parseIPv6('fe80::1')! };
    const wrapped = wrapRelayReply([layer], advertise);
    assert.deepEqual(
      wrapped.options.map((o: Dhcp6Option) => o.code),
      [Dhcp6Opt.RelayMsg],
    );
  });
});
