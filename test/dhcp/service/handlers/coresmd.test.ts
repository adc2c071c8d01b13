import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCidr } from '../../../../src/wire/addr.ts';
import { nullLogger } from '../../../../src/seams/logger.ts';
import { Dhcp4MessageType as T, Dhcp4Opt } from '../../../../src/dhcp/v4/constants.ts';
import { parseRule } from '../../../../src/dhcp/service/rules/parse-rule.ts';
import type { Dhcp4ClientInfo } from '../../../../src/dhcp/service/client-info.ts';
import { createCoresmdHandler, type CoresmdHandlerOptions } from '../../../../src/dhcp/service/handlers/coresmd.ts';
import type { Snapshot } from '../../../../src/smd/snapshot.ts';
import { CaptureLogger } from '../../../smd/support/capture-logger.ts';
import { bytes, draftFor, exampleSnapshot, fixtureInfo, infoFor, ip, node, requestOf, runOne, textOf } from './support.ts';
import { formatIPv4 } from '../../../../src/wire/addr.ts';

const COMPUTE1 = '52:54:00:be:ef:01'; // x1000c0s0b0n0, NID 1, [172.16.0.1, fd00:172:16::1]
const SCRIPT = (mac: string) => `http://172.16.0.253:8081/boot/v1/bootscript?mac=${mac}`;

// Extra SMD entries for the cases examples/inventory.json does not have.
const V6FIRST = node('52:54:00:be:ef:07', 'x1000c0s1b1n0', ['fd00:172:16::7', '172.16.0.7'], 7);
const V6ONLY = node('52:54:00:be:ef:0a', 'x1000c0s1b2n0', ['fd00:172:16::10'], 10);
const MULTI = node('52:54:00:be:ef:08', 'x1000c1s0b0n0', ['172.16.0.8', '10.1.0.8', '10.1.1.8', 'fd00::8'], 8);
const TWOLINKS = node('52:54:00:be:ef:09', 'x1000c1s0b1n0', ['10.9.0.9', '172.16.0.9'], 9);
const EXTRA = [V6FIRST, V6ONLY, MULTI, TWOLINKS];
const SNAPSHOT = exampleSnapshot({ interfaces: EXTRA.map((n) => n.iface), components: EXTRA.map((n) => n.comp) });

function coresmd(over: Partial<CoresmdHandlerOptions> & { snapshot?: Snapshot | undefined } = {}) {
  const logger = new CaptureLogger();
  const snapshot = 'snapshot' in over ? over.snapshot : SNAPSHOT;
  const h = createCoresmdHandler({
    inventory: () => snapshot,
    rules: [parseRule('type:Node,hostname:nid{04d},routers:172.16.0.254,netmask:255.255.255.0')],
    ruleLog: 'none',
    domain: 'openchami.cluster',
    leaseSeconds: 3600,
    ipxeBaseUri: 'http://172.16.0.253:8081',
    subnets: [],
    logger,
    ...over,
  });
  return { h, logger };
}

const OPT = Dhcp4Opt;

