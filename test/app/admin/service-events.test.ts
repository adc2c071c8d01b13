// What the services report to the boot-events seam, and the DHCP quarantine gate: the DHCPv4
// and DHCPv6 servers (request, reply with the rule and boot file, drops), TFTP transfers and
// refusals, the SMD refresher; nothing is built when nobody listens.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../../src/wire/pool.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import type { BootEventInput } from '../../../src/seams/boot-events.ts';
import { Dhcp4MessageType as T4, Dhcp4Opt } from '../../../src/dhcp/v4/constants.ts';
import { Dhcp4Server } from '../../../src/dhcp/service/server4.ts';
import type { Dhcp4Handler } from '../../../src/dhcp/service/chain.ts';
import { Dhcp6Opt } from '../../../src/dhcp/v6/constants.ts';
import { Dhcp6Server } from '../../../src/dhcp/service/v6/server6.ts';
import type { Dhcp6Handler } from '../../../src/dhcp/service/v6/chain.ts';
import { createInventory } from '../../../src/smd/inventory.ts';
import { QuarantineStore } from '../../../src/app/admin/quarantine-store.ts';
import { ingress, ip, request } from '../../dhcp/service/support.ts';
import { clientMessage, ingress as ingress6, KNOWN_MAC as MAC6, SERVER_DUID, T as T6, v6 } from '../../dhcp/service/v6/support.ts';
import { ack, CLIENT, harness, pattern, rrq } from '../../tftp/service/support.ts';
import { FakeClock } from '../../tftp/service/support.ts';
import { RecordingEvents } from './support.ts';

const MAC = '52:54:00:be:ef:01';
const enc = new TextEncoder();

/** Claims MAC like coresmd would: address, boot file, and the rule that decided. */
const claim: Dhcp4Handler = {
  name: 'coresmd',
  handle(req, draft) {
    if (req.info.mac !== MAC) return 'next';
    draft.yiaddr = ip('172.16.0.1');
    draft.leaseSeconds = 3600;
    const file = req.info.isIpxe ? 'http://172.16.0.253:8081/boot/v1/bootscript?mac=52:54:00:be:ef:01' : 'ipxe-x86_64.efi';
    draft.options.set(Dhcp4Opt.BootfileName, enc.encode(file));
    draft.decisions.push({ plugin: 'coresmd', rule: 'nodes', reason: 'SMD x1000c0s0b0n0 → 172.16.0.1' });
    return 'send';
  },
};

function server4(events: RecordingEvents | undefined, quarantine?: QuarantineStore) {
  return new Dhcp4Server({
    handlers: [claim],
    clock: { now: () => 1_700_000_000_000, setTimer: () => ({ cancel() {} }) },
    logger: nullLogger,
    pool: new BufferPool(1500, 4),
    ...(events === undefined ? {} : { events }),
    ...(quarantine === undefined ? {} : { quarantine }),
  });
}

const arch7 = { code: Dhcp4Opt.ClientArch, data: Uint8Array.of(0, 7) };
const ipxe = { code: Dhcp4Opt.UserClass, data: enc.encode('iPXE') };

