import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp4View, peekDhcp4 } from '../../../src/dhcp/v4/view.ts';
import { formatIPv4 } from '../../../src/wire/addr.ts';
import { WireErrorCode } from '../../../src/wire/errors.ts';
import { fixture, request, wireErrorOf } from './support.ts';
import type { FixtureName } from './support.ts';

interface Header {
  length: number;
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  broadcast: boolean;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  chaddr: string;
}

const base = { op: 1, htype: 1, hlen: 6, hops: 0, secs: 0, flags: 0, broadcast: false, ciaddr: '0.0.0.0', yiaddr: '0.0.0.0', siaddr: '0.0.0.0', giaddr: '0.0.0.0' };
const lab1 = '52:54:00:d4:00:01';

// Every getter of every capture; values read off the annotated hex and the capture script.
const cases: ReadonlyArray<{ fixture: FixtureName; want: Header }> = [
  { fixture: 'dhclient-4.4.3-discover.hex', want: { ...base, length: 300, xid: 0x71bb572c, chaddr: lab1 } },
  { fixture: 'dhclient-4.4.3-request-selecting.hex', want: { ...base, length: 300, xid: 0x71bb572c, chaddr: lab1 } },
  // RFC 2131 §4.4.6: a RELEASE carries the leased address in ciaddr.
  { fixture: 'dhclient-4.4.3-release.hex', want: { ...base, length: 300, xid: 0xcd45325c, ciaddr: '192.0.2.100', chaddr: lab1 } },
  { fixture: 'udhcpc-1.35-discover.hex', want: { ...base, length: 300, xid: 0xc2c4c33d, chaddr: lab1 } },
  { fixture: 'udhcpc-1.35-discover-pxe-efi64.hex', want: { ...base, length: 300, xid: 0x9b6a3c29, chaddr: lab1 } },
  { fixture: 'udhcpc-1.35-discover-user-class-rfc3004.hex', want: { ...base, length: 300, xid: 0xf7444d0c, chaddr: lab1 } },
  { fixture: 'udhcpc-1.35-discover-user-class-plain.hex', want: { ...base, length: 300, xid: 0x292a3c4d, chaddr: lab1 } },
  { fixture: 'udhcpc-1.35-request-selecting.hex', want: { ...base, length: 300, xid: 0xf703b82e, chaddr: lab1 } },
  // The relay bumped hops and set giaddr to its client-side address (RFC 1542 §4.1.1).
  {
    fixture: 'dhcrelay-4.4.3-discover-option82.hex',
    want: { ...base, length: 300, hops: 1, xid: 0x40547b14, giaddr: '198.51.100.1', chaddr: '52:54:00:d4:00:02' },
  },
  // iPXE (ab)uses secs for session metadata: (count << 2) | flags (src/net/udp/dhcp.c dhcp_tx).
  { fixture: 'ipxe-1.0.0-git20190125-discover.hex', want: { ...base, length: 400, secs: 4, xid: 0x3be94138, chaddr: '52:54:00:d4:00:10' } },
  { fixture: 'ipxe-1.0.0-git20190125-request.hex', want: { ...base, length: 412, secs: 18, xid: 0x3be94138, chaddr: '52:54:00:d4:00:10' } },
  // EDK II sets the BROADCAST flag: it cannot take a unicast before it has an address.
  {
    fixture: 'ovmf-2022.11-pxe-discover.hex',
    want: { ...base, length: 347, flags: 0x8000, broadcast: true, xid: 0x734f3c9c, chaddr: '52:54:00:d4:00:11' },
  },
];

describe('Dhcp4View over captured requests', () => {
  for (const c of cases) {
    test(`${c.fixture}: every header getter`, () => {
      const buf = fixture(c.fixture);
      const v = Dhcp4View.check(buf);
      const got: Header = {
        length: buf.length,
        op: v.op,
        htype: v.htype,
        hlen: v.hlen,
        hops: v.hops,
        xid: v.xid,
        secs: v.secs,
        flags: v.flags,
        broadcast: v.broadcast,
        ciaddr: formatIPv4(v.ciaddr),
        yiaddr: formatIPv4(v.yiaddr),
        siaddr: formatIPv4(v.siaddr),
        giaddr: formatIPv4(v.giaddr),
        chaddr: v.chaddrText,
      };
      assert.deepEqual(got, c.want);
      assert.equal(v.chaddr.length, 6);
      assert.deepEqual([...v.chaddr], c.want.chaddr.split(':').map((h) => parseInt(h, 16)));
      assert.equal(v.sname.length, 0, 'sname is empty in every capture');
      assert.equal(v.file.length, 0, 'file is empty in every capture');
      assert.equal(v.buffer, buf);
      assert.equal(peekDhcp4(buf), true);
    });
  }
});