describe('coresmd: known nodes from real client captures (chaddr rewritten)', () => {
  // [fixture, option 67, BOOTP file field]
  const cases: Array<[string, string | undefined, string]> = [
    ['udhcpc-1.35-discover.hex', undefined, ''],
    ['udhcpc-1.35-discover-pxe-efi64.hex', 'ipxe-x86_64.efi', 'ipxe-x86_64.efi'],
    ['udhcpc-1.35-discover-user-class-plain.hex', SCRIPT(COMPUTE1), ''],
    ['udhcpc-1.35-discover-user-class-rfc3004.hex', SCRIPT(COMPUTE1), ''],
    ['dhclient-4.4.3-discover.hex', undefined, ''],
    ['ipxe-1.0.0-git20190125-discover.hex', SCRIPT(COMPUTE1), ''],
    ['ovmf-2022.11-pxe-discover.hex', 'ipxe-x86_64.efi', 'ipxe-x86_64.efi'],
  ];
  for (const [name, boot, file] of cases) {
    test(`${name}: SMD address, rule options, root path, boot file`, () => {
      const { verdict, draft } = runOne(coresmd().h, fixtureInfo(name, COMPUTE1));
      assert.equal(verdict, 'send');
      assert.equal(draft.yiaddr, ip('172.16.0.1'));
      assert.equal(draft.leaseSeconds, 3600);
      assert.deepEqual(draft.options.get(OPT.SubnetMask), bytes(255, 255, 255, 0));
      assert.deepEqual(draft.options.get(OPT.Router), bytes(172, 16, 0, 254));
      assert.equal(textOf(draft.options.get(OPT.HostName)), 'nid0001.openchami.cluster');
      assert.equal(textOf(draft.options.get(OPT.RootPath)), '172.16.0.253');
      assert.equal(textOf(draft.options.get(OPT.BootfileName)), boot);
      assert.equal(draft.file, file);
      assert.equal(draft.options.has(OPT.VendorClassIdentifier), false);
      assert.deepEqual(draft.decisions, [{ plugin: 'coresmd', rule: draft.decisions[0]!.rule!, reason: 'SMD x1000c0s0b0n0 → 172.16.0.1' }]);
      assert.match(draft.decisions[0]!.rule!, /^rule-[0-9a-f]{8}$/);
    });
  }
});

describe('coresmd: which SMD entries it serves', () => {
  const cases: Array<[string, Snapshot | undefined, string, 'send' | 'next', string | undefined, string | undefined]> = [
    ['the two-NIC node, management NIC', SNAPSHOT, '52:54:00:be:ef:05', 'send', '172.16.0.5', 'nid0005.openchami.cluster'],
    ['the two-NIC node, HSN NIC (not on the ingress link, so every address)', SNAPSHOT, '02:00:00:91:31:05', 'send', '192.168.0.5', 'nid0005.openchami.cluster'],
    ['the NID-less node gets NID 0', SNAPSHOT, '52:54:00:be:ef:06', 'send', '172.16.0.6', 'nid0000.openchami.cluster'],
    ['a BMC: no Node rule, the fallback hostname', SNAPSHOT, 'de:ca:fc:0f:fe:e1', 'send', '172.16.0.101', 'unknown-0000.openchami.cluster'],
    ['an IPv6-first interface gets its IPv4 address (upstream: 0.0.0.0)', SNAPSHOT, '52:54:00:be:ef:07', 'send', '172.16.0.7', 'nid0007.openchami.cluster'],
    ['an IPv6-only interface falls through', SNAPSHOT, '52:54:00:be:ef:0a', 'next', undefined, undefined],
    ['an interface without a component falls through', SNAPSHOT, '52:54:00:de:ad:aa', 'next', undefined, undefined],
    ['an unknown MAC falls through', SNAPSHOT, '52:54:00:00:00:99', 'next', undefined, undefined],
    ['no snapshot yet: falls through', undefined, COMPUTE1, 'next', undefined, undefined],
  ];
  for (const [name, snapshot, mac, verdict, lease, hostname] of cases) {
    test(name, () => {
      const got = runOne(coresmd({ snapshot }).h, infoFor({ type: T.Discover, mac }));
      assert.equal(got.verdict, verdict);
      assert.equal(got.draft.yiaddr, lease === undefined ? 0 : ip(lease));
      assert.equal(textOf(got.draft.options.get(OPT.HostName)), hostname);
      if (verdict === 'next') {
        // Nothing is left behind for the plugins after it.
        assert.equal(got.draft.options.size, 0);
        assert.equal(got.draft.leaseSeconds, undefined);
        assert.deepEqual(got.draft.decisions, []);
      }
    });
  }

  test('a client on another link of ours gets the address on that link', () => {
    const h = coresmd().h;
    const info = infoFor({ type: T.Discover, mac: '52:54:00:be:ef:09' });
    assert.equal(runOne(h, info, { serverAddress: ip('172.16.0.253'), serverPrefix: 24 }).draft.yiaddr, ip('172.16.0.9'));
    assert.equal(runOne(h, info, { serverAddress: ip('10.9.0.1'), serverPrefix: 16 }).draft.yiaddr, ip('10.9.0.9'));
    assert.equal(runOne(h, info, { serverAddress: 0, serverPrefix: 0 }).draft.yiaddr, ip('10.9.0.9'));
  });
});

