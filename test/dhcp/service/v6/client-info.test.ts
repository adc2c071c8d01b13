// classifyClient6 on real captures (dhclient -6, dhcpcd, dhcrelay, OVMF) and built cases: the
// MAC candidates in their order, IAs, classes, relay layers, and bad options kept out.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp6Opt } from '../../../../src/dhcp/v6/constants.ts';
import { clientRequested } from '../../../../src/dhcp/service/v6/client-info.ts';
import { clientMessage, fixture, infoOf, relayForw, T } from './support.ts';

describe('classifyClient6: MAC candidates (option 79, EUI-64 source, DUID-LL/LLT)', () => {
  const cases: Array<[string, Uint8Array, string, string[]]> = [
    ['dhclient -6 (DUID-LLT, EUI-64 link-local)', fixture('dhclient-4.4.3-solicit.hex'), 'fe80::5054:ff:fed6:1%c0', ['52:54:00:d6:00:01/eui-64']],
    ['dhclient -6 from a stable-privacy link-local: the DUID', fixture('dhclient-4.4.3-solicit.hex'), 'fe80::1c3a:9d2b:77e1:4a10%c0', ['52:54:00:d6:00:01/duid']],
    ['dhcpcd (DUID-LLT of another NIC than the one asking)', fixture('dhcpcd-9.4.1-solicit.hex'), 'fe80::5054:ff:fed6:42%c0', ['52:54:00:d6:00:42/eui-64', '52:54:00:d6:00:01/duid']],
    ['OVMF PXE (DUID-UUID): only the EUI-64 link-local', fixture('ovmf-2022.11-pxe6-solicit.hex'), 'fe80::5054:ff:fed6:11%tap0', ['52:54:00:d6:00:11/eui-64']],
    ['DUID-EN from a global source: none', fixture('handmade-solicit-duid-en.hex'), '2001:db8:1::77', []],
    ['DUID-UUID from a privacy link-local: none', fixture('handmade-solicit-duid-uuid-pxe.hex'), 'fe80::a1b2:c3d4:e5f6:1%eth1', []],
    ['dhcrelay, one layer: the peer-address EUI-64 (the DUID names the same MAC)', fixture('dhcrelay-4.4.3-relay-forw-solicit.hex'), '2001:db8:ff::2', ['52:54:00:d6:00:02/eui-64']],
    ['dhcrelay, two layers: the innermost peer-address', fixture('dhcrelay-4.4.3-relay-forw-nested-solicit.hex'), '2001:db8:ff::2', ['52:54:00:d6:00:03/eui-64']],
    [
      'a relay with option 79 comes first',
      relayForw(clientMessage(T.Solicit, { duid: 'LL 52:54:00:00:00:0d' }), { clientMac: '52:54:00:00:00:79', peer: 'fe80::5054:ff:fe00:64' }),
      '2001:db8:ff::2',
      ['52:54:00:00:00:79/relay-option-79', '52:54:00:00:00:64/eui-64', '52:54:00:00:00:0d/duid'],
    ],
  ];
  for (const [name, bytes, src, want] of cases) {
    test(name, () => {
      const info = infoOf(bytes, src);
      assert.deepEqual(
        info.macCandidates.map((c) => `${c.mac}/${c.source}`),
        want,
      );
      assert.equal(info.mac, want[0]?.split('/')[0]);
    });
  }
});

