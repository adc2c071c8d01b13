import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp6Status } from '../../../src/dhcp/v6/constants.ts';
import { decodeDhcp6 } from '../../../src/dhcp/v6/decode.ts';
import { formatDuid, macFromDuid } from '../../../src/dhcp/v6/duid.ts';
import type { Dhcp6Options } from '../../../src/dhcp/v6/options.ts';
import { decodeU16, decodeBytes } from '../../../src/dhcp/v6/option-values.ts';
import { WireErrorCode } from '../../../src/wire/errors.ts';
import type { FixtureName } from './support.ts';
import { DUID_LL, ascii, fixture, hex, msg, opt, wireErrorOf } from './support.ts';

function options(name: FixtureName): Dhcp6Options {
  const r = decodeDhcp6(fixture(name));
  assert.ok(r.ok);
  return r.value.message.options;
}

function inline(...opts: number[][]): Dhcp6Options {
  const r = decodeDhcp6(msg(1, ...opts));
  assert.ok(r.ok);
  return r.value.message.options;
}

describe('Dhcp6Options accessors on real clients', () => {
  test('dhclient SOLICIT: DUID-LLT, ORO 23 24, elapsed 0, one IA_NA without addresses', () => {
    const o = options('dhclient-4.4.3-solicit.hex');
    assert.equal(formatDuid(o.clientId()!), 'LLT 52:54:00:d6:00:01 time=849016061');
    assert.equal(macFromDuid(o.clientId()!), '52:54:00:d6:00:01');
    assert.deepEqual(o.oro(), [23, 24]);
    assert.equal(o.elapsedTime(), 0);
    const ia = o.iaNa();
    assert.deepEqual(ia.map((x) => [x.iaid, x.t1, x.t2, x.options.count]), [[0x00d60001, 3600, 5400]].map((a) => [...a, 0]));
    assert.equal(o.serverId(), undefined);
    assert.equal(o.rapidCommit(), false);
  });

  test('dhclient REQUEST echoes our server id and asks for the address we offered', () => {
    const o = options('dhclient-4.4.3-request.hex');
    assert.equal(formatDuid(o.serverId()!), 'LL 52:54:00:d6:00:fe');
    const addrs = o.iaNa()[0]!.options.iaAddrs();
    assert.deepEqual(addrs.map((a) => a.addressText), ['2001:db8:1::101']);
  });

  test('dhclient with the PXE-like config: arch 7, user class iPXE, vendor class 343, FQDN "d6-client" sent fully qualified', () => {
    const o = options('dhclient-4.4.3-solicit-pxe-options.hex');
    assert.deepEqual(o.clientArch(), [7]);
    assert.deepEqual(o.userClass(), ['iPXE']);
    assert.deepEqual(o.vendorClass(), [{ enterpriseNumber: 343, classes: ['PXEClient:Arch:00007:UNDI:003016'] }]);
    assert.deepEqual(o.fqdn(), { flags: 1, name: 'd6-client', fullyQualified: true });
    assert.deepEqual(o.oro(), [23, 24, 59, 39]);
  });

  test('dhcpcd SOLICIT: Rapid Commit, IAID 1, its vendor class (enterprise 40712)', () => {
    const o = options('dhcpcd-9.4.1-solicit.hex');
    assert.equal(o.rapidCommit(), true);
    assert.equal(o.iaNa()[0]!.iaid, 1);
    assert.equal(o.vendorClass()[0]!.enterpriseNumber, 40712);
    assert.deepEqual(o.oro(), [23, 24, 39, 82, 83]);
  });

  test('OVMF UEFI PXEv6 SOLICIT: DUID-UUID (no MAC in it), arch 7, NII UNDI 3.0, PXEClient vendor class, ORO 59 60 23 16', () => {
    const o = options('ovmf-2022.11-pxe6-solicit.hex');
    const duid = o.clientDuid()!;
    assert.equal(duid.type, 4);
    // EDK II sends the SMBIOS system UUID in its in-memory byte order: the first three fields
    // of 52540000-d600-4011-8000-525400d60011 (qemu -uuid) come out little-endian.
    assert.equal(formatDuid(o.clientId()!), 'UUID 00005452-00d6-1140-8000-525400d60011');
    assert.equal(macFromDuid(o.clientId()!), undefined);
    assert.deepEqual(o.clientArch(), [7]);
    assert.deepEqual(o.nii(), { type: 1, major: 3, minor: 0 });
    assert.deepEqual(o.vendorClass(), [{ enterpriseNumber: 343, classes: ['PXEClient:Arch:00007:UNDI:003000'] }]);
    assert.deepEqual(o.oro(), [59, 60, 23, 16]);
    assert.deepEqual(o.iaNa().map((ia) => [ia.t1, ia.t2]), [[0xffffffff, 0xffffffff]]);
    assert.equal(o.userClass(), undefined);
  });

  test('hand-built REPLY: preference, IA_NA with three IAADDR and status codes, DNS, domain list, FQDN, boot file URL and parameters', () => {
    const o = options('handmade-reply-ia-na-several-iaaddr.hex');
    assert.equal(o.preference(), 255);
    const [ia1, ia2] = o.iaNa();
    assert.deepEqual([ia1!.iaid, ia1!.t1, ia1!.t2], [0xd60021, 1800, 2880]);
    const addrs = ia1!.options.iaAddrs();
    assert.deepEqual(
      addrs.map((a) => [a.addressText, a.preferredLifetime, a.validLifetime]),
      [
        ['2001:db8:21::100', 3600, 7200],
        ['2001:db8:21::101', 3600, 7200],
        ['2001:db8:21::102', 0, 0],
      ],
    );
    assert.deepEqual(addrs[2]!.options.statusCode(), { status: 0, message: 'withdrawn – not on link' });
    assert.deepEqual(ia1!.options.statusCode(), { status: 0, message: '3 addresses' });
    assert.deepEqual(ia2!.options.statusCode(), { status: Dhcp6Status.NoAddrsAvail, message: 'no addresses left' });
    assert.deepEqual(ia2!.options.iaAddrs(), []);
    assert.deepEqual(o.dnsServers(), ['2001:db8:21::53', '2001:db8:ff::53']);
    assert.deepEqual(o.domainList(), ['cluster.example', 'example']);
    assert.deepEqual(o.fqdn(), { flags: 0, name: 'nid0007.override.local', fullyQualified: true });
    assert.equal(o.bootFileUrl(), 'http://[2001:db8:21::1]/boot/v1/bootscript?mac=52:54:00:d6:00:21');
    assert.deepEqual(o.bootFileParams(), ['console=ttyS0', 'root=live:état']);
    assert.deepEqual(o.statusCode(), { status: 0, message: 'ok' });
  });

  test('hand-built SOLICITs: DUID-EN, and a UEFI-HTTP-like one with Reconfigure Accept', () => {
    const en = options('handmade-solicit-duid-en.hex');
    assert.equal(formatDuid(en.clientId()!), 'EN 32473 0a:0b:0c:0d:0e:0f');
    assert.equal(en.elapsedTime(), 150);
    assert.equal(en.iaNa()[0]!.options.iaAddrs()[0]!.addressText, '2001:db8:1::77');
    const pxe = options('handmade-solicit-duid-uuid-pxe.hex');
    assert.equal(formatDuid(pxe.clientId()!), 'UUID 4c4c4544-005a-3510-804c-b3c04f534d32');
    assert.equal(pxe.rapidCommit(), true);
    assert.equal(pxe.reconfigureAccept(), true);
    assert.deepEqual(pxe.userClass(), ['iPXE']);
    assert.deepEqual(pxe.clientArch(), [16]);
    assert.deepEqual(pxe.nii(), { type: 1, major: 3, minor: 16 });
  });

  test('absent options read as undefined (or false, or an empty list)', () => {
    const o = inline(opt(1, ...DUID_LL));
    assert.deepEqual(
      [o.serverId(), o.oro(), o.preference(), o.statusCode(), o.userClass(), o.dnsServers(), o.domainList(), o.fqdn(), o.bootFileUrl(), o.bootFileParams(), o.clientArch(), o.nii(), o.relayMessage(), o.interfaceId(), o.remoteId(), o.clientLinkLayerAddress(), o.elapsedTime(), o.clientDuid() === undefined],
      [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, false],
    );
    assert.deepEqual([o.iaNa(), o.vendorClass(), o.rapidCommit(), o.reconfigureAccept()], [[], [], false, false]);
  });

  test('several user class options are one list, in wire order', () => {
    const o = inline(opt(15, 0, 4, ...ascii('iPXE')), opt(15, 0, 1, 0x61, 0, 0));
    assert.deepEqual(o.userClass(), ['iPXE', 'a', '']);
  });

  test('a partial FQDN and an empty one (RFC 4704 §4.2)', () => {
    assert.deepEqual(inline(opt(39, 1, 4, ...ascii('node'))).fqdn(), { flags: 1, name: 'node', fullyQualified: false });
    assert.deepEqual(inline(opt(39, 4)).fqdn(), { flags: 4, name: '', fullyQualified: false });
  });

  test('get() and getAll() take any value decoder', () => {
    const o = inline(opt(8, 1, 2), opt(300, 9), opt(300, 8));
    assert.equal(o.get(8, decodeU16), 0x102);
    assert.deepEqual(o.getAll(300, decodeBytes).map(hex), ['09', '08']);
    const seen: number[] = [];
    o.forEach((code, _data, offset) => seen.push(code, offset));
    assert.deepEqual(seen, [8, 8, 300, 14, 300, 19]);
  });
});

