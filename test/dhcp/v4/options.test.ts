import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp4Options, MAX_DHCP4_OPTIONS } from '../../../src/dhcp/v4/options.ts';
import { decodeU16List } from '../../../src/dhcp/v4/option-values.ts';
import { Dhcp4View } from '../../../src/dhcp/v4/view.ts';
import { formatIPv4 } from '../../../src/wire/addr.ts';
import { WireErrorCode } from '../../../src/wire/errors.ts';
import { fixture, request, wireErrorOf } from './support.ts';
import type { FixtureName } from './support.ts';

const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('hex'));
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const optionsOf = (buf: Uint8Array) => Dhcp4Options.decode(Dhcp4View.check(buf));

interface Accessors {
  codes: readonly number[];
  messageType: number | undefined;
  maxMessageSize: number | undefined;
  requestedIp: string | undefined;
  serverId: string | undefined;
  leaseTime: number | undefined;
  clientId: string | undefined;
  parameterRequestList: number[] | undefined;
  vendorClass: string | undefined;
  hostname: string | undefined;
  userClass: { form: string; classes: readonly string[] } | undefined;
  clientArch: number[] | undefined;
  clientNdi: { type: number; major: number; minor: number } | undefined;
  uuid: { type: number; guid: string | undefined } | undefined;
  relay: { raw: string | undefined; circuitId: string | undefined; subOptions: number[] } | undefined;
  ipxe: { features: readonly number[]; busId: unknown; version: unknown } | undefined;
}

function read(o: Dhcp4Options): Accessors {
  const ip = (v: number | undefined) => (v === undefined ? undefined : formatIPv4(v));
  const uc = o.userClass();
  const uuid = o.uuid();
  const relay = o.relayAgentInfo();
  const ipxe = o.ipxe();
  return {
    codes: o.codes(),
    messageType: o.messageType(),
    maxMessageSize: o.maxMessageSize(),
    requestedIp: ip(o.requestedIp()),
    serverId: ip(o.serverId()),
    leaseTime: o.leaseTime(),
    clientId: hex(o.clientId()),
    parameterRequestList: o.parameterRequestList() && [...o.parameterRequestList()!],
    vendorClass: o.vendorClass(),
    hostname: o.hostname(),
    userClass: uc && { form: uc.form, classes: uc.classes },
    clientArch: o.clientArch(),
    clientNdi: o.clientNdi(),
    uuid: uuid && { type: uuid.type, guid: hex(uuid.guid) },
    relay: relay && {
      raw: hex(relay.raw),
      circuitId: relay.circuitId && Buffer.from(relay.circuitId).toString('latin1'),
      subOptions: relay.subOptions.map((s) => s.code),
    },
    ipxe: ipxe && { features: ipxe.features, busId: ipxe.busId, version: ipxe.version },
  };
}

const none: Omit<Accessors, 'codes' | 'messageType' | 'parameterRequestList'> = {
  maxMessageSize: undefined,
  requestedIp: undefined,
  serverId: undefined,
  leaseTime: undefined,
  clientId: undefined,
  vendorClass: undefined,
  hostname: undefined,
  userClass: undefined,
  clientArch: undefined,
  clientNdi: undefined,
  uuid: undefined,
  relay: undefined,
  ipxe: undefined,
};

// /etc/dhcp/dhclient.conf on Debian 12: request subnet-mask, broadcast-address, time-offset,
// routers, domain-name, domain-name-servers, domain-search, host-name, netbios-name-servers,
// netbios-scope, interface-mtu, rfc3442-classless-static-routes, ntp-servers.
const dhclientPrl = [1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42];
// BusyBox udhcpc's default request list (options marked OPTION_REQ in common.c).
const udhcpcPrl = [1, 3, 6, 12, 15, 28, 42];
const udhcpcId = '01525400d40001';
// iPXE dhcp_request_options_data PRL: 1 3 6 7 12 15 17 26 43 60 66 67 119, 128–135 for PXE, 175 203.
const ipxePrl = [1, 3, 6, 7, 12, 15, 17, 26, 43, 60, 66, 67, 119, 128, 129, 130, 131, 132, 133, 134, 135, 175, 203];
// features.h codes this build declares, in the order its linker table put them.
const ipxeFeatures = [0x17, 0x22, 0x13, 0x11, 0x27, 0x19, 0x29, 0x10, 0x21, 0x15, 0x18, 0x12];
const ipxe = {
  features: ipxeFeatures,
  busId: { type: 1, vendor: 0x8086, device: 0x100e }, // PCI, QEMU's e1000 (82540EM)
  version: { major: 1, minor: 0, patch: 0 },
};