describe('coresmd: relayed requests with subnet rules (spec §5.3)', () => {
  const rules = [
    parseRule('subnet:10.1.1.0/24,routers:10.1.1.254,hostname:narrow{02d}'),
    parseRule('subnet:10.1.0.0/16,routers:10.1.0.254,hostname:wide{02d}'),
    parseRule('subnet:10.2.0.0/16,hostname:other{02d}'),
  ];
  const subnets = rules.flatMap((r) => r.match.subnets);
  const MAC = '52:54:00:be:ef:08';

  const cases: Array<[string, string, 'send' | 'next', string | undefined, string | undefined, number[] | undefined, number[] | undefined]> = [
    ['giaddr in the /24 and the /16: the /24 (longest prefix)', '10.1.1.1', 'send', '10.1.1.8', 'narrow08.openchami.cluster', [10, 1, 1, 254], [255, 255, 255, 0]],
    ['giaddr only in the /16', '10.1.7.1', 'send', '10.1.0.8', 'wide08.openchami.cluster', [10, 1, 0, 254], [255, 255, 0, 0]],
    ['giaddr in a subnet where the node has no address: falls through', '10.2.0.1', 'next', undefined, undefined, undefined, undefined],
    ['giaddr in no subnet: every address, the first IPv4', '192.168.77.1', 'send', '172.16.0.8', 'unknown-0008.openchami.cluster', undefined, undefined],
  ];
  for (const [name, giaddr, verdict, lease, hostname, routers, mask] of cases) {
    test(name, () => {
      const { h } = coresmd({ rules, subnets });
      const got = runOne(h, infoFor({ type: T.Discover, mac: MAC, giaddr }));
      assert.equal(got.verdict, verdict);
      assert.equal(got.draft.yiaddr, lease === undefined ? 0 : ip(lease));
      assert.equal(textOf(got.draft.options.get(OPT.HostName)), hostname);
      assert.deepEqual(got.draft.options.get(OPT.Router), routers === undefined ? undefined : Uint8Array.from(routers));
      assert.deepEqual(got.draft.options.get(OPT.SubnetMask), mask === undefined ? undefined : Uint8Array.from(mask));
    });
  }

  test('the relay capture (dhcrelay with option 82) is served by its giaddr', () => {
    const { h } = coresmd({ rules, subnets });
    const info = fixtureInfo('dhcrelay-4.4.3-discover-option82.hex', MAC, '10.1.1.1');
    assert.equal(runOne(h, info).draft.yiaddr, ip('10.1.1.8'));
  });

  test('RFC 3527 link selection wins over giaddr', () => {
    const { h } = coresmd({ rules, subnets });
    const info: Dhcp4ClientInfo = { ...infoFor({ type: T.Discover, mac: MAC, giaddr: '192.168.77.1' }), linkSelection: ip('10.1.1.0') };
    assert.equal(runOne(h, info).draft.yiaddr, ip('10.1.1.8'));
  });

  test('a giaddr in no subnet is warned about once', () => {
    const { h, logger } = coresmd({ rules, subnets });
    for (const mac of [MAC, MAC, COMPUTE1]) runOne(h, infoFor({ type: T.Discover, mac, giaddr: '192.168.77.1' }));
    runOne(h, infoFor({ type: T.Discover, mac: MAC, giaddr: '192.168.78.1' }));
    assert.deepEqual(
      logger.at('warn').map((l) => l.fields['relay']),
      ['192.168.77.1', '192.168.78.1'],
    );
  });

  test('without subnet rules a relayed client gets its first IPv4 (plain lookup)', () => {
    const { h } = coresmd();
    assert.equal(runOne(h, infoFor({ type: T.Discover, mac: MAC, giaddr: '10.1.1.1' })).draft.yiaddr, ip('172.16.0.8'));
  });

  test('subnet: rules match the lease address even when SMD lists IPv6 first (upstream: no match)', () => {
    const { h } = coresmd({ rules: [parseRule('subnet:172.16.0.0/24,hostname:v4-{04d}')] });
    assert.equal(textOf(runOne(h, infoFor({ type: T.Discover, mac: '52:54:00:be:ef:07' })).draft.options.get(OPT.HostName)), 'v4-0007.openchami.cluster');
  });
});

