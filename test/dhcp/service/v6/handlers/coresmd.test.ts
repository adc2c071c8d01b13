// The coresmd plugin for DHCPv6 (src/dhcp/service/v6/handlers/coresmd.ts): MAC lookup over the
// candidates, the first IPv6 address, rules (ignore even without IPv6), FQDN, boot URLs by
// architecture on our address of the ingress link, and the reasons given for a miss.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp6Opt } from '../../../../../src/dhcp/v6/constants.ts';
import { parseRule } from '../../../../../src/dhcp/service/rules/parse-rule.ts';
import type { Dhcp6Ingress } from '../../../../../src/dhcp/service/v6/chain.ts';
import type { Dhcp6ClientInfo } from '../../../../../src/dhcp/service/v6/client-info.ts';
import { newDraft6 } from '../../../../../src/dhcp/service/v6/draft.ts';
import { createCoresmd6Handler, firstIPv6, serverAddressFor, type Coresmd6HandlerOptions } from '../../../../../src/dhcp/service/v6/handlers/coresmd.ts';
import type { Snapshot } from '../../../../../src/smd/snapshot.ts';
import { parseIp } from '../../../../../src/wire/addr.ts';
import { CaptureLogger } from '../../../../smd/support/capture-logger.ts';
import { clientMessage, exampleSnapshot, fixture, infoOf, ingress, node, relayForw, relayIngress, T, v6 } from '../support.ts';

const KNOWN = node('52:54:00:d6:00:01', 'x1000c0s0b0n0x', ['172.16.0.1', '2001:db8:1::101'], 1);
const OVMF = node('52:54:00:d6:00:11', 'x1000c0s0b1n0x', ['2001:db8:1::111'], 11);
const V4ONLY = node('52:54:00:d6:00:05', 'x1000c0s0b4n0x', ['172.16.0.5'], 5);
const LLFIRST = node('52:54:00:d6:00:06', 'x1000c0s0b5n0x', ['fe80::6', '2001:db8:1::106'], 6);
const BMC = node('52:54:00:d6:00:07', 'x1000c0s0b5', ['2001:db8:1::107'], undefined, 'NodeBMC');
const NOCOMP = { iface: { ID: '525400d60008', MACAddress: '52:54:00:d6:00:08', ComponentID: 'x9', IPAddresses: [{ IPAddress: '2001:db8:1::108' }] }, comp: undefined };
const EXTRA = [KNOWN, OVMF, V4ONLY, LLFIRST, BMC];
const SNAPSHOT = exampleSnapshot({ interfaces: [...EXTRA.map((n) => n.iface), NOCOMP.iface], components: EXTRA.map((n) => n.comp) });
const SCRIPT = (mac: string) => `http://[2001:db8:1::1]:8081/boot/v1/bootscript?mac=${mac}`;

function coresmd(over: Partial<Coresmd6HandlerOptions> & { snapshot?: Snapshot | undefined } = {}) {
  const logger = new CaptureLogger();
  const snapshot = 'snapshot' in over ? over.snapshot : SNAPSHOT;
  const h = createCoresmd6Handler({
    inventory: () => snapshot,
    rules: [parseRule('name:nodes,type:Node,hostname:nid{04d}'), parseRule('name:quiet-bmcs,type:NodeBMC,ignore:true')],
    ruleLog: 'none',
    domain: 'openchami.cluster',
    leaseSeconds: 600,
    ipxeBaseUri: 'http://[2001:db8:1::1]:8081',
    logger,
    ...over,
  });
  return { h, logger };
}

function run(h: ReturnType<typeof coresmd>['h'], info: Dhcp6ClientInfo, ing: Dhcp6Ingress = ingress()) {
  const draft = newDraft6();
  const verdict = h.handle({ info, ingress: ing, receivedAt: 0 }, draft);
  if (typeof verdict !== 'string') throw new Error('async');
  const url = draft.options.get(Dhcp6Opt.BootfileUrl);
  return { verdict, draft, url: url === undefined ? undefined : Buffer.from(url).toString('latin1') };
}

