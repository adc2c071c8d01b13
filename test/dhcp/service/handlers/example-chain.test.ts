// The example server4 chain (spec §1.4, examples/coredhcp/coredhcp.yaml) run by the real server
// core, against the spec §5.2 example reply.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../../src/wire/pool.ts';
import { CaptureLogger } from '../../../smd/support/capture-logger.ts';
import { Dhcp4MessageType as T, Dhcp4Opt } from '../../../../src/dhcp/v4/constants.ts';
import { Dhcp4Server, type Dhcp4Outcome } from '../../../../src/dhcp/service/server4.ts';
import { runChain, type Dhcp4Handler } from '../../../../src/dhcp/service/chain.ts';
import { parseRule } from '../../../../src/dhcp/service/rules/parse-rule.ts';
import { createServerIdHandler } from '../../../../src/dhcp/service/handlers/server-id.ts';
import { createDnsHandler } from '../../../../src/dhcp/service/handlers/dns.ts';
import { createRouterHandler } from '../../../../src/dhcp/service/handlers/router.ts';
import { createNetmaskHandler } from '../../../../src/dhcp/service/handlers/netmask.ts';
import { createCoresmdHandler } from '../../../../src/dhcp/service/handlers/coresmd.ts';
import { createLeaseTimeHandler } from '../../../../src/dhcp/service/handlers/lease-time.ts';
import { createFileHandler } from '../../../../src/dhcp/service/handlers/file.ts';
import type { Rule } from '../../../../src/dhcp/service/rules/rule.ts';
import { buildSnapshot } from '../../../../src/smd/snapshot.ts';
import { parseInventoryDocument } from '../../../../src/smd/inventory-document.ts';
import { loadHexFixture } from '../../../support/hex.ts';
import { reply } from '../support.ts';
import { draftFor, fixtureAs, infoFor, ip, requestOf, request, textOf } from './support.ts';

const SPEC_MAC = 'de:ad:be:ef:00:01';
const STATIC_MAC = '52:54:00:aa:00:01';
const GOLDEN = loadHexFixture(new URL('../../../fixtures/dhcp4/coresmd-offer-spec-5.2.reply.hex', import.meta.url));

// Spec §5.2: de:ad:be:ef:00:01 is x3000c0s0b0n0, a Node with NID 1 and IPs [172.16.0.1].
const SNAPSHOT = buildSnapshot(
  parseInventoryDocument(
    JSON.stringify({
      EthernetInterfaces: [{ ID: 'deadbeef0001', MACAddress: SPEC_MAC, ComponentID: 'x3000c0s0b0n0', IPAddresses: [{ IPAddress: '172.16.0.1' }] }],
      Components: [{ ID: 'x3000c0s0b0n0', Type: 'Node', NID: 1 }],
    }),
    'spec-5.2.json',
  ),
  { fetchedAt: 0, source: 'test' },
);

function chain(rules: Rule[] = [parseRule('type:Node,hostname:nid{04d}')]): Dhcp4Handler[] {
  const logger = new CaptureLogger();
  // The order of examples/coredhcp/coredhcp.yaml: it matters (server_id before coresmd feeds
  // option 17; lease_time after coresmd is only a default for file).
  return [
    createServerIdHandler({ address: ip('172.16.0.253') }),
    createDnsHandler({ servers: [ip('1.1.1.1'), ip('8.8.8.8')] }),
    createRouterHandler({ routers: [ip('172.16.0.254')] }),
    createNetmaskHandler({ mask: ip('255.255.255.0') }),
    createCoresmdHandler({
      inventory: () => SNAPSHOT,
      rules,
      ruleLog: 'info',
      domain: 'openchami.cluster',
      leaseSeconds: 3600,
      ipxeBaseUri: 'http://172.16.0.253:8081',
      subnets: [],
      logger,
    }),
    createLeaseTimeHandler({ leaseSeconds: 600 }),
    createFileHandler({
      path: 'leases.txt',
      autorefresh: false,
      logger,
      source: { read: () => `${STATIC_MAC} 172.16.0.77\n`, watch: () => ({ close() {} }) },
    }),
  ];
}

/**
 * `serverId`: the app must hand server_id's address to the core as well, or the core's RFC 2131
 * §4.3.2 check (option 54 vs our address, made before the chain runs) drops the REQUEST that
 * answers server_id's own OFFER whenever the ingress address differs.
 */
function server(opts: { serverId?: number } = {}) {
  const clock = { now: () => 0, setTimer: () => ({ cancel() {} }) };
  return new Dhcp4Server({ handlers: chain(), clock, logger: new CaptureLogger(), pool: new BufferPool(1500, 4), ...opts });
}

// Our address on the ingress link is deliberately not server_id's: server_id must win.
const INGRESS = { ifname: 'eth1', serverAddress: ip('172.16.0.2'), serverPrefix: 24, srcAddress: 0, srcPort: 68, broadcast: true };