describe('Dhcp6Options accessors on bad values', () => {
  // Offsets: msg() puts the first option's value at 8.
  const cases: ReadonlyArray<{ name: string; opts: number[][]; read: (o: Dhcp6Options) => unknown; want: { code: string; offset: number; field: string } }> = [
    { name: 'a 2-byte client id', opts: [opt(1, 0, 3)], read: (o) => o.clientId(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[1].length' } },
    { name: 'a 131-byte server id', opts: [opt(2, ...new Array<number>(131).fill(1))], read: (o) => o.serverId(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[2].length' } },
    { name: 'a DUID-UUID of 17 bytes', opts: [opt(1, 0, 4, ...new Array<number>(15).fill(1))], read: (o) => o.clientDuid(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[1].length' } },
    { name: 'an IA_NA of 11 bytes', opts: [opt(3, ...new Array<number>(11).fill(0))], read: (o) => o.iaNa(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[3].length' } },
    { name: 'an IA_NA whose sub-option runs out', opts: [opt(3, ...new Array<number>(12).fill(0), 0, 5, 0, 24, 1)], read: (o) => o.iaNa(), want: { code: WireErrorCode.Truncated, offset: 22, field: 'options[3][5].length' } },
    { name: 'an IAADDR of 23 bytes', opts: [opt(3, ...new Array<number>(12).fill(0), ...opt(5, ...new Array<number>(23).fill(0)))], read: (o) => o.iaNa()[0]!.options.iaAddrs(), want: { code: WireErrorCode.Malformed, offset: 24, field: 'options[3][5].length' } },
    { name: 'an odd-length ORO', opts: [opt(6, 0, 23, 0)], read: (o) => o.oro(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[6].length' } },
    { name: 'a 2-byte preference', opts: [opt(7, 0, 1)], read: (o) => o.preference(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[7].length' } },
    { name: 'a 1-byte elapsed time', opts: [opt(8, 0)], read: (o) => o.elapsedTime(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[8].length' } },
    { name: 'a 1-byte status code', opts: [opt(13, 0)], read: (o) => o.statusCode(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[13].length' } },
    { name: 'a rapid commit with a value', opts: [opt(14, 1)], read: (o) => o.rapidCommit(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[14].length' } },
    { name: 'a user class item running out', opts: [opt(15, 0, 4, 0x69)], read: (o) => o.userClass(), want: { code: WireErrorCode.Truncated, offset: 8, field: 'options[15][0].length' } },
    { name: 'a vendor class without enterprise number', opts: [opt(16, 0, 0, 1)], read: (o) => o.vendorClass(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[16].length' } },
    { name: 'DNS servers of 17 bytes', opts: [opt(23, ...new Array<number>(17).fill(0))], read: (o) => o.dnsServers(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[23].length' } },
    { name: 'a compressed domain list', opts: [opt(24, 1, 0x61, 0, 0xc0, 0)], read: (o) => o.domainList(), want: { code: WireErrorCode.Malformed, offset: 11, field: 'options[24][1]' } },
    { name: 'an empty FQDN option', opts: [opt(39)], read: (o) => o.fqdn(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[39].length' } },
    { name: 'the original per-label FQDN (spec §6.4): bytes after the first name', opts: [opt(39, 0, 7, ...ascii('nid0007'), 0, 5, ...ascii('local'), 0)], read: (o) => o.fqdn(), want: { code: WireErrorCode.Trailing, offset: 18, field: 'options[39].name' } },
    { name: 'boot file parameters running out', opts: [opt(60, 0, 3, 0x61)], read: (o) => o.bootFileParams(), want: { code: WireErrorCode.Truncated, offset: 8, field: 'options[60][0].length' } },
    { name: 'an empty client arch list', opts: [opt(61)], read: (o) => o.clientArch(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[61].length' } },
    { name: 'a 2-byte NII', opts: [opt(62, 1, 3)], read: (o) => o.nii(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[62].length' } },
    { name: 'a remote id of only an enterprise number', opts: [opt(37, 0, 0, 0x7e, 0xd9)], read: (o) => o.remoteId(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[37].length' } },
    { name: 'a link-layer address option without an address', opts: [opt(79, 0, 1)], read: (o) => o.clientLinkLayerAddress(), want: { code: WireErrorCode.Malformed, offset: 8, field: 'options[79].length' } },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.want.code} at ${c.want.field}`, () => {
      assert.deepEqual(wireErrorOf(() => c.read(inline(...c.opts))), c.want);
    });
  }
});