describe('coresmd v6: known clients', () => {
  test('dhclient -6 capture (DUID-LLT): the first IPv6 address, lease time, FQDN with the domain', () => {
    const { verdict, draft, url } = run(coresmd().h, infoOf(fixture('dhclient-4.4.3-solicit.hex'), 'fe80::5054:ff:fed6:1%eth1'));
    assert.equal(verdict, 'send');
    assert.equal(draft.lease?.text, '2001:db8:1::101');
    assert.equal(draft.leaseSeconds, 600);
    assert.equal(draft.fqdn, 'nid0001.openchami.cluster');
    assert.equal(url, undefined); // no architecture, no user class
    assert.deepEqual(draft.decisions, [{ plugin: 'coresmd', rule: 'nodes', reason: 'SMD x1000c0s0b0n0x → 2001:db8:1::101' }]);
  });

  test('OVMF PXE (DUID-UUID, arch 7) found by its EUI-64 link-local: TFTP URL on our global LAN address', () => {
    const { verdict, draft, url } = run(coresmd().h, infoOf(fixture('ovmf-2022.11-pxe6-solicit.hex'), 'fe80::5054:ff:fed6:11%eth1'));
    assert.equal(verdict, 'send');
    assert.equal(draft.lease?.text, '2001:db8:1::111');
    assert.equal(url, 'tftp://[2001:db8:1::1]/ipxe-x86_64.efi');
    assert.equal(draft.options.get(Dhcp6Opt.VendorClass), undefined);
  });

  const archs: Array<[number, string]> = [
    [7, 'ipxe-x86_64.efi'],
    [9, 'ipxe-x86_64.efi'],
    [11, 'ipxe-arm64.efi'],
    [6, 'ipxe-i386.efi'],
  ];
  for (const [arch, file] of archs) {
    test(`architecture ${arch}: tftp://[…]/${file}`, () => {
      assert.equal(run(coresmd().h, infoOf(clientMessage(T.Solicit, { arch }))).url, `tftp://[2001:db8:1::1]/${file}`);
    });
  }

  test('a TFTP port other than 69 appears in the URL', () => {
    assert.equal(run(coresmd({ tftpPort: 1069 }).h, infoOf(clientMessage(T.Solicit, { arch: 7 }))).url, 'tftp://[2001:db8:1::1]:1069/ipxe-x86_64.efi');
  });

  test('iPXE (user class): the BSS boot script URL with the MAC', () => {
    assert.equal(run(coresmd().h, infoOf(fixture('dhclient-4.4.3-solicit-pxe-options.hex'), 'fe80::5054:ff:fed6:1%eth1')).url, SCRIPT('52:54:00:d6:00:01'));
  });

  test('UEFI HTTP boot: http://[our address]:port URL and vendor class HTTPClient under enterprise 343', () => {
    const { h } = coresmd({ httpBootBase: (a) => `http://[${a}]:8080` });
    const { draft, url } = run(h, infoOf(clientMessage(T.Solicit, { arch: 16, vendorClass: 'HTTPClient:Arch:00016:UNDI:003000' })));
    assert.equal(url, 'http://[2001:db8:1::1]:8080/ipxe-x86_64.efi');
    assert.deepEqual([...draft.options.get(Dhcp6Opt.VendorClass)!], [0, 0, 1, 87, 0, 10, ...Buffer.from('HTTPClient')]);
  });

  test('HTTP boot without an HTTP server: no URL', () => {
    assert.equal(run(coresmd().h, infoOf(clientMessage(T.Solicit, { arch: 16, vendorClass: 'HTTPClient' }))).url, undefined);
  });

  test('relayed: address and boot URL too (upstream gives neither), our address on the relay-facing link', () => {
    const info = infoOf(relayForw(clientMessage(T.Solicit, { arch: 7 }), { peer: 'fe80::5054:ff:fed6:1' }), '2001:db8:ff::2');
    const { verdict, draft, url } = run(coresmd().h, info, relayIngress());
    assert.equal(verdict, 'send');
    assert.equal(draft.lease?.text, '2001:db8:1::101');
    assert.equal(url, 'tftp://[2001:db8:ff::1]/ipxe-x86_64.efi');
  });

  test('no global address on the link: the link-local one, without a zone', () => {
    const ing = ingress({ serverAddresses: [{ address: v6('fe80::1'), prefix: 64, text: 'fe80::1', linkLocal: true }] });
    assert.equal(run(coresmd().h, infoOf(clientMessage(T.Solicit, { arch: 7 })), ing).url, 'tftp://[fe80::1]/ipxe-x86_64.efi');
    assert.equal(run(coresmd().h, infoOf(clientMessage(T.Solicit, { arch: 7 })), ingress({ serverAddresses: [] })).url, undefined);
  });

  test('a link-local address in SMD is skipped for the lease', () => {
    assert.equal(run(coresmd().h, infoOf(clientMessage(T.Solicit, { duid: 'LL 52:54:00:d6:00:06' }), 'fe80::1%eth1')).draft.lease?.text, '2001:db8:1::106');
  });

  test('the FQDN is one DNS name on the wire; an unsendable hostname is left out and logged', () => {
    const { h, logger } = coresmd({ rules: [parseRule('type:Node,hostname:nödé{04d}')], domain: '' });
    const { verdict, draft } = run(h, infoOf(clientMessage(T.Solicit)));
    assert.equal(verdict, 'send');
    assert.equal(draft.fqdn, undefined);
    assert.ok(logger.at('error').some((l) => l.msg.includes('option 39 left out')));
  });

  test('assignment logged at info for REQUEST, debug for SOLICIT', () => {
    const { h, logger } = coresmd();
    run(h, infoOf(clientMessage(T.Solicit)));
    run(h, infoOf(clientMessage(T.Request)));
    assert.deepEqual(
      logger.lines.filter((l) => l.msg === 'DHCPv6 assignment').map((l) => [l.level, l.fields['type']]),
      [
        ['debug', 'SOLICIT'],
        ['info', 'REQUEST'],
      ],
    );
  });
});