describe('coresmd: rules', () => {
  test('an ignore rule drops the request and leaves the reply untouched', () => {
    const { h } = coresmd({ rules: [parseRule('name:quiet,id:x1000c0s0b0n0,ignore:true'), parseRule('type:Node,hostname:nid{04d}')] });
    const { verdict, draft } = runOne(h, infoFor({ type: T.Discover, mac: COMPUTE1 }));
    assert.equal(verdict, 'drop');
    assert.equal(draft.yiaddr, 0);
    assert.equal(draft.options.size, 0);
    assert.equal(draft.leaseSeconds, undefined);
    assert.deepEqual(draft.decisions, [{ plugin: 'coresmd', rule: 'quiet', reason: 'ignore rule matched x1000c0s0b0n0' }]);
  });

  test('the ignore rule only drops what it matches', () => {
    const { h } = coresmd({ rules: [parseRule('id:x1000c0s0b0n0,ignore:true')] });
    assert.equal(runOne(h, infoFor({ type: T.Discover, mac: '52:54:00:be:ef:02' })).verdict, 'send');
  });

  test('without routers or netmask in the rules, options 3 and 1 are left to the stock plugins', () => {
    const { h } = coresmd({ rules: [parseRule('type:Node,hostname:nid{04d}')] });
    const info = infoFor({ type: T.Discover, mac: COMPUTE1 });
    const draft = draftFor(info);
    draft.options.set(OPT.Router, bytes(172, 16, 0, 1));
    h.handle(requestOf(info), draft);
    assert.deepEqual(draft.options.get(OPT.Router), bytes(172, 16, 0, 1));
    assert.equal(draft.options.has(OPT.SubnetMask), false);
  });

  test('rule routers replace the stock router plugin', () => {
    const { h } = coresmd();
    const info = infoFor({ type: T.Discover, mac: COMPUTE1 });
    const draft = draftFor(info);
    draft.options.set(OPT.Router, bytes(172, 16, 0, 1));
    h.handle(requestOf(info), draft);
    assert.deepEqual(draft.options.get(OPT.Router), bytes(172, 16, 0, 254));
  });

  test('rule logs go out at info with the component fields', () => {
    const { h, logger } = coresmd({ ruleLog: 'info', rules: [parseRule('name:nodes,type:Node,hostname:nid{04d}')] });
    runOne(h, infoFor({ type: T.Discover, mac: COMPUTE1 }));
    const line = logger.at('info').find((l) => l.msg === 'rule[0] (nodes) matched');
    assert.ok(line);
    assert.deepEqual(
      { comp_id: line.fields['comp_id'], comp_nid: line.fields['comp_nid'], comp_type: line.fields['comp_type'], mac: line.fields['mac'], ips: line.fields['ips'] },
      // The candidates the rules saw: the ingress link's addresses only.
      { comp_id: 'x1000c0s0b0n0', comp_nid: 1, comp_type: 'Node', mac: COMPUTE1, ips: '172.16.0.1' },
    );
  });
});