describe('Dhcp4View fields', () => {
  test('chaddr is zero-copy and hlen bytes long, up to 16', () => {
    const buf = request([255]);
    buf[2] = 16;
    buf.set([...Array(16).keys()], 28);
    const v = Dhcp4View.check(buf);
    assert.equal(v.chaddr.length, 16);
    assert.equal(v.chaddr.buffer, buf.buffer);
    assert.equal(v.chaddrText, '00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f');
  });

  test('hlen 0 gives an empty chaddr', () => {
    const buf = request([255]);
    buf[2] = 0;
    const v = Dhcp4View.check(buf);
    assert.equal(v.chaddr.length, 0);
    assert.equal(v.chaddrText, '');
  });

  test('sname and file stop at the first NUL, or fill the field without one', () => {
    const sname = [...'boot-server'].map((c) => c.charCodeAt(0));
    const file = Array.from({ length: 128 }, () => 0x41);
    const v = Dhcp4View.check(request([255], { sname: [...sname, 0, 0x58], file }));
    assert.equal(Buffer.from(v.sname).toString('latin1'), 'boot-server');
    assert.equal(v.file.length, 128, 'a full field has no NUL and is all name');
    assert.ok(v.file.every((b) => b === 0x41));
  });

  test('big-endian multi-byte fields and the BROADCAST bit alone', () => {
    const buf = request([255]);
    buf.set([0xff, 0xfe, 0xfd, 0xfc], 4); // xid
    buf.set([0x01, 0x02], 8); // secs
    buf.set([0x80, 0x01], 10); // flags: BROADCAST plus a reserved bit
    buf.set([10, 0, 0, 1, 10, 0, 0, 2, 10, 0, 0, 3, 10, 0, 0, 4], 12);
    const v = Dhcp4View.check(buf);
    assert.equal(v.xid, 0xfffefdfc);
    assert.equal(v.secs, 0x0102);
    assert.equal(v.flags, 0x8001);
    assert.equal(v.broadcast, true);
    assert.deepEqual([v.ciaddr, v.yiaddr, v.siaddr, v.giaddr].map(formatIPv4), ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
  });

  test('a view over a Buffer that is a slice of a larger slab reads its own bytes', () => {
    const slab = Buffer.alloc(4096, 0xee);
    const msg = request([53, 1, 1, 255]);
    slab.set(msg, 1000);
    const v = Dhcp4View.check(slab.subarray(1000, 1000 + msg.length));
    assert.equal(v.xid, 0x01020304);
    assert.equal(v.chaddrText, '52:54:00:00:00:01');
  });
});

describe('Dhcp4View.check rejects what is not DHCP', () => {
  const bad: ReadonlyArray<{ name: string; make: () => Uint8Array; want: { code: string; offset: number; field: string } }> = [
    { name: 'empty datagram', make: () => new Uint8Array(0), want: { code: WireErrorCode.Truncated, offset: 0, field: 'header' } },
    { name: '239 bytes (one short of the cookie)', make: () => request([]).subarray(0, 239), want: { code: WireErrorCode.Truncated, offset: 239, field: 'header' } },
    {
      name: 'op 3',
      make: () => request([255], { op: 3 }),
      want: { code: WireErrorCode.Malformed, offset: 0, field: 'op' },
    },
    {
      name: 'op 0',
      make: () => request([255], { op: 0 }),
      want: { code: WireErrorCode.Malformed, offset: 0, field: 'op' },
    },
    {
      name: 'hlen 17 (chaddr is 16 octets, RFC 2131 §2)',
      make: () => {
        const b = request([255]);
        b[2] = 17;
        return b;
      },
      want: { code: WireErrorCode.Malformed, offset: 2, field: 'hlen' },
    },
    {
      name: 'BOOTP without the magic cookie',
      make: () => {
        const b = request([255]);
        b[239] = 98;
        return b;
      },
      want: { code: WireErrorCode.Malformed, offset: 236, field: 'cookie' },
    },
  ];
  for (const c of bad) {
    test(c.name, () => assert.deepEqual(wireErrorOf(() => Dhcp4View.check(c.make())), c.want));
  }

  test('exactly 240 bytes (header and cookie, no options) is accepted', () => {
    const v = Dhcp4View.check(request([]));
    assert.equal(v.op, 1);
  });

  test('a BOOTREPLY is a valid view (the codec reads replies too)', () => {
    assert.equal(Dhcp4View.check(request([255], { op: 2 })).op, 2);
  });
});

describe('peekDhcp4', () => {
  const cases: ReadonlyArray<[name: string, buf: Uint8Array, want: boolean]> = [
    ['a BOOTREQUEST with the cookie', request([255]), true],
    ['a BOOTREPLY (servers ignore them)', request([255], { op: 2 }), false],
    ['too short', request([255]).subarray(0, 239), false],
    ['no cookie', Uint8Array.from(request([255]), (b, i) => (i === 236 ? 0 : b)), false],
    ['empty', new Uint8Array(0), false],
  ];
  for (const [name, buf, want] of cases) test(`${name} → ${want}`, () => assert.equal(peekDhcp4(buf), want));
});