describe('coresmd v6: misses say why', () => {
  const cases: Array<[string, Uint8Array, string, RegExp]> = [
    ['unknown MAC', clientMessage(T.Solicit, { duid: 'LLT 02:00:00:d6:00:99' }), 'fe80::ff:fed6:99%eth1', /^MAC 02:00:00:d6:00:99 \(eui-64\) not in SMD$/],
    ['no MAC at all (DUID-EN, privacy address)', fixture('handmade-solicit-duid-en.hex'), 'fe80::1c3a:9d2b:77e1:4a10%eth1', /^no MAC address: the DUID \(EN 32473 0a:0b:0c:0d:0e:0f\) carries none/],
    ['SMD node without IPv6', clientMessage(T.Solicit, { duid: 'LL 52:54:00:d6:00:05' }), 'fe80::1%eth1', /^SMD has no IPv6 address for x1000c0s0b4n0x \(MAC 52:54:00:d6:00:05, addresses 172\.16\.0\.5\)$/],
    ['SMD interface without a component', clientMessage(T.Solicit, { duid: 'LL 52:54:00:d6:00:08' }), 'fe80::1%eth1', /^SMD interface 52:54:00:d6:00:08 belongs to no known component/],
  ];
  for (const [name, bytes, src, why] of cases) {
    test(name, () => {
      const { verdict, draft } = run(coresmd().h, infoOf(bytes, src));
      assert.equal(verdict, 'next');
      assert.match(draft.miss ?? '', why);
      assert.equal(draft.lease, undefined);
    });
  }

  test('no inventory yet', () => {
    const { draft } = run(coresmd({ snapshot: undefined }).h, infoOf(clientMessage(T.Solicit)));
    assert.equal(draft.miss, 'no SMD inventory yet');
  });

  test('the second candidate is tried when the first is not in SMD', () => {
    const info = infoOf(clientMessage(T.Solicit, { duid: 'LL 52:54:00:d6:00:01' }), 'fe80::ff:fed6:99%eth1');
    assert.equal(info.macCandidates.length, 2);
    assert.equal(run(coresmd().h, info).draft.lease?.text, '2001:db8:1::101');
  });
});

describe('coresmd v6: rules', () => {
  test('ignore drops the request even though SMD has no IPv6 address for it (upstream falls through first)', () => {
    const { h } = coresmd({ rules: [parseRule('name:off,type:Node,ignore:true')] });
    assert.equal(run(h, infoOf(clientMessage(T.Solicit, { duid: 'LL 52:54:00:d6:00:05' }), 'fe80::1%eth1')).verdict, 'drop');
  });

  test('ignore for a BMC with IPv6', () => {
    const { verdict, draft } = run(coresmd().h, infoOf(clientMessage(T.Solicit, { duid: 'LL 52:54:00:d6:00:07' }), 'fe80::1%eth1'));
    assert.equal(verdict, 'drop');
    assert.equal(draft.decisions[0]?.rule, 'quiet-bmcs');
  });

  test('subnet: rules match the leased IPv6 address, not the first entry of SMD\'s list', () => {
    const { h } = coresmd({ rules: [parseRule('name:v6net,subnet:2001:db8:1::/64,type:Node,hostname:v6-{04d}'), parseRule('type:Node,hostname:other-{04d}')] });
    assert.equal(run(h, infoOf(clientMessage(T.Solicit))).draft.fqdn, 'v6-0001.openchami.cluster');
  });
});

describe('coresmd v6: helpers', () => {
  test('firstIPv6 skips IPv4, link-local and multicast', () => {
    const ips = ['10.0.0.1', 'fe80::1', 'ff02::1', '2001:db8::5', 'fd00::1'].map((t) => parseIp(t)!);
    assert.equal(firstIPv6(ips)?.text, '2001:db8::5');
    assert.equal(firstIPv6([parseIp('10.0.0.1')!]), undefined);
  });

  test('serverAddressFor prefers a global address', () => {
    assert.equal(serverAddressFor(ingress()), '2001:db8:1::1');
    assert.equal(serverAddressFor(ingress({ serverAddresses: [] })), undefined);
  });

  test('DECLINE of the SMD address is logged as a conflict', () => {
    const { h, logger } = coresmd();
    run(h, infoOf(clientMessage(T.Decline, { iaNa: [{ iaid: 1, addresses: ['2001:db8:1::101'] }] })));
    assert.ok(logger.at('error').some((l) => l.msg.includes('address conflict')));
  });

  test('lease time out of range is refused at start-up', () => {
    assert.throws(() => coresmd({ leaseSeconds: 0 }), /lease time/);
  });
});
