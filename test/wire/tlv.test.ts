import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError, WireErrorCode } from '../../src/wire/errors.ts';
import { TlvCursor, walkTlv } from '../../src/wire/tlv.ts';
import type { TlvFormat } from '../../src/wire/tlv.ts';
import { parseAnnotatedHex } from '../support/hex.ts';
import { wireErrorOf } from '../support/wire-error.ts';

const DHCP4: TlvFormat = { codeBytes: 1, lenBytes: 1, pad: 0, end: 255, maxCount: 16, field: 'options' };
const DHCP6: TlvFormat = { codeBytes: 2, lenBytes: 2, maxCount: 16, field: 'options' };
const RELAY82: TlvFormat = { codeBytes: 1, lenBytes: 1, maxCount: 8, field: 'options[82]' };

type Item = [code: number, value: number[]];

function collect(bytes: Uint8Array, start: number, end: number, format: TlvFormat): { items: Item[]; stop: number } {
  const items: Item[] = [];
  const stop = walkTlv(bytes, start, end, format, (code, s, e) => items.push([code, [...bytes.subarray(s, e)]]));
  return { items, stop };
}


describe('walkTlv', () => {
  const cases: ReadonlyArray<{ name: string; format: TlvFormat; hex: string; start?: number; want: Item[]; stop: number }> = [
    {
      name: 'DHCPv4 options with pad and end; bytes after End are not options',
      format: DHCP4,
      hex: `35 01 01                ; 53 message type: DISCOVER
            00 00                   ; pad, pad
            3d 07 01 aabbccddeeff   ; 61 client id: htype 1 + MAC
            0c 00                   ; 12 host name, empty
            ff                      ; end
            00 35 99                ; padding and junk after End`,
      want: [[53, [1]], [61, [1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]], [12, []]],
      stop: 16,
    },
    {
      name: 'DHCPv4 options without End stop at the range end',
      format: DHCP4,
      hex: `37 03 01 03 06   ; 55 parameter request list
            00              ; pad`,
      want: [[55, [1, 3, 6]]],
      stop: 6,
    },
    {
      name: 'DHCPv4 duplicates are visited in order (RFC 3396 concatenation is the codec’s job)',
      format: DHCP4,
      hex: '2b 02 01 02  2b 01 03',
      want: [[43, [1, 2]], [43, [3]]],
      stop: 7,
    },
    {
      name: 'DHCPv6 options: 2-byte code and length, code 0 is an ordinary option',
      format: DHCP6,
      hex: `0001 000a 0003 0001 aabbccddeeff  ; OPTION_CLIENTID, DUID-LL
            0006 0004 0017 0018              ; OPTION_ORO: DNS servers, domain list
            0000 0000                        ; code 0, empty
            0008 0002 ffff                   ; OPTION_ELAPSED_TIME`,
      want: [[1, [0, 3, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]], [6, [0, 0x17, 0, 0x18]], [0, []], [8, [0xff, 0xff]]],
      stop: 32,
    },
    {
      name: 'option 82 sub-options in the middle of a buffer: offsets are absolute',
      format: RELAY82,
      hex: `52 0c               ; option 82, length 12 (outside the walked range)
            01 04 65746830      ; circuit id "eth0"
            02 04 0a000001      ; remote id`,
      start: 2,
      want: [[1, [0x65, 0x74, 0x68, 0x30]], [2, [10, 0, 0, 1]]],
      stop: 14,
    },
    { name: 'an empty range visits nothing', format: DHCP4, hex: '', want: [], stop: 0 },
    { name: 'only pads', format: DHCP4, hex: '00 00 00', want: [], stop: 3 },
    { name: 'End first', format: DHCP4, hex: 'ff 35 01 01', want: [], stop: 0 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const bytes = parseAnnotatedHex(c.hex);
      const got = collect(bytes, c.start ?? 0, bytes.length, c.format);
      assert.deepEqual(got.items, c.want);
      assert.equal(got.stop, c.stop);
    });
  }

  test('the walk stays inside [start, end) even when the buffer goes on', () => {
    const bytes = parseAnnotatedHex('01 01 aa  02 01 bb  03 01 cc');
    assert.deepEqual(collect(bytes, 3, 6, RELAY82).items, [[2, [0xbb]]]);
  });
});

