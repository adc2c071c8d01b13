// Which of our addresses a DHCPv6 boot URL names (src/dhcp/service/v6/handlers/coresmd.ts,
// serverAddressFor): one the boot servers listen on for the ingress link (`listensOn6`), global
// or ULA first, link-local (without its zone) when only that is bound; none when nothing is.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dhcp6Opt } from '../../../../../src/dhcp/v6/constants.ts';
import { parseRule } from '../../../../../src/dhcp/service/rules/parse-rule.ts';
import type { Dhcp6Ingress } from '../../../../../src/dhcp/service/v6/chain.ts';
import { newDraft6 } from '../../../../../src/dhcp/service/v6/draft.ts';
import { createCoresmd6Handler, serverAddressFor, type Coresmd6HandlerOptions } from '../../../../../src/dhcp/service/v6/handlers/coresmd.ts';
import { CaptureLogger } from '../../../../smd/support/capture-logger.ts';
import { clientMessage, exampleSnapshot, infoOf, ingress, node, T } from '../support.ts';

const KNOWN = node('52:54:00:d6:00:01', 'x1000c0s0b0n0x', ['2001:db8:1::101'], 1);
const SNAPSHOT = exampleSnapshot({ interfaces: [KNOWN.iface], components: [KNOWN.comp] });

/** Our addresses on eth1 (LAN_ADDRESSES): 2001:db8:1::1 and fe80::1. */
const ON_ETH1 = ingress();

function urlFor(arch: number, ing: Dhcp6Ingress, over: Partial<Coresmd6HandlerOptions>): string | undefined {
  const h = createCoresmd6Handler({
    inventory: () => SNAPSHOT,
    rules: [parseRule('name:nodes,type:Node,hostname:nid{04d}')],
    ruleLog: 'none',
    domain: 'openchami.cluster',
    leaseSeconds: 600,
    ipxeBaseUri: 'http://[2001:db8:1::1]:8081',
    logger: new CaptureLogger(),
    ...over,
  });
  const draft = newDraft6();
  const info = infoOf(clientMessage(T.Solicit, { arch, ...(arch === 16 ? { vendorClass: 'HTTPClient:Arch:00016:UNDI:003000' } : {}) }));
  const verdict = h.handle({ info, ingress: ing, receivedAt: 0 }, draft);
  assert.equal(verdict, 'send');
  const url = draft.options.get(Dhcp6Opt.BootfileUrl);
  return url === undefined ? undefined : Buffer.from(url).toString('latin1');
}