const cases: ReadonlyArray<{ fixture: FixtureName; want: Accessors }> = [
  {
    fixture: 'dhclient-4.4.3-discover.hex',
    want: { ...none, codes: [53, 12, 55], messageType: 1, hostname: 'd4-client', parameterRequestList: dhclientPrl },
  },
  {
    fixture: 'dhclient-4.4.3-request-selecting.hex',
    want: {
      ...none,
      codes: [53, 54, 50, 12, 55],
      messageType: 3,
      serverId: '192.0.2.1',
      requestedIp: '192.0.2.100',
      hostname: 'd4-client',
      parameterRequestList: dhclientPrl,
    },
  },
  {
    fixture: 'dhclient-4.4.3-release.hex',
    want: { ...none, codes: [53, 54, 12], messageType: 7, serverId: '192.0.2.1', hostname: 'd4-client', parameterRequestList: undefined },
  },
  {
    fixture: 'udhcpc-1.35-discover.hex',
    want: {
      ...none,
      codes: [53, 57, 55, 60, 61],
      messageType: 1,
      maxMessageSize: 576,
      parameterRequestList: udhcpcPrl,
      vendorClass: 'udhcp 1.35.0',
      clientId: udhcpcId,
    },
  },
  {
    fixture: 'udhcpc-1.35-discover-pxe-efi64.hex',
    want: {
      ...none,
      codes: [53, 57, 55, 60, 61, 93],
      messageType: 1,
      maxMessageSize: 576,
      parameterRequestList: udhcpcPrl,
      vendorClass: 'PXEClient',
      clientId: udhcpcId,
      clientArch: [7],
    },
  },
  {
    fixture: 'udhcpc-1.35-discover-user-class-rfc3004.hex',
    want: {
      ...none,
      codes: [53, 57, 55, 60, 61, 77],
      messageType: 1,
      maxMessageSize: 576,
      parameterRequestList: udhcpcPrl,
      vendorClass: 'udhcp 1.35.0',
      clientId: udhcpcId,
      userClass: { form: 'rfc3004', classes: ['iPXE', 'cluster'] },
    },
  },
  {
    fixture: 'udhcpc-1.35-discover-user-class-plain.hex',
    want: {
      ...none,
      codes: [53, 57, 55, 60, 61, 77],
      messageType: 1,
      maxMessageSize: 576,
      parameterRequestList: udhcpcPrl,
      vendorClass: 'udhcp 1.35.0',
      clientId: udhcpcId,
      userClass: { form: 'plain', classes: ['iPXE'] },
    },
  },
  {
    fixture: 'udhcpc-1.35-request-selecting.hex',
    want: {
      ...none,
      codes: [53, 50, 54, 57, 55, 60, 61],
      messageType: 3,
      requestedIp: '192.0.2.100',
      serverId: '192.0.2.1',
      maxMessageSize: 576,
      parameterRequestList: udhcpcPrl,
      vendorClass: 'udhcp 1.35.0',
      clientId: udhcpcId,
    },
  },
  {
    fixture: 'dhcrelay-4.4.3-discover-option82.hex',
    want: {
      ...none,
      codes: [53, 57, 55, 60, 61, 82],
      messageType: 1,
      maxMessageSize: 576,
      parameterRequestList: udhcpcPrl,
      vendorClass: 'udhcp 1.35.0',
      clientId: '01525400d40002',
      // dhcrelay -a: circuit id = the name of the interface the request came in on.
      relay: { raw: '010473777037', circuitId: 'swp7', subOptions: [1] },
    },
  },
  {
    fixture: 'ipxe-1.0.0-git20190125-discover.hex',
    want: {
      ...none,
      codes: [53, 57, 93, 94, 60, 77, 55, 175, 61, 97],
      messageType: 1,
      maxMessageSize: 1472, // ETH_MAX_MTU - 20 - 8
      clientArch: [0],
      clientNdi: { type: 1, major: 2, minor: 1 },
      vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
      userClass: { form: 'plain', classes: ['iPXE'] },
      parameterRequestList: ipxePrl,
      ipxe,
      clientId: '01525400d40010',
      uuid: { type: 0, guid: '00'.repeat(16) }, // QEMU without -uuid
    },
  },
  {
    fixture: 'ipxe-1.0.0-git20190125-request.hex',
    want: {
      ...none,
      codes: [53, 57, 93, 94, 60, 77, 55, 175, 61, 97, 54, 50],
      messageType: 3,
      maxMessageSize: 1472,
      clientArch: [0],
      clientNdi: { type: 1, major: 2, minor: 1 },
      vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
      userClass: { form: 'plain', classes: ['iPXE'] },
      parameterRequestList: ipxePrl,
      ipxe,
      clientId: '01525400d40010',
      uuid: { type: 0, guid: '00'.repeat(16) },
      serverId: '192.0.2.1',
      requestedIp: '192.0.2.102',
    },
  },
  {
    fixture: 'ovmf-2022.11-pxe-discover.hex',
    want: {
      ...none,
      codes: [53, 57, 55, 97, 94, 93, 60],
      messageType: 1,
      maxMessageSize: 1472,
      parameterRequestList: [1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135],
      uuid: { type: 0, guid: '00'.repeat(16) },
      clientNdi: { type: 1, major: 3, minor: 0 },
      clientArch: [7],
      vendorClass: 'PXEClient:Arch:00007:UNDI:003000',
    },
  },
];