function payloadOf(o: Dhcp4Outcome): Uint8Array {
  assert.equal(o.kind, 'reply', o.kind === 'drop' ? `dropped: ${o.reason}` : '');
  if (o.kind !== 'reply') throw new Error('unreachable');
  const bytes = Uint8Array.from(o.payload);
  o.release();
  return bytes;
}

/** BOOTP `file` field: bytes 108–235 (RFC 2131 §2). */
const FILE_AT = 108;
const FILE_LEN = 128;

describe('the example chain (spec §5.2)', () => {
  test('the OVMF DISCOVER gets the spec OFFER, plus the boot file in the BOOTP file field', async () => {
    const out = payloadOf(await server().handle(fixtureAs('ovmf-2022.11-pxe-discover.hex', SPEC_MAC), INGRESS));
    // Everything but `file` is byte for byte the reviewed golden reply.
    assert.equal(out.length, GOLDEN.length);
    assert.deepEqual(out.subarray(0, FILE_AT), GOLDEN.subarray(0, FILE_AT));
    assert.deepEqual(out.subarray(FILE_AT + FILE_LEN), GOLDEN.subarray(FILE_AT + FILE_LEN));
    // Deliberate difference: legacy PXE ROMs read `file`, not option 67 (golden: empty, as upstream).
    const file = out.subarray(FILE_AT, FILE_AT + FILE_LEN);
    assert.equal(Buffer.from(file).toString('latin1').replace(/\0+$/, ''), 'ipxe-x86_64.efi');
  });

  test('the option set is the spec table, in wire order', async () => {
    const r = reply(payloadOf(await server().handle(fixtureAs('ovmf-2022.11-pxe-discover.hex', SPEC_MAC), INGRESS)));
    assert.deepEqual(
      r.options.map((o) => o.code),
      [53, 54, 1, 3, 6, 12, 17, 51, 67],
    );
    assert.equal(r.yiaddr, ip('172.16.0.1'));
    assert.equal(r.siaddr, ip('172.16.0.253'));
  });

  test('iPXE’s REQUEST gets the ACK with the boot-script URL', async () => {
    const datagram = request({
      type: T.Request,
      mac: SPEC_MAC,
      requestedIp: '172.16.0.1',
      serverId: '172.16.0.253',
      options: [{ code: Dhcp4Opt.UserClass, data: Buffer.from('iPXE') }],
    });
    const r = reply(payloadOf(await server({ serverId: ip('172.16.0.253') }).handle(datagram, INGRESS)));
    assert.deepEqual(r.opt(Dhcp4Opt.MessageType), Uint8Array.of(T.Ack));
    assert.equal(r.yiaddr, ip('172.16.0.1'));
    assert.equal(textOf(r.opt(Dhcp4Opt.BootfileName)), `http://172.16.0.253:8081/boot/v1/bootscript?mac=${SPEC_MAC}`);
    assert.equal(textOf(r.opt(Dhcp4Opt.RootPath)), '172.16.0.253');
    assert.deepEqual(r.opt(Dhcp4Opt.IpAddressLeaseTime), Uint8Array.of(0, 0, 0x0e, 0x10));
  });

  test('a MAC only the hosts file knows gets the file’s address and lease_time’s lease, no SMD options', async () => {
    const r = reply(payloadOf(await server().handle(request({ type: T.Discover, mac: STATIC_MAC }), INGRESS)));
    assert.equal(r.yiaddr, ip('172.16.0.77'));
    assert.deepEqual(r.opt(Dhcp4Opt.IpAddressLeaseTime), Uint8Array.of(0, 0, 0x02, 0x58));
    assert.deepEqual(
      r.options.map((o) => o.code),
      [53, 54, 1, 3, 6, 51],
    );
  });

  test('a MAC nobody knows gets no OFFER', async () => {
    const o = await server().handle(request({ type: T.Discover, mac: '52:54:00:00:00:99' }), INGRESS);
    assert.equal(o.kind, 'drop');
  });

  test('an ignore rule drops the node before the file plugin runs', async () => {
    const handlers = chain([parseRule('type:Node,ignore:true')]);
    const info = infoFor({ type: T.Discover, mac: SPEC_MAC });
    const draft = draftFor(info);
    const res = await runChain(handlers, requestOf(info), draft);
    assert.deepEqual(res, { verdict: 'drop', decidedBy: 'coresmd' });
    assert.deepEqual(
      draft.decisions.map((d) => d.plugin),
      ['server_id', 'dns', 'router', 'netmask', 'coresmd'],
    );
  });

  test('decisions record every plugin that acted, the owner last', async () => {
    const info = infoFor({ type: T.Discover, mac: STATIC_MAC });
    const draft = draftFor(info);
    const res = await runChain(chain(), requestOf(info), draft);
    assert.deepEqual(res, { verdict: 'send', decidedBy: 'file' });
    assert.deepEqual(
      draft.decisions.map((d) => d.plugin),
      ['server_id', 'dns', 'router', 'netmask', 'lease_time', 'file'],
    );
  });
});