describe('classifyClient6: what handlers read', () => {
  test('OVMF PXE SOLICIT: DUID-UUID text, arch 7, PXEClient vendor class, IA_NA, ORO', () => {
    const info = infoOf(fixture('ovmf-2022.11-pxe6-solicit.hex'), 'fe80::5054:ff:fed6:11%tap0');
    assert.equal(info.messageType, T.Solicit);
    assert.equal(info.duidText, 'UUID 00005452-00d6-1140-8000-525400d60011');
    assert.equal(info.arch, 7);
    assert.deepEqual(info.vendorClasses, ['PXEClient:Arch:00007:UNDI:003000']);
    assert.equal(info.isIpxe, false);
    assert.equal(info.isHttpClient, false);
    assert.deepEqual(info.iaNa, [{ iaid: 0xffe957fa, addresses: [] }]);
    assert.deepEqual(info.oro, [59, 60, 23, 16]);
    assert.ok(clientRequested(info, Dhcp6Opt.BootfileUrl));
    assert.ok(!clientRequested(info, Dhcp6Opt.DomainList));
    assert.deepEqual(info.relays, []);
    assert.equal(info.clientAddress, 'fe80::5054:ff:fed6:11%tap0');
  });

  test('dhclient with PXE options: iPXE user class, FQDN, arch 7', () => {
    const info = infoOf(fixture('dhclient-4.4.3-solicit-pxe-options.hex'));
    assert.equal(info.isIpxe, true);
    assert.deepEqual(info.userClasses, ['iPXE']);
    assert.deepEqual(info.fqdn, { flags: 1, name: 'd6-client' });
    assert.equal(info.arch, 7);
  });

  test('dhcpcd: Rapid Commit', () => {
    assert.equal(infoOf(fixture('dhcpcd-9.4.1-solicit.hex')).rapidCommit, true);
  });

  test('UEFI HTTP boot: vendor class HTTPClient', () => {
    assert.equal(infoOf(clientMessage(T.Solicit, { arch: 16, vendorClass: 'HTTPClient:Arch:00016:UNDI:003000' })).isHttpClient, true);
  });

  test('DECLINE: server id, IA_NA with the declined address', () => {
    const info = infoOf(fixture('handmade-decline.hex'));
    assert.equal(info.hasServerId, true);
    assert.equal(info.serverId?.length, 14);
    assert.deepEqual(info.iaNa.map((ia) => ia.addresses.map((a) => a.text)), [['2001:db8:21::100']]);
  });

  test('relay layers are copied outermost first, with Interface-Id, link-address and Relay Source Port', () => {
    const info = infoOf(fixture('dhcrelay-4.4.3-relay-forw-nested-solicit.hex'), '2001:db8:ff::2');
    assert.deepEqual(
      info.relays.map((r) => [r.hopCount, [...r.interfaceId!], r.sourcePort]),
      [
        [1, [1, 0, 0, 0], false],
        [0, [1, 0, 0, 0], false],
      ],
    );
    assert.equal(Buffer.from(info.linkAddress!).toString('hex'), '20010db8000300000000000000000001');
    assert.equal(info.clientAddress, 'fe80::5054:ff:fed6:3');
    const withPort = infoOf(relayForw(clientMessage(T.Solicit), { sourcePort: 1547, link: '::' }), '2001:db8:ff::2');
    assert.equal(withPort.relays[0]?.sourcePort, true);
    assert.equal(withPort.linkAddress, undefined);
  });

  test('IA_TA and IA_PD IAIDs; a malformed option is recorded, the rest still read', () => {
    const info = infoOf(clientMessage(T.Solicit, { iaTa: [5], iaPd: [6], extra: [{ code: Dhcp6Opt.ClientArchType, data: Uint8Array.of(0) }] }));
    assert.deepEqual(info.iaTa, [5]);
    assert.deepEqual(info.iaPd, [6]);
    // The first option 61 (arch none) is absent here; the bad one is the only instance.
    assert.equal(info.arch, undefined);
    assert.ok(info.badOptions.some((b) => b.startsWith('client arch: ERR_WIRE_MALFORMED')), info.badOptions.join(';'));
    assert.equal(info.iaNa.length, 1);
  });

  test('a Client ID of the wrong length reads as absent', () => {
    const info = infoOf(clientMessage(T.Solicit, { duid: null, extra: [{ code: Dhcp6Opt.ClientId, data: Uint8Array.of(0, 1) }] }));
    assert.equal(info.clientId, undefined);
    assert.equal(info.duidText, '');
  });
});