describe('Dhcp4Options over captured requests', () => {
  for (const c of cases) {
    test(`${c.fixture}: every typed accessor`, () => {
      const o = optionsOf(fixture(c.fixture));
      assert.deepEqual(read(o), c.want);
      assert.equal(o.overload, 0);
      assert.equal(o.size, c.want.codes.length);
      assert.equal(o.instanceCount, c.want.codes.length, 'no capture repeats a code');
    });
  }

  test('single-instance values are zero-copy views of the datagram', () => {
    const buf = fixture('ipxe-1.0.0-git20190125-discover.hex');
    const o = optionsOf(buf);
    for (const code of o.codes()) assert.equal(o.bytes(code)!.buffer, buf.buffer, `option ${code}`);
    assert.equal(o.offsetOf(53), 242);
    assert.deepEqual([...buf.subarray(240, 243)], [53, 1, 1]);
  });
});

describe('Dhcp4Options walk', () => {
  test('Pad is skipped anywhere and End stops the walk; what follows End is not read', () => {
    const o = optionsOf(request([0, 0, 53, 1, 1, 0, 12, 1, 0x61, 255, 55, 2, 1, 3]));
    assert.deepEqual(o.codes(), [53, 12]);
    assert.equal(o.has(55), false);
    assert.equal(o.hostname(), 'a');
  });

  test('a missing End is tolerated: options run to the end of the datagram', () => {
    const o = optionsOf(request([53, 1, 3, 50, 4, 10, 0, 0, 9]));
    assert.deepEqual(o.codes(), [53, 50]);
    assert.equal(o.requestedIp(), 0x0a000009);
  });

  test('no options at all (240 bytes) is an empty set', () => {
    const o = optionsOf(request([]));
    assert.equal(o.size, 0);
    assert.equal(o.messageType(), undefined);
    assert.deepEqual(o.codes(), []);
  });

  test('unknown codes survive in first-seen order with their bytes', () => {
    const o = optionsOf(request([224, 2, 0xbe, 0xef, 53, 1, 1, 123, 0, 254, 1, 7, 255]));
    assert.deepEqual(o.codes(), [224, 53, 123, 254]);
    assert.equal(hex(o.bytes(224)), 'beef');
    assert.equal(hex(o.bytes(123)), '');
    assert.equal(hex(o.bytes(254)), '07');
    const seen: Array<[number, string | undefined]> = [];
    o.forEach((code, data) => seen.push([code, hex(data)]));
    assert.deepEqual(seen, [[224, 'beef'], [53, '01'], [123, ''], [254, '07']]);
  });

  test('absent options: has() false, bytes() undefined, offsetOf() -1', () => {
    const o = optionsOf(request([53, 1, 1, 255]));
    assert.equal(o.has(61), false);
    assert.equal(o.bytes(61), undefined);
    assert.equal(o.offsetOf(61), -1);
    assert.equal(o.instancesOf(61), 0);
    assert.equal(o.clientArch(), undefined);
    assert.equal(o.relayAgentInfo(), undefined);
    assert.equal(o.ipxe(), undefined);
  });

  const truncated: ReadonlyArray<{ name: string; opts: number[]; want: { code: string; offset: number; field: string } }> = [
    { name: 'a length running past the datagram', opts: [53, 1, 1, 61, 7, 1, 0x52, 0x54], want: { code: WireErrorCode.Truncated, offset: 244, field: 'options[61].length' } },
    { name: 'a code with no length byte', opts: [53, 1, 1, 12], want: { code: WireErrorCode.Truncated, offset: 244, field: 'options[12].length' } },
  ];
  for (const c of truncated) {
    test(`rejects ${c.name}`, () => assert.deepEqual(wireErrorOf(() => optionsOf(request(c.opts))), c.want));
  }
});

