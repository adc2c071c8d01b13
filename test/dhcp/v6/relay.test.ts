import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDhcp6, unwrapDhcp6 } from '../../../src/dhcp/v6/decode.ts';
import { macFromDuid } from '../../../src/dhcp/v6/duid.ts';
import { macFromEui64, macFromLinkLayerAddress } from '../../../src/dhcp/v6/link-layer.ts';
import { Dhcp6RelayView } from '../../../src/dhcp/v6/relay.ts';
import { WireErrorCode } from '../../../src/wire/errors.ts';
import { DUID_LL, ZERO16, fixture, hex, msg, opt, relay, wireErrorOf } from './support.ts';

describe('relay layers (RFC 8415 §9, §19)', () => {
  test('ISC dhcrelay -I: one RELAY-FORW with link-address, the client link-local peer and an Interface-Id', () => {
    const r = decodeDhcp6(fixture('dhcrelay-4.4.3-relay-forw-solicit.hex'));
    assert.ok(r.ok);
    const [layer] = r.value.relays;
    assert.ok(layer);
    assert.equal(layer.msgType, 12);
    assert.equal(layer.hopCount, 0);
    assert.equal(layer.linkAddressText, '2001:db8:2::1');
    assert.equal(layer.peerAddressText, 'fe80::5054:ff:fed6:2');
    // ISC dhcrelay -I sends 4 opaque bytes (01 00 00 00 in this capture) and expects them back.
    assert.equal(layer.interfaceId?.length, 4);
    assert.equal(layer.clientLinkLayerAddress(), undefined, 'ISC dhcrelay 4.4.3 adds no option 79');
    assert.equal(macFromEui64(layer.peerAddress), '52:54:00:d6:00:02');
    assert.equal(macFromDuid(r.value.message.options.clientId()!), '52:54:00:d6:00:02');
  });

  test('two ISC dhcrelays in a row: outermost first, hop counts 1 then 0', () => {
    const r = decodeDhcp6(fixture('dhcrelay-4.4.3-relay-forw-nested-solicit.hex'));
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.relays.map((l) => [l.hopCount, l.linkAddressText, l.peerAddressText]),
      [
        [1, '2001:db8:4::1', '2001:db8:4::2'],
        [0, '2001:db8:3::1', 'fe80::5054:ff:fed6:3'],
      ],
    );
    assert.equal(r.value.message.msgType, 1);
  });

  test('eight layers, the hop limit: every layer decoded, the innermost with Interface-Id, Remote-ID and option 79', () => {
    const r = decodeDhcp6(fixture('handmade-relay-forw-8-layers.hex'));
    assert.ok(r.ok);
    const relays = r.value.relays;
    assert.deepEqual(relays.map((l) => l.hopCount), [7, 6, 5, 4, 3, 2, 1, 0]);
    assert.deepEqual(relays.slice(0, 7).map((l) => Buffer.from(l.interfaceId!).toString('latin1')), ['hop7', 'hop6', 'hop5', 'hop4', 'hop3', 'hop2', 'hop1']);
    const first = relays[7]!;
    assert.equal(Buffer.from(first.interfaceId!).toString('latin1'), 'swp21');
    const rid = first.remoteId()!;
    assert.deepEqual([rid.enterpriseNumber, Buffer.from(rid.remoteId).toString('latin1')], [32473, 'rack7-port21']);
    const lla = first.clientLinkLayerAddress()!;
    assert.equal(lla.linkLayerType, 1);
    assert.equal(macFromLinkLayerAddress(lla), '52:54:00:d6:00:21');
    assert.equal(macFromEui64(first.peerAddress), '52:54:00:d6:00:21');
    assert.deepEqual(first.options.codes(), [18, 37, 79, 9]);
  });

  test('a ninth layer is ERR_WIRE_LIMIT at relay[8], at its offset', () => {
    const buf = fixture('handmade-relay-forw-9-layers.hex');
    const e = wireErrorOf(() => unwrapDhcp6(buf));
    assert.equal(e.code, WireErrorCode.Limit);
    assert.equal(e.field, 'relay[8]');
    assert.equal(buf[e.offset], 12);
    assert.equal(buf[e.offset + 1], 0, 'the innermost layer, hop-count 0, is the one past the limit');
  });

  test('RELAY-REPL nesting unwraps the same way (what a relay receives)', () => {
    const buf = fixture('coresmd-relay-repl-nested.reply.hex');
    const r = decodeDhcp6(buf);
    assert.ok(r.ok);
    assert.deepEqual(r.value.relays.map((l) => l.msgType), [13, 13]);
    assert.equal(r.value.message.msgType, 2);
  });

  test('unwrapDhcp6 works on a range of a larger buffer, offsets staying absolute', () => {
    const inner = msg(1, opt(1, ...DUID_LL));
    const packet = relay(12, 0, ZERO16, ZERO16, opt(9, ...inner));
    const buf = Uint8Array.from([0xee, 0xee, ...packet, 0xee]);
    const d = unwrapDhcp6(buf, 2, 2 + packet.length);
    assert.equal(d.relays[0]!.start, 2);
    assert.equal(d.message.start, 2 + 34 + 4);
    assert.equal(hex(d.message.bytes), hex(inner));
  });

  test('Dhcp6RelayView.check refuses a client message', () => {
    assert.deepEqual(wireErrorOf(() => Dhcp6RelayView.check(msg(1), 0, 4, 2)), { code: WireErrorCode.Truncated, offset: 4, field: 'relay[2].header' });
    const notRelay = Uint8Array.from([1, ...new Array<number>(40).fill(0)]);
    assert.deepEqual(wireErrorOf(() => Dhcp6RelayView.check(notRelay)), { code: WireErrorCode.Malformed, offset: 0, field: 'relay[0].msg-type' });
  });
});
