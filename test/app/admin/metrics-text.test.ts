// /metrics assembly: the services' Counters keys become proper families (one HELP/TYPE each, the
// union of their label sets), and the event-derived series count what the events say.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Counters } from '../../../src/dhcp/service/counters.ts';
import { formatMetrics, parseCounterKey } from '../../../src/app/admin/metrics-text.ts';
import { BootMetrics } from '../../../src/app/admin/boot-metrics.ts';
import { BootEventStore } from '../../../src/app/admin/event-store.ts';
import { QuarantineStore } from '../../../src/app/admin/quarantine-store.ts';
import type { AdminSources } from '../../../src/app/admin/sources.ts';
import { FakeClock } from '../../tftp/service/support.ts';
import { parsePrometheus } from './support.ts';

function sources(over: Partial<AdminSources> = {}): AdminSources {
  return {
    inventory: () => undefined,
    inventoryMaxAgeMs: () => undefined,
    bootloop: () => undefined,
    dhcp4: () => undefined,
    dhcp6: () => undefined,
    tftp: () => undefined,
    httpBoot: () => undefined,
    dnsMetrics: () => undefined,
    notReady: () => [],
    explain: () => Promise.reject(new Error('unused')),
    ...over,
  };
}

function scrape(s: AdminSources, store = new BootEventStore({ clock: new FakeClock() }), metrics = new BootMetrics()): Map<string, number> {
  const clock = new FakeClock();
  return parsePrometheus(formatMetrics({ sources: s, store, bootMetrics: metrics, quarantine: new QuarantineStore({ clock, events: store }), clock, sse: () => ({ clients: 0, dropped: 0 }) }));
}

describe('parseCounterKey', () => {
  test('name and labels, escapes undone', () => {
    assert.deepEqual(parseCounterKey('received'), { name: 'received', labels: [] });
    assert.deepEqual(parseCounterKey('tx{via="raw",code="a\\"b"}'), { name: 'tx', labels: [['via', 'raw'], ['code', 'a"b']] });
  });
});

describe('formatMetrics', () => {
  test('one family per counter name across DHCPv4 and DHCPv6, with the union of label sets', () => {
    const v4 = new Counters();
    v4.inc('requests{type="DISCOVER"}', 2);
    const t4 = new Counters();
    t4.inc('socket_errors{socket="dgram"}');
    t4.inc('socket_errors{socket="raw",phase="bind"}', 3);
    t4.inc('rx_malformed{via="raw",code="ERR_WIRE_TRUNCATED"}', 4);
    const v6 = new Counters();
    v6.inc('requests{type="SOLICIT"}');
    v6.inc('malformed{code="ERR_WIRE_MALFORMED"}');
    const m = scrape(sources({ dhcp4: () => ({ server: v4, transport: t4 }), dhcp6: () => ({ server: v6, transport: undefined }) }));
    assert.equal(m.get('coresmd_dhcp_requests_total{proto="dhcp4",type="DISCOVER"}'), 2);
    assert.equal(m.get('coresmd_dhcp_requests_total{proto="dhcp6",type="SOLICIT"}'), 1);
    assert.equal(m.get('coresmd_dhcp_transport_socket_errors_total{proto="dhcp4",socket="dgram",phase=""}'), 1);
    assert.equal(m.get('coresmd_dhcp_transport_socket_errors_total{proto="dhcp4",socket="raw",phase="bind"}'), 3);
    assert.equal(m.get('coresmd_malformed_packets_total{proto="dhcp4",layer="transport",code="ERR_WIRE_TRUNCATED"}'), 4);
    assert.equal(m.get('coresmd_malformed_packets_total{proto="dhcp6",layer="server",code="ERR_WIRE_MALFORMED"}'), 1);
  });

  test('event-derived series: by arch, by result, by rule, SMD refreshes', () => {
    const store = new BootEventStore({ clock: new FakeClock() });
    const metrics = new BootMetrics();
    store.subscribe(metrics.observe);
    store.emit({ service: 'dhcp4', type: 'DISCOVER', mac: 'aa:00:00:00:00:01', summary: '', detail: { arch: 0 } });
    store.emit({ service: 'dhcp4', type: 'DISCOVER', mac: 'aa:00:00:00:00:02', summary: '', detail: { arch: 0 } });
    store.emit({ service: 'dhcp6', type: 'SOLICIT', mac: 'aa:00:00:00:00:03', summary: '' });
    store.emit({ service: 'dhcp4', type: 'OFFER', mac: 'aa:00:00:00:00:01', summary: '', detail: { request: 'DISCOVER', plugin: 'bootloop' } });
    store.emit({ service: 'dhcp4', type: 'ignored', mac: 'aa:00:00:00:00:02', summary: '', detail: { request: 'DISCOVER', reason: 'handler-drop', plugin: 'coresmd', rule: 'bmcs' } });
    store.emit({ service: 'smd', type: 'refresh-failed', summary: '', detail: { durationMs: 2500 } });
    const m = scrape(sources(), store, metrics);
    assert.equal(m.get('coresmd_dhcp_requests_by_arch_total{proto="dhcp4",arch="0"}'), 2);
    assert.equal(m.get('coresmd_dhcp_requests_by_arch_total{proto="dhcp6",arch="none"}'), 1);
    assert.equal(m.get('coresmd_dhcp_results_total{proto="dhcp4",request="DISCOVER",result="OFFER"}'), 1);
    assert.equal(m.get('coresmd_dhcp_results_total{proto="dhcp4",request="DISCOVER",result="handler-drop"}'), 1);
    assert.equal(m.get('coresmd_dhcp_decisions_total{proto="dhcp4",plugin="bootloop",rule="",result="OFFER"}'), 1);
    assert.equal(m.get('coresmd_dhcp_decisions_total{proto="dhcp4",plugin="coresmd",rule="bmcs",result="handler-drop"}'), 1);
    assert.equal(m.get('coresmd_smd_refreshes_total{result="failed"}'), 1);
    assert.equal(m.get('coresmd_smd_refresh_duration_seconds_bucket{le="2.5"}'), 1);
    assert.equal(m.get('coresmd_smd_refresh_duration_seconds_bucket{le="1"}'), 0);
    assert.equal(m.get('coresmd_smd_refresh_duration_seconds_sum'), 2.5);
  });

  test('with nothing running the text is still valid and holds the admin gauges', () => {
    const m = scrape(sources());
    assert.equal(m.get('coresmd_quarantined_macs'), 0);
    assert.equal(m.get('coresmd_admin_sse_clients'), 0);
  });
});