describe('Dhcp4Options limit', () => {
  const empties = (n: number, code = 200) => Array.from({ length: n }, () => [code, 0]).flat();

  test(`${MAX_DHCP4_OPTIONS} options are accepted`, () => {
    const o = optionsOf(request([...empties(MAX_DHCP4_OPTIONS), 255]));
    assert.equal(o.instanceCount, MAX_DHCP4_OPTIONS);
    assert.equal(o.size, 1);
    assert.equal(o.bytes(200)!.length, 0);
  });

  test(`option ${MAX_DHCP4_OPTIONS + 1} is ERR_WIRE_LIMIT, Pad does not count`, () => {
    const opts = [0, 0, 0, ...empties(MAX_DHCP4_OPTIONS + 1), 255];
    assert.deepEqual(wireErrorOf(() => optionsOf(request(opts))), {
      code: WireErrorCode.Limit,
      offset: 240 + 3 + MAX_DHCP4_OPTIONS * 2,
      field: 'options.count',
    });
  });

  test('the budget is shared with the overloaded file field', () => {
    const main = [52, 1, 1, ...empties(MAX_DHCP4_OPTIONS - 1), 255];
    const file = [12, 1, 0x61, 255];
    assert.deepEqual(wireErrorOf(() => optionsOf(request(main, { file }))), { code: WireErrorCode.Limit, offset: 108, field: 'file.count' });
  });
});