describe('coresmd: root path and boot file', () => {
  test('option 17 is siaddr as text: server_id, when it ran before', () => {
    const { h } = coresmd();
    const info = infoFor({ type: T.Discover, mac: COMPUTE1 });
    const draft = draftFor(info, ip('10.0.0.1'));
    draft.siaddr = ip('172.16.0.250');
    h.handle(requestOf(info), draft);
    assert.equal(textOf(draft.options.get(OPT.RootPath)), '172.16.0.250');
  });

  const pxe = (arch: number, vendorClass?: string) =>
    infoFor({
      type: T.Discover,
      mac: COMPUTE1,
      options: [{ code: OPT.ClientArch, data: bytes(arch >> 8, arch & 255) }, ...(vendorClass === undefined ? [] : [{ code: OPT.VendorClassIdentifier, data: Buffer.from(vendorClass) }])],
    });
  const HTTP_BASE = 'http://172.16.0.253:8080/ipxe';
  // [name, client, httpBootBase, option 67, option 60, file]
  const cases: Array<[string, Dhcp4ClientInfo, string | undefined, string | undefined, string | undefined, string]> = [
    ['arch 0 → undionly.kpxe', pxe(0, 'PXEClient:Arch:00000:UNDI:002001'), undefined, 'undionly.kpxe', undefined, 'undionly.kpxe'],
    ['arch 9 → ipxe-x86_64.efi (upstream: nothing)', pxe(9, 'PXEClient:Arch:00009:UNDI:003000'), undefined, 'ipxe-x86_64.efi', undefined, 'ipxe-x86_64.efi'],
    ['arch 11 → ipxe-arm64.efi', pxe(11), undefined, 'ipxe-arm64.efi', undefined, 'ipxe-arm64.efi'],
    ['HTTPClient arch 16 → http URL and option 60 echoed', pxe(16, 'HTTPClient:Arch:00016:UNDI:003000'), HTTP_BASE, `${HTTP_BASE}/ipxe-x86_64.efi`, 'HTTPClient', ''],
    ['HTTPClient arch 19 → http URL', pxe(19, 'HTTPClient:Arch:00019:UNDI:003000'), HTTP_BASE, `${HTTP_BASE}/ipxe-arm64.efi`, 'HTTPClient', ''],
    ['HTTPClient without an HTTP boot base → no boot file', pxe(16, 'HTTPClient:Arch:00016:UNDI:003000'), undefined, undefined, undefined, ''],
    ['unknown arch 22 → no boot file', pxe(22), undefined, undefined, undefined, ''],
  ];
  for (const [name, info, httpBootBase, boot, vendor, file] of cases) {
    test(name, () => {
      const { h } = coresmd(httpBootBase === undefined ? {} : { httpBootBase });
      const { verdict, draft } = runOne(h, info);
      assert.equal(verdict, 'send');
      assert.equal(textOf(draft.options.get(OPT.BootfileName)), boot);
      assert.equal(textOf(draft.options.get(OPT.VendorClassIdentifier)), vendor);
      assert.equal(draft.file, file);
    });
  }

  test('an HTTP boot base that depends on the interface sends each subnet to its own server address', () => {
    const { h } = coresmd({ httpBootBase: (server: number) => `http://${formatIPv4(server)}:8080` });
    const client = pxe(16, 'HTTPClient:Arch:00016:UNDI:003000');
    const a = runOne(h, client, { serverAddress: ip('172.16.0.253') });
    const b = runOne(h, client, { serverAddress: ip('10.50.0.1') });
    assert.equal(textOf(a.draft.options.get(OPT.BootfileName)), 'http://172.16.0.253:8080/ipxe-x86_64.efi');
    assert.equal(textOf(b.draft.options.get(OPT.BootfileName)), 'http://10.50.0.1:8080/ipxe-x86_64.efi');
  });

  test('no boot file is logged at debug with the architecture', () => {
    const { h, logger } = coresmd();
    runOne(h, pxe(22));
    const line = logger.at('debug').find((l) => l.msg === 'no boot file for this client');
    assert.ok(line);
    assert.match(String(line.fields['reason']), /architecture 22/);
  });

  test('iPXE on a relayed request still uses the chaddr', () => {
    const { h } = coresmd();
    const info = fixtureInfo('ipxe-1.0.0-git20190125-discover.hex', '52:54:00:be:ef:02', '10.0.0.1');
    assert.equal(textOf(runOne(h, info).draft.options.get(OPT.BootfileName)), SCRIPT('52:54:00:be:ef:02'));
  });

  test('iPXE is told not to wait for ProxyDHCP offers (option 175, no-pxedhcp), firmware is not', () => {
    const { h } = coresmd();
    const ipxe = runOne(h, fixtureInfo('ipxe-1.0.0-git20190125-discover.hex', '52:54:00:be:ef:02')).draft;
    assert.deepEqual(ipxe.options.get(OPT.Ipxe), Uint8Array.of(0xb0, 1, 1));
    assert.equal(runOne(h, pxe(7)).draft.options.get(OPT.Ipxe), undefined);
  });

  test('a base URI that cannot go in option 67 is refused at start-up', () => {
    assert.throws(() => coresmd({ ipxeBaseUri: 'http://bß.example' }));
  });
});

