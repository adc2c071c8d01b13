// GET /metrics: Prometheus text format 0.0.4 for every service, assembled at scrape time from
//   - the services' own counters (DHCP server cores and transports, TFTP and HTTP boot stats),
//     turned into families here, so their hot paths keep what they count today;
//   - the boot-event series (boot-metrics.ts: DHCP by architecture, result and rule; SMD
//     refreshes);
//   - gauges read now: inventory age and size, bootloop pools, quarantine, the event store;
//   - the DNS server's registry as it is (coredns_* and coresmd_dns_*, unchanged).
// Each source writes distinct metric names, so the texts are concatenated.
import type { Clock } from '../../seams/clock.ts';
import type { Counters } from '../../dhcp/service/counters.ts';
import { CounterVec, GaugeFunc, MetricRegistry, type LabelValues } from '../../dns/service/metric-registry.ts';
import type { BootMetrics } from './boot-metrics.ts';
import type { BootEventStore } from './event-store.ts';
import type { QuarantineStore } from './quarantine-store.ts';
import type { AdminSources, DhcpCounters } from './sources.ts';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const DHCP_HELP: Readonly<Record<string, string>> = {
  received: 'DHCP datagrams handed to the server core.',
  requests: 'DHCP requests by message type.',
  replies: 'DHCP replies by message type.',
  dropped: 'DHCP requests that got no reply, by reason.',
  malformed: 'DHCP datagrams that could not be decoded, by WireError code.',
  no_address: 'DHCPv6 requests answered without an address, by message type.',
};