describe('Dhcp4Options overload (RFC 2132 §9.3) and concatenation (RFC 3396)', () => {
  test('overload 1: options continue in file', () => {
    const file = [12, 4, ...ascii('host'), 55, 2, 1, 3, 255];
    const o = optionsOf(request([53, 1, 1, 52, 1, 1, 255], { file, sname: ascii('srv') }));
    assert.equal(o.overload, 1);
    assert.deepEqual(o.codes(), [53, 52, 12, 55]);
    assert.equal(o.hostname(), 'host');
    assert.deepEqual([...o.parameterRequestList()!], [1, 3]);
    assert.equal(o.offsetOf(12), 110, 'offsets index the datagram, inside file');
  });

  test('overload 2: options continue in sname; file is not read', () => {
    const sname = [60, 3, ...ascii('PXE'), 255];
    const file = [12, 4, ...ascii('nope'), 255];
    const o = optionsOf(request([53, 1, 1, 52, 1, 2, 255], { sname, file }));
    assert.equal(o.overload, 2);
    assert.deepEqual(o.codes(), [53, 52, 60]);
    assert.equal(o.vendorClass(), 'PXE');
    assert.equal(o.has(12), false);
  });

  test('overload 3: the aggregate is options, then file, then sname (RFC 3396 §5), whatever the header order', () => {
    const o = optionsOf(request([43, 2, 1, 2, 52, 1, 3, 255], { file: [43, 1, 3, 255], sname: [43, 1, 4, 255] }));
    assert.equal(o.overload, 3);
    assert.equal(o.instancesOf(43), 3);
    assert.equal(hex(o.bytes(43)), '01020304');
  });

  test('without option 52, option-like bytes in file are a file name', () => {
    const o = optionsOf(request([53, 1, 1, 255], { file: [12, 4, ...ascii('host'), 255] }));
    assert.equal(o.overload, 0);
    assert.equal(o.has(12), false);
  });

  test('option 52 inside file is ignored: it cannot extend the overload to sname', () => {
    const o = optionsOf(request([52, 1, 1, 255], { file: [52, 1, 3, 12, 1, 0x61, 255], sname: [60, 1, 0x62, 255] }));
    assert.equal(o.overload, 1);
    assert.deepEqual(o.codes(), [52, 12]);
    assert.equal(o.instancesOf(52), 1);
  });

  test('an overloaded field without End stops at the end of the field', () => {
    const sname = Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? 222 : 0));
    const o = optionsOf(request([52, 1, 2, 255], { sname }));
    assert.equal(o.instancesOf(222), 32);
    assert.equal(hex(o.bytes(222)), '');
  });

  const bad52: ReadonlyArray<{ name: string; opts: number[]; want: { code: string; offset: number; field: string } }> = [
    { name: 'length 2', opts: [52, 2, 1, 1, 255], want: { code: WireErrorCode.Malformed, offset: 242, field: 'options[52].length' } },
    { name: 'length 0', opts: [52, 0, 255], want: { code: WireErrorCode.Malformed, offset: 242, field: 'options[52].length' } },
    { name: 'value 0', opts: [52, 1, 0, 255], want: { code: WireErrorCode.Malformed, offset: 242, field: 'options[52]' } },
    { name: 'value 4', opts: [52, 1, 4, 255], want: { code: WireErrorCode.Malformed, offset: 242, field: 'options[52]' } },
    { name: 'two instances joined to length 2', opts: [52, 1, 1, 52, 1, 2, 255], want: { code: WireErrorCode.Malformed, offset: 242, field: 'options[52].length' } },
  ];
  for (const c of bad52) {
    test(`option 52 with ${c.name} is ERR_WIRE_MALFORMED`, () => assert.deepEqual(wireErrorOf(() => optionsOf(request(c.opts))), c.want));
  }

  test('a truncated option inside file names the area', () => {
    const file = [...Array(126).fill(0), 12, 9];
    assert.deepEqual(wireErrorOf(() => optionsOf(request([52, 1, 1, 255], { file }))), {
      code: WireErrorCode.Truncated,
      offset: 108 + 127,
      field: 'file[12].length',
    });
  });

  test('repeated instances are joined in wire order, copied once and cached', () => {
    const buf = request([12, 2, ...ascii('ab'), 53, 1, 1, 12, 1, ...ascii('c'), 255]);
    const o = optionsOf(buf);
    assert.deepEqual(o.codes(), [12, 53]);
    assert.equal(o.instancesOf(12), 2);
    assert.equal(o.hostname(), 'abc');
    const joined = o.bytes(12)!;
    assert.notEqual(joined.buffer, buf.buffer, 'a joined value is a copy');
    assert.equal(o.bytes(12), joined, 'and is built once');
    assert.equal(o.offsetOf(12), 242, 'offsetOf points at the first instance');
  });

  test('a joined option 82 is walked from the joined copy', () => {
    const o = optionsOf(request([82, 4, 1, 4, ...ascii('sw'), 82, 2, ...ascii('p7'), 255]));
    const r = o.relayAgentInfo()!;
    assert.equal(Buffer.from(r.circuitId!).toString('latin1'), 'swp7');
    assert.equal(hex(r.raw), '010473777037');
  });
});