describe('serverAddressFor with listensOn6', () => {
  const cases: { name: string; bound: string[]; want: string | undefined }[] = [
    { name: 'both bound: the global one', bound: ['2001:db8:1::1%eth1', 'fe80::1%eth1'], want: '2001:db8:1::1' },
    { name: 'only the link-local one bound (the global came after start): link-local, no zone', bound: ['fe80::1%eth1'], want: 'fe80::1' },
    { name: 'the same link-local text bound on another link only: none', bound: ['fe80::1%eth2'], want: undefined },
    { name: 'nothing bound on this link: none', bound: [], want: undefined },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.want ?? 'none'}`, () => {
      // The set holds `address%ifname` for every kind, to check the zone is compared.
      const listensOn = (a: string, ifname: string) => c.bound.includes(`${a}%${ifname}`);
      assert.equal(serverAddressFor(ON_ETH1, listensOn), c.want);
    });
  }

  test('without listensOn6 any address of ours qualifies, global first', () => {
    assert.equal(serverAddressFor(ON_ETH1), '2001:db8:1::1');
  });
});

describe('coresmd v6 boot URLs name an address the boot servers listen on', () => {
  test('arch 7: tftp://[the link-local address] when only it is bound', () => {
    assert.equal(urlFor(7, ON_ETH1, { listensOn6: (a) => a === 'fe80::1' }), 'tftp://[fe80::1]/ipxe-x86_64.efi');
  });

  test('arch 16 (UEFI HTTP boot): http://[the bound global address]:port', () => {
    const url = urlFor(16, ON_ETH1, { listensOn6: () => true, httpBootBase: (a) => `http://[${a}]:8080` });
    assert.equal(url, 'http://[2001:db8:1::1]:8080/ipxe-x86_64.efi');
  });

  test('no bound address on the link: no boot URL, the address is still leased', () => {
    assert.equal(urlFor(7, ON_ETH1, { listensOn6: () => false }), undefined);
  });

  test('HTTP boot base not there yet (boot servers restarting): no HTTP URL now, one once it is back', () => {
    let base: string | undefined;
    const h = createCoresmd6Handler({
      inventory: () => SNAPSHOT,
      rules: [parseRule('name:nodes,type:Node,hostname:nid{04d}')],
      ruleLog: 'none',
      domain: 'openchami.cluster',
      leaseSeconds: 600,
      ipxeBaseUri: 'http://[2001:db8:1::1]:8081',
      logger: new CaptureLogger(),
      httpBootBase: (a) => (base === undefined ? undefined : `http://[${a}]:${base}`),
    });
    const info = infoOf(clientMessage(T.Solicit, { arch: 16, vendorClass: 'HTTPClient:Arch:00016:UNDI:003000' }));
    const urlNow = () => {
      const draft = newDraft6();
      h.handle({ info, ingress: ON_ETH1, receivedAt: 0 }, draft);
      const u = draft.options.get(Dhcp6Opt.BootfileUrl);
      return u === undefined ? undefined : Buffer.from(u).toString('latin1');
    };
    assert.equal(urlNow(), undefined);
    base = '8080';
    assert.equal(urlNow(), 'http://[2001:db8:1::1]:8080/ipxe-x86_64.efi');
  });
});

describe('coresmd v6: the rules decide once per SMD record', () => {
  function handler(snapshot: () => ReturnType<typeof exampleSnapshot>, logger = new CaptureLogger()) {
    return createCoresmd6Handler({
      inventory: snapshot,
      rules: [parseRule('name:nodes,type:Node,hostname:nid{04d}')],
      ruleLog: 'info',
      domain: 'openchami.cluster',
      leaseSeconds: 600,
      ipxeBaseUri: 'http://[2001:db8:1::1]:8081',
      logger,
    });
  }
  const ask = (h: ReturnType<typeof handler>) => {
    const draft = newDraft6();
    assert.equal(h.handle({ info: infoOf(clientMessage(T.Solicit, { arch: 7 })), ingress: ON_ETH1, receivedAt: 0 }, draft), 'send');
    return draft;
  };

  test('the same record answers alike every time, and the rule log is still written per request', () => {
    const logger = new CaptureLogger();
    const h = handler(() => SNAPSHOT, logger);
    assert.deepEqual([ask(h).fqdn, ask(h).fqdn], ['nid0001.openchami.cluster', 'nid0001.openchami.cluster']);
    assert.equal(logger.at('info').filter((l) => l.msg.startsWith('rule[0] (nodes)')).length, 2);
  });

  test('a new snapshot is decided afresh: a changed NID gives the new hostname', () => {
    let current = SNAPSHOT;
    const h = handler(() => current);
    assert.equal(ask(h).fqdn, 'nid0001.openchami.cluster');
    const renumbered = node('52:54:00:d6:00:01', 'x1000c0s0b0n0x', ['2001:db8:1::101'], 42);
    current = exampleSnapshot({ interfaces: [renumbered.iface], components: [renumbered.comp] });
    assert.equal(ask(h).fqdn, 'nid0042.openchami.cluster');
    const moved = node('52:54:00:d6:00:01', 'x1000c0s0b0n0x', ['2001:db8:1::201'], 42);
    current = exampleSnapshot({ interfaces: [moved.iface], components: [moved.comp] });
    assert.equal(ask(h).lease?.text, '2001:db8:1::201');
  });
});