describe('coresmd: assignment log (spec §5.1 step 7)', () => {
  test('an ACK is logged at info with the spec fields', () => {
    const { h, logger } = coresmd();
    runOne(h, infoFor({ type: T.Request, mac: COMPUTE1, requestedIp: '172.16.0.1', serverId: '172.16.0.253' }));
    const line = logger.at('info').find((l) => l.msg === 'DHCPv4 assignment');
    assert.ok(line);
    const { plugin, type, ...fields } = line.fields;
    assert.equal(plugin, 'coresmd');
    assert.equal(type, 'ACK');
    assert.deepEqual(fields, {
      comp_id: 'x1000c0s0b0n0',
      comp_nid: 1,
      comp_type: 'Node',
      comp_ips: '172.16.0.1,fd00:172:16::1',
      comp_mac: COMPUTE1,
      assigned_ipv4: '172.16.0.1',
      assigned_hostname: 'nid0001.openchami.cluster',
      lease_duration: '3600s',
      server_ip: '172.16.0.253',
      giaddr: '0.0.0.0',
      router_ips: '172.16.0.254',
      netmask: '255.255.255.0',
      boot: '',
    });
  });

  const quiet: Array<[string, Dhcp4ClientInfo]> = [
    ['an OFFER', infoFor({ type: T.Discover, mac: COMPUTE1 })],
    ['a REQUEST for another address (the core NAKs it)', infoFor({ type: T.Request, mac: COMPUTE1, requestedIp: '192.0.2.102', serverId: '172.16.0.253' })],
  ];
  for (const [name, info] of quiet) {
    test(`${name} is logged at debug only`, () => {
      const { h, logger } = coresmd();
      runOne(h, info);
      assert.equal(logger.at('info').filter((l) => l.msg === 'DHCPv4 assignment').length, 0);
      assert.equal(logger.at('debug').filter((l) => l.msg === 'DHCPv4 assignment').length, 1);
    });
  }
});