/** `name{a="x",b="y"}` (Counters keys) → name and label pairs. */
export function parseCounterKey(key: string): { name: string; labels: [string, string][] } {
  const brace = key.indexOf('{');
  if (brace === -1) return { name: key, labels: [] };
  const labels: [string, string][] = [];
  for (const m of key.slice(brace + 1, -1).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels.push([m[1]!, m[2]!.replace(/\\(.)/g, '$1')]);
  return { name: key.slice(0, brace), labels };
}

/**
 * Families built per scrape from Counters objects, one per counter name. A name may come with
 * different label sets (`socket_errors{socket="raw",phase=…}`, `socket_errors{socket="dgram"}`):
 * its family gets the union, and a series lacks none of them (empty value).
 */
class CounterFamilies {
  readonly #rows: { family: string; help: string; labels: [string, string][]; value: number }[] = [];

  add(metric: string, help: string, fixed: readonly [string, string][], counters: Counters): void {
    for (const [key, value] of counters.entries()) {
      const { name, labels } = parseCounterKey(key);
      this.#rows.push({ family: `${metric}_${name}_total`, help: DHCP_HELP[name] ?? `${help} (${name}).`, labels: [...fixed, ...labels], value });
    }
  }

  registerInto(registry: MetricRegistry): void {
    const names = new Map<string, { help: string; labels: string[] }>();
    for (const r of this.#rows) {
      const f = names.get(r.family) ?? { help: r.help, labels: [] };
      for (const [k] of r.labels) if (!f.labels.includes(k)) f.labels.push(k);
      names.set(r.family, f);
    }
    const vecs = new Map<string, CounterVec>();
    for (const [family, f] of names) vecs.set(family, registry.register(new CounterVec(family, f.help, f.labels)));
    for (const r of this.#rows) {
      const byName = new Map(r.labels);
      vecs.get(r.family)!.inc(names.get(r.family)!.labels.map((n) => byName.get(n) ?? ''), r.value);
    }
  }
}

function counter(registry: MetricRegistry, name: string, help: string, labels: readonly string[], rows: readonly (readonly [LabelValues, number])[]): void {
  const vec = registry.register(new CounterVec(name, help, labels));
  for (const [values, v] of rows) vec.inc(values, v);
}

function gauge(registry: MetricRegistry, name: string, help: string, labels: readonly string[], rows: () => readonly (readonly [LabelValues, number])[]): void {
  registry.register(new GaugeFunc(name, help, labels)).collect(rows);
}

function dhcpFamilies(out: CounterFamilies, proto: string, c: DhcpCounters | undefined): void {
  if (c === undefined) return;
  out.add('coresmd_dhcp', 'DHCP server counter', [['proto', proto]], c.server);
  if (c.transport !== undefined) out.add('coresmd_dhcp_transport', 'DHCP transport counter', [['proto', proto]], c.transport);
}

export interface MetricsDeps {
  readonly sources: AdminSources;
  readonly store: BootEventStore;
  readonly bootMetrics: BootMetrics;
  readonly quarantine: QuarantineStore;
  readonly clock: Pick<Clock, 'now'>;
  /** SSE clients now, and those dropped for being too slow. */
  readonly sse: () => { readonly clients: number; readonly dropped: number };
}

export function formatMetrics(d: MetricsDeps): string {
  const r = new MetricRegistry();
  const s = d.sources;
  const families = new CounterFamilies();
  const v4 = s.dhcp4();
  const v6 = s.dhcp6();
  dhcpFamilies(families, 'dhcp4', v4);
  dhcpFamilies(families, 'dhcp6', v6);
  families.registerInto(r);

  // Dropped malformed packets by protocol and error code, in one family.
  const malformed: [LabelValues, number][] = [];
  for (const [proto, c] of [['dhcp4', v4], ['dhcp6', v6]] as const) {
    for (const [key, v] of c?.server.entries() ?? []) {
      const k = parseCounterKey(key);
      if (k.name === 'malformed') malformed.push([[proto, 'server', k.labels.find(([n]) => n === 'code')?.[1] ?? ''], v]);
    }
    for (const [key, v] of c?.transport?.entries() ?? []) {
      const k = parseCounterKey(key);
      if (k.name === 'rx_malformed') malformed.push([[proto, 'transport', k.labels.find(([n]) => n === 'code')?.[1] ?? ''], v]);
    }
  }
  const tftp = s.tftp();
  for (const [code, v] of tftp?.malformedByCode() ?? []) malformed.push([['tftp', 'server', code], v]);
  counter(r, 'coresmd_malformed_packets_total', 'Datagrams dropped because they could not be decoded, by protocol, layer and WireError code (DNS: coresmd_dns_dropped_requests_total).', ['proto', 'layer', 'code'], malformed);

  if (tftp !== undefined) {
    const t = tftp.stats();
    counter(r, 'coresmd_tftp_requests_total', 'TFTP read and write requests received.', [], [[[], t.requests]]);
    counter(r, 'coresmd_tftp_transfers_started_total', 'TFTP transfers started (OACK or DATA 1 sent).', [], [[[], t.started]]);
    counter(r, 'coresmd_tftp_transfers_total', 'TFTP transfers ended, by outcome: complete, size-probe (UEFI tsize probe), aborted (client ERROR or a new request), error (timeout, read error).', ['outcome'], [
      [['complete'], t.complete],
      [['size-probe'], t.sizeProbes],
      [['aborted'], t.aborts],
      [['error'], t.errors],
    ]);
    counter(r, 'coresmd_tftp_request_errors_total', 'TFTP requests refused or dropped before a transfer, by reason.', ['reason'], [
      [['not-found'], t.notFound],
      [['access-denied'], t.accessDenied],
      [['write-request'], t.writeRequests],
      [['malformed'], t.malformed],
      [['busy'], t.busyDrops],
      [['unknown-tid'], t.unknownTid],
      [['duplicate-request'], t.duplicateRequests],
    ]);
    counter(r, 'coresmd_tftp_bytes_sent_total', 'TFTP payload bytes sent by finished transfers.', [], [[[], t.bytesSent]]);
    counter(r, 'coresmd_tftp_retransmits_total', 'TFTP datagrams sent again after a timeout, by finished transfers.', [], [[[], t.retransmits]]);
    gauge(r, 'coresmd_tftp_active_transfers', 'TFTP transfers in progress.', [], () => [[[], t.active]]);
  }
  const http = s.httpBoot();
  if (http !== undefined) {
    counter(r, 'coresmd_http_boot_requests_total', 'HTTP boot requests by response status.', ['status'], [...http.byStatus()].map(([status, n]) => [[String(status)], n] as const));
    counter(r, 'coresmd_http_boot_bytes_sent_total', 'HTTP boot body bytes sent.', [], [[[], http.bytes]]);
    counter(r, 'coresmd_http_boot_incomplete_total', 'HTTP boot responses cut before the whole body was sent.', [], [[[], http.incomplete]]);
  }

  const inv = s.inventory();
  if (inv !== undefined) {
    const now = d.clock.now();
    gauge(r, 'coresmd_smd_snapshot_age_seconds', 'Age of the SMD data being served, in seconds.', [], () => {
      const age = inv.status().ageMs(now);
      return age === undefined ? [] : [[[], age / 1000]];
    });
    gauge(r, 'coresmd_smd_snapshot_entries', 'Entries in the SMD data being served, by type.', ['type'], () => {
      const st = inv.current()?.stats;
      return st === undefined ? [] : [[['components'], st.components], [['ethernet_interfaces'], st.interfaces]];
    });
    gauge(r, 'coresmd_smd_last_refresh_duration_seconds', 'Duration of the last SMD refresh, successful or not.', [], () => {
      const ms = inv.status().lastDurationMs;
      return ms === undefined ? [] : [[[], ms / 1000]];
    });
    gauge(r, 'coresmd_smd_consecutive_failures', 'SMD refreshes failed in a row (0 after a success).', [], () => [[[], inv.status().consecutiveFailures]]);
    gauge(r, 'coresmd_smd_last_success_timestamp_seconds', 'Unix time of the last successful SMD refresh.', [], () => {
      const at = inv.status().lastSuccessAt;
      return at === undefined ? [] : [[[], at / 1000]];
    });
  }

  const leases = s.bootloop();
  if (leases !== undefined) {
    const pools = leases.poolStats();
    gauge(r, 'coresmd_bootloop_pool_size', 'Addresses in each bootloop pool.', ['pool'], () => pools.map((p) => [[p.name], p.size] as const));
    gauge(r, 'coresmd_bootloop_pool_available', 'Addresses a new bootloop lease could take now, per pool.', ['pool'], () => pools.map((p) => [[p.name], p.available] as const));
    gauge(r, 'coresmd_bootloop_pool_used', 'Addresses of each bootloop pool held by a live lease.', ['pool'], () => pools.map((p) => [[p.name], p.size - p.available] as const));
    gauge(r, 'coresmd_bootloop_leases', 'Bootloop leases stored (live or expired, until reused).', [], () => [[[], leases.store.size]]);
  }

  gauge(r, 'coresmd_quarantined_macs', 'MACs the DHCP servers do not answer now (admin quarantine).', [], () => [[[], d.quarantine.size]]);
  const sizes = d.store.sizes();
  gauge(r, 'coresmd_admin_events_held', 'Boot events held by the admin store: global ring and all node rings.', ['ring'], () => [
    [['global'], sizes.events],
    [['nodes'], sizes.nodeEvents],
  ]);
  gauge(r, 'coresmd_admin_nodes_tracked', 'MACs and names with a timeline in the admin store.', [], () => [[[], sizes.nodes]]);
  gauge(r, 'coresmd_admin_unknown_macs', 'MACs not in SMD that asked for DHCP, as held (bounded).', [], () => [[[], sizes.unknownMacs]]);
  const sse = d.sse();
  gauge(r, 'coresmd_admin_sse_clients', 'Clients of GET /api/v1/events now.', [], () => [[[], sse.clients]]);
  counter(r, 'coresmd_admin_sse_dropped_clients_total', 'Event-stream clients disconnected because they read too slowly.', [], [[[], sse.dropped]]);

  return r.format() + d.bootMetrics.format() + (s.dnsMetrics() ?? '');
}