describe('DHCPv4 server events', () => {
  test('DISCOVER then OFFER with arch, the rule and the EFI file; the iPXE REQUEST then ACK with the boot-script URL', async () => {
    const events = new RecordingEvents();
    const s = server4(events);
    const o1 = await s.handle(request({ type: T4.Discover, mac: MAC, giaddr: '10.1.0.1', options: [arch7] }), ingress());
    assert.equal(o1.kind, 'reply');
    const o2 = await s.handle(request({ type: T4.Request, mac: MAC, requestedIp: '172.16.0.1', serverId: '172.16.0.253', options: [arch7, ipxe] }), ingress());
    assert.equal(o2.kind, 'reply');
    assert.deepEqual(events.types(), ['dhcp4 DISCOVER', 'dhcp4 OFFER', 'dhcp4 REQUEST', 'dhcp4 ACK']);
    const [discover, offer, req, ackEv] = events.events as [BootEventInput, BootEventInput, BootEventInput, BootEventInput];
    assert.equal(discover.mac, MAC);
    assert.equal(discover.detail?.['arch'], 7);
    assert.equal(discover.detail?.['giaddr'], '10.1.0.1');
    assert.equal(discover.summary, 'DISCOVER, arch x64 UEFI (7), via relay 10.1.0.1');
    assert.equal(offer.ip, '172.16.0.1');
    assert.equal(offer.detail?.['file'], 'ipxe-x86_64.efi');
    assert.equal(offer.detail?.['rule'], 'nodes');
    assert.equal(offer.detail?.['source'], 'smd');
    assert.equal(offer.summary, 'OFFER 172.16.0.1 ipxe-x86_64.efi (coresmd, rule nodes)');
    assert.equal(req.detail?.['userClass'], 'iPXE');
    assert.equal(req.detail?.['ipxe'], true);
    assert.equal(ackEv.detail?.['file'], 'http://172.16.0.253:8081/boot/v1/bootscript?mac=52:54:00:be:ef:01');
    assert.equal(ackEv.detail?.['request'], 'REQUEST');
  });

  test('an unclaimed DISCOVER is reported as ignored with the reason; RELEASE adds nothing beyond its request', async () => {
    const events = new RecordingEvents();
    const s = server4(events);
    await s.handle(request({ type: T4.Discover, mac: '02:00:00:00:00:01' }), ingress());
    await s.handle(request({ type: T4.Release, mac: MAC, serverId: '172.16.0.253' }), ingress());
    assert.deepEqual(events.types(), ['dhcp4 DISCOVER', 'dhcp4 ignored', 'dhcp4 RELEASE']);
    assert.equal(events.events[1]?.detail?.['reason'], 'unknown-client');
  });

  test('a quarantined MAC gets no reply, is counted and reported; others are answered; expiry restores it', async () => {
    const clock = new FakeClock();
    const events = new RecordingEvents();
    const q = new QuarantineStore({ clock, events });
    const s = server4(events, q);
    q.set(MAC, 60, 'test');
    const held = await s.handle(request({ type: T4.Discover, mac: MAC }), ingress());
    assert.deepEqual(held.kind === 'drop' && held.reason, 'quarantined');
    assert.equal(s.counters.get('dropped{reason="quarantined"}'), 1);
    assert.equal(events.events.at(-1)?.type, 'quarantined');
    assert.equal(events.events.at(-1)?.summary, 'DISCOVER not answered: MAC is quarantined');
    await clock.advance(60_000);
    const back = await s.handle(request({ type: T4.Discover, mac: MAC }), ingress());
    assert.equal(back.kind, 'reply');
  });

  test('without a listener nothing is built or emitted', async () => {
    let built = 0;
    const events = { enabled: false, emit: () => void built++ };
    const s = new Dhcp4Server({ handlers: [claim], clock: { now: () => 0, setTimer: () => ({ cancel() {} }) }, logger: nullLogger, pool: new BufferPool(1500, 2), events });
    await s.handle(request({ type: T4.Discover, mac: MAC }), ingress());
    assert.equal(built, 0);
  });
});