describe('walkTlv errors', () => {
  const cases: ReadonlyArray<{ name: string; format: TlvFormat; hex: string; start?: number; end?: number; want: { code: string; offset: number; field: string } }> = [
    { name: 'DHCPv4 length byte missing', format: DHCP4, hex: '35 01 01 3d', want: { code: WireErrorCode.Truncated, offset: 4, field: 'options[61].length' } },
    { name: 'DHCPv4 value longer than the rest', format: DHCP4, hex: '3d 07 01 aa bb', want: { code: WireErrorCode.Truncated, offset: 1, field: 'options[61].length' } },
    { name: 'DHCPv4 value running over End', format: DHCP4, hex: '0c 04 61 62 ff', want: { code: WireErrorCode.Truncated, offset: 1, field: 'options[12].length' } },
    { name: 'DHCPv6 half a code', format: DHCP6, hex: '0001 0000 00', want: { code: WireErrorCode.Truncated, offset: 4, field: 'options.code' } },
    { name: 'DHCPv6 half a length', format: DHCP6, hex: '0017 00', want: { code: WireErrorCode.Truncated, offset: 2, field: 'options[23].length' } },
    { name: 'DHCPv6 value longer than the rest', format: DHCP6, hex: '0017 0010 20010db8', want: { code: WireErrorCode.Truncated, offset: 2, field: 'options[23].length' } },
    { name: 'a sub-option cut by the end of its parent', format: RELAY82, hex: '01 04 65 74 68 30 99', end: 5, want: { code: WireErrorCode.Truncated, offset: 1, field: 'options[82][1].length' } },
    { name: 'a range beyond the buffer', format: DHCP4, hex: '35 01 01', end: 4, want: { code: WireErrorCode.Truncated, offset: 3, field: 'options' } },
    { name: 'a range that ends before it starts', format: DHCP4, hex: '35 01 01', start: 2, end: 1, want: { code: WireErrorCode.Malformed, offset: 0, field: 'options' } },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.want.code} ${c.want.field}`, () => {
      const bytes = parseAnnotatedHex(c.hex);
      assert.deepEqual(wireErrorOf(() => collect(bytes, c.start ?? 0, c.end ?? bytes.length, c.format)), c.want);
    });
  }

  test('more than maxCount options is ERR_WIRE_LIMIT at the first one too many', () => {
    const format: TlvFormat = { ...DHCP4, maxCount: 3 };
    const three = parseAnnotatedHex('01 00  02 00  03 00  ff');
    assert.equal(collect(three, 0, three.length, format).items.length, 3, 'exactly maxCount is fine');
    const four = parseAnnotatedHex('01 00  02 00  03 00  04 00');
    assert.deepEqual(wireErrorOf(() => collect(four, 0, four.length, format)), { code: WireErrorCode.Limit, offset: 6, field: 'options.count' });
  });

  test('pads do not count toward maxCount', () => {
    const bytes = new Uint8Array(1500); // all Pad
    bytes.set([0x35, 0x01, 0x05], 1400);
    const got = collect(bytes, 0, bytes.length, { ...DHCP4, maxCount: 1 });
    assert.deepEqual(got.items, [[53, [5]]]);
  });

  test('no visit happens for the option whose length is bad', () => {
    const bytes = parseAnnotatedHex('35 01 01  3d 09 01');
    const seen: number[] = [];
    assert.throws(() => walkTlv(bytes, 0, bytes.length, DHCP4, (code) => seen.push(code)), WireError);
    assert.deepEqual(seen, [53]);
  });
});

describe('TlvCursor', () => {
  test('iterates without a callback and reports the End marker and count', () => {
    const bytes = parseAnnotatedHex('00  35 01 02  36 04 0a000001  ff  00');
    const c = new TlvCursor(bytes, 0, bytes.length, DHCP4);
    const codes: number[] = [];
    while (c.next()) codes.push(c.code, c.valueEnd - c.valueStart);
    assert.deepEqual(codes, [53, 1, 54, 4]);
    assert.equal(c.endMarker, 10);
    assert.equal(c.count, 2);
    assert.equal(c.next(), false, 'stays finished');
  });

  test('endMarker is -1 when the range ends without End', () => {
    const bytes = parseAnnotatedHex('35 01 02');
    const c = new TlvCursor(bytes, 0, bytes.length, DHCP4);
    while (c.next());
    assert.equal(c.endMarker, -1);
  });
});