describe('coresmd: RELEASE and DECLINE', () => {
  test('RELEASE passes on and touches nothing', () => {
    const { h, logger } = coresmd();
    const { verdict, draft } = runOne(h, infoFor({ type: T.Release, mac: COMPUTE1, ciaddr: '172.16.0.1' }));
    assert.equal(verdict, 'next');
    assert.equal(draft.options.size, 0);
    assert.equal(logger.lines.length, 0);
  });

  test('DECLINE from a known MAC is an error naming MAC, address and xname', () => {
    const { h, logger } = coresmd();
    const { verdict } = runOne(h, infoFor({ type: T.Decline, mac: COMPUTE1, requestedIp: '172.16.0.1', serverId: '172.16.0.253' }));
    assert.equal(verdict, 'next');
    const errors = logger.at('error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.fields['mac'], COMPUTE1);
    assert.equal(errors[0]!.fields['address'], '172.16.0.1');
    assert.equal(errors[0]!.fields['comp_id'], 'x1000c0s0b0n0');
  });

  test('DECLINE of an address SMD does not give this node (a bootloop one) is not logged', () => {
    const { h, logger } = coresmd();
    assert.equal(runOne(h, infoFor({ type: T.Decline, mac: COMPUTE1, requestedIp: '172.16.0.150' })).verdict, 'next');
    assert.equal(logger.at('error').length, 0);
  });

  test('DECLINE from an unknown MAC is not coresmd’s business', () => {
    const { h, logger } = coresmd();
    runOne(h, infoFor({ type: T.Decline, mac: '52:54:00:00:00:99', requestedIp: '172.16.0.99' }));
    assert.equal(logger.at('error').length, 0);
  });
});

describe('coresmd: options are checked at start-up', () => {
  test('a lease time that is not a u32 is refused', () => {
    assert.throws(() => createCoresmdHandler({ inventory: () => undefined, rules: [], ruleLog: '', domain: '', leaseSeconds: -1, ipxeBaseUri: 'http://h', subnets: [parseCidr('10.0.0.0/8')!], logger: nullLogger }), RangeError);
  });
});

describe('coresmd: the rules decide once per SMD record and selection', () => {
  test('one handler, one node, relays on different subnets in turn: each gets its own decision', () => {
    const rules = [parseRule('subnet:10.1.1.0/24,hostname:narrow{02d}'), parseRule('subnet:10.1.0.0/16,hostname:wide{02d}')];
    const { h } = coresmd({ rules, subnets: rules.flatMap((r) => r.match.subnets) });
    const ask = (giaddr: string) => {
      const got = runOne(h, infoFor({ type: T.Discover, mac: '52:54:00:be:ef:08', giaddr })).draft;
      return `${formatIPv4(got.yiaddr)} ${textOf(got.options.get(OPT.HostName))}`;
    };
    const order = ['10.1.1.1', '10.1.7.1', '10.1.1.1', '192.168.77.1', '10.1.7.1'];
    assert.deepEqual(order.map(ask), [
      '10.1.1.8 narrow08.openchami.cluster',
      '10.1.0.8 wide08.openchami.cluster',
      '10.1.1.8 narrow08.openchami.cluster',
      '172.16.0.8 unknown-0008.openchami.cluster',
      '10.1.0.8 wide08.openchami.cluster',
    ]);
  });

  test('the same record answers alike every time, and the rule log is still written per request', () => {
    const { h, logger } = coresmd({ ruleLog: 'info' });
    const hostnames = [0, 1, 2].map(() => textOf(runOne(h, infoFor({ type: T.Discover, mac: COMPUTE1 })).draft.options.get(OPT.HostName)));
    assert.deepEqual(hostnames, Array(3).fill('nid0001.openchami.cluster'));
    assert.equal(logger.at('info').filter((l) => l.msg.startsWith('rule[0]')).length, 3);
  });

  test('a new snapshot is decided afresh: a changed NID gives the new hostname', () => {
    let current = SNAPSHOT;
    const h = createCoresmdHandler({
      inventory: () => current,
      rules: [parseRule('type:Node,hostname:nid{04d}')],
      ruleLog: 'none',
      domain: 'openchami.cluster',
      leaseSeconds: 3600,
      ipxeBaseUri: 'http://172.16.0.253:8081',
      subnets: [],
      logger: nullLogger,
    });
    const hostname = () => textOf(runOne(h, infoFor({ type: T.Discover, mac: '52:54:00:be:ef:0b' })).draft.options.get(OPT.HostName));
    const before = node('52:54:00:be:ef:0b', 'x1000c2s0b0n0', ['172.16.0.11'], 11);
    current = exampleSnapshot({ interfaces: [before.iface], components: [before.comp] });
    assert.equal(hostname(), 'nid0011.openchami.cluster');
    const after = node('52:54:00:be:ef:0b', 'x1000c2s0b0n0', ['172.16.0.11'], 42);
    current = exampleSnapshot({ interfaces: [after.iface], components: [after.comp] });
    assert.equal(hostname(), 'nid0042.openchami.cluster');
  });
});