describe('Dhcp4Options accessor errors stay with the accessor', () => {
  // The Go original reads option 93's first two bytes unchecked and panics on a shorter option
  // (spec coresmd-dhcp §10 item 7); here the accessor throws and the rest stays readable.
  const shapes: ReadonlyArray<{ name: string; opts: number[]; read: (o: Dhcp4Options) => unknown; want: { code: string; offset: number; field: string } }> = [
    { name: 'option 93 of 1 byte', opts: [93, 1, 0], read: (o) => o.clientArch(), want: { code: WireErrorCode.Malformed, offset: 245, field: 'options[93].length' } },
    { name: 'option 93 of 0 bytes', opts: [93, 0], read: (o) => o.clientArch(), want: { code: WireErrorCode.Malformed, offset: 245, field: 'options[93].length' } },
    { name: 'option 93 of 3 bytes', opts: [93, 3, 0, 7, 0], read: (o) => o.clientArch(), want: { code: WireErrorCode.Malformed, offset: 245, field: 'options[93].length' } },
    { name: 'option 53 of 2 bytes', opts: [], read: (o) => o.messageType(), want: { code: WireErrorCode.Malformed, offset: 242, field: 'options[53].length' } },
    { name: 'option 50 of 3 bytes', opts: [50, 3, 10, 0, 0], read: (o) => o.requestedIp(), want: { code: WireErrorCode.Malformed, offset: 245, field: 'options[50].length' } },
    { name: 'option 54 of 5 bytes', opts: [54, 5, 10, 0, 0, 1, 0], read: (o) => o.serverId(), want: { code: WireErrorCode.Malformed, offset: 245, field: 'options[54].length' } },
    { name: 'option 51 of 2 bytes', opts: [51, 2, 0, 1], read: (o) => o.leaseTime(), want: { code: WireErrorCode.Malformed, offset: 245, field: 'options[51].length' } },
    { name: 'option 57 of 1 byte', opts: [57, 1, 9], read: (o) => o.maxMessageSize(), want: { code: WireErrorCode.Malformed, offset: 245, field: 'options[57].length' } },
    { name: 'option 61 of 1 byte (RFC 2132 §9.14: minimum 2)', opts: [61, 1, 1], read: (o) => o.clientId(), want: { code: WireErrorCode.Malformed, offset: 245, field: 'options[61].length' } },
    { name: 'option 94 of 2 bytes', opts: [94, 2, 1, 2], read: (o) => o.clientNdi(), want: { code: WireErrorCode.Malformed, offset: 245, field: 'options[94].length' } },
    { name: 'option 97 of 16 bytes (type octet missing)', opts: [97, 16, ...Array(16).fill(0)], read: (o) => o.uuid(), want: { code: WireErrorCode.Malformed, offset: 245, field: 'options[97].length' } },
  ];
  for (const c of shapes) {
    test(`${c.name}: WireError from the accessor, message type still readable`, () => {
      const lead = c.name.startsWith('option 53') ? [53, 2, 1, 1] : [53, 1, 1];
      const o = optionsOf(request([...lead, ...c.opts, 255]));
      assert.deepEqual(wireErrorOf(() => c.read(o)), c.want);
      if (!c.name.startsWith('option 53')) assert.equal(o.messageType(), 1);
    });
  }

  test('option 93 with several architectures lists them all, in order', () => {
    const o = optionsOf(request([93, 4, 0, 7, 0, 9, 255]));
    assert.deepEqual(o.clientArch(), [7, 9]);
    assert.deepEqual(o.get(93, decodeU16List), [7, 9]);
  });

  const sizes: ReadonlyArray<[sent: number, got: number]> = [
    [0, 576],
    [256, 576],
    [575, 576],
    [576, 576],
    [1472, 1472],
    [65535, 65535],
  ];
  for (const [sent, got] of sizes) {
    test(`option 57 = ${sent} reads as ${got} (RFC 2132 §9.10 minimum 576)`, () => {
      assert.equal(optionsOf(request([57, 2, sent >> 8, sent & 255, 255])).maxMessageSize(), got);
    });
  }

  test('text() decodes latin1 byte for byte, NULs included', () => {
    const o = optionsOf(request([12, 4, 0x68, 0xe9, 0x00, 0x7f, 255]));
    assert.equal(o.text(12), 'h\u00e9\u0000\u007f');
    assert.equal(o.text(99), undefined);
  });
});