describe('DHCPv6 server events', () => {
  const claim6: Dhcp6Handler = {
    name: 'coresmd',
    handle(req, draft) {
      if (!req.info.macCandidates.some((c) => c.mac === MAC6)) return 'next';
      draft.lease = { address: v6('2001:db8:1::101'), text: '2001:db8:1::101' };
      draft.leaseSeconds = 600;
      draft.options.set(Dhcp6Opt.BootfileUrl, enc.encode('tftp://[2001:db8:1::1]/ipxe-x86_64.efi'));
      draft.decisions.push({ plugin: 'coresmd', rule: 'nodes', reason: 'SMD' });
      return 'send';
    },
  };
  const server6 = (events: RecordingEvents, quarantine?: QuarantineStore) =>
    new Dhcp6Server({ handlers: [claim6], serverDuid: SERVER_DUID, clock: { now: () => 0, setTimer: () => ({ cancel() {} }) }, logger: nullLogger, pool: new BufferPool(4096, 4), events, ...(quarantine === undefined ? {} : { quarantine }) });

  test('SOLICIT then ADVERTISE with the address and the boot file URL', async () => {
    const events = new RecordingEvents();
    const out = await server6(events).handle(clientMessage(T6.Solicit, { arch: 7, userClass: 'iPXE' }), ingress6());
    assert.equal(out.kind, 'reply');
    assert.deepEqual(events.types(), ['dhcp6 SOLICIT', 'dhcp6 ADVERTISE']);
    assert.equal(events.events[0]?.mac, MAC6);
    assert.equal(events.events[0]?.detail?.['userClass'], 'iPXE');
    assert.equal(events.events[1]?.ip, '2001:db8:1::101');
    assert.equal(events.events[1]?.detail?.['bootUrl'], 'tftp://[2001:db8:1::1]/ipxe-x86_64.efi');
    assert.equal(events.events[1]?.detail?.['rule'], 'nodes');
  });

  test('a quarantined MAC (any of its candidates) gets no reply', async () => {
    const clock = new FakeClock();
    const events = new RecordingEvents();
    const q = new QuarantineStore({ clock, events });
    const s = server6(events, q);
    q.set(MAC6, 5, '');
    const out = await s.handle(clientMessage(T6.Solicit), ingress6());
    assert.deepEqual(out.kind === 'drop' && out.reason, 'quarantined');
    assert.equal(events.events.at(-1)?.type, 'quarantined');
    await clock.advance(5_000);
    assert.equal((await s.handle(clientMessage(T6.Solicit), ingress6())).kind, 'reply');
  });
});

describe('TFTP server events', () => {
  test('a transfer reports its start and its end with bytes and retransmits; a missing file is a transfer-error', async () => {
    const events = new RecordingEvents();
    const h = harness({ events });
    h.files.files.set('ipxe-x86_64.efi', { bytes: pattern(700) });
    await h.toListener(rrq('ipxe-x86_64.efi'));
    await h.toTransfer(ack(1));
    await h.toTransfer(ack(2));
    await h.toListener(rrq('missing.efi'));
    assert.deepEqual(events.types(), ['tftp transfer-start', 'tftp transfer-done', 'tftp transfer-error']);
    const [start, done, missing] = events.events;
    assert.equal(start?.ip, CLIENT.address);
    assert.equal(start?.detail?.['file'], 'ipxe-x86_64.efi');
    assert.equal(done?.detail?.['bytes'], 700);
    assert.equal(done?.detail?.['outcome'], 'complete');
    assert.equal(done?.detail?.['retransmits'], 0);
    assert.equal(missing?.detail?.['errorCode'], 1);
    assert.equal(missing?.detail?.['file'], 'missing.efi');
  });

  test('a transfer that times out is a transfer-error, and its retransmits are counted in the stats', async () => {
    const events = new RecordingEvents();
    const h = harness({ events, maxRetransmits: 2 });
    h.files.files.set('f', { bytes: pattern(10) });
    await h.toListener(rrq('f'));
    await h.clock.advance(60_000);
    const end = events.events.at(-1);
    assert.equal(end?.type, 'transfer-error');
    assert.equal(end?.detail?.['outcome'], 'timeout');
    assert.equal(end?.detail?.['retransmits'], 2);
    assert.equal(h.server.stats().retransmits, 2);
    assert.equal(h.server.stats().errors, 1);
  });
});

describe('SMD refresher events', () => {
  test('each refresh is reported as refresh-ok or refresh-failed with its duration', async () => {
    const events = new RecordingEvents();
    let fail = false;
    const inv = createInventory({
      source: { kind: 'smd', describe: () => 'https://smd.test', fetch: async () => (fail ? Promise.reject(new Error('connect ECONNREFUSED')) : { interfaces: [], components: [] }) as never },
      clock: new FakeClock(),
      logger: nullLogger,
      refreshIntervalMs: 1000,
      events,
    });
    await inv.refreshNow();
    fail = true;
    await inv.refreshNow();
    assert.deepEqual(events.types(), ['smd refresh-ok', 'smd refresh-failed']);
    assert.equal(typeof events.events[0]?.detail?.['durationMs'], 'number');
    assert.match(String(events.events[1]?.detail?.['error']), /ECONNREFUSED/);
  });
});
