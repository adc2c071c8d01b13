// The DNS server's metrics: the original's six `coredns_coresmd_*` series (spec coresmd-dns §1.8)
// and CoreDNS's standard request/response series (plugin/metrics README), in one registry.
//
// Counting, fixed where the original is wrong (docs/differences.md "DNS"):
// - `coredns_coresmd_requests_total{type}` counts every query the coresmd plugin saw, hits and
//   misses alike; `type` is A, AAAA, PTR or other (upstream counts only hits and "other").
// - cache_hits / cache_misses count A, AAAA and PTR questions that were ours to answer (a name
//   in a coresmd zone, or a reverse name): hit when the inventory had the records, miss when it
//   did not. Names outside our zones are neither.
// - `zone` is the coresmd zone the name falls in, matched on label boundaries and without regard
//   to case (upstream: a raw string suffix, so `foocluster.local` counted under `cluster.local`);
//   reverse names count under `in-addr.arpa.` / `ip6.arpa.`; anything else is `unknown`.
// - `server` is CoreDNS's listener label, `dns://[bind]:port` (upstream: always `default`).
// - The two SMD gauges are read at scrape time, so they exist as soon as there is an inventory
//   and are never 30 s stale; the age is that of the data being served.

import { DnsType, nameOf, DnsRcode } from '../constants.ts';
import { CounterVec, exponentialBuckets, GaugeFunc, HistogramVec, MetricRegistry, type LabelValues } from './metric-registry.ts';

/** CoreDNS `plugin.TimeBuckets`: 0.25 ms doubling 16 times, up to 8.192 s. */
export const TIME_BUCKETS: readonly number[] = exponentialBuckets(0.00025, 2, 16);

// The types CoreDNS's `type` label keeps by name (plugin/pkg/response/typify and metrics/vars).
const STANDARD_TYPES: ReadonlyMap<number, string> = new Map(
  ['A', 'AAAA', 'MX', 'SOA', 'CNAME', 'PTR', 'TXT', 'NS', 'SRV', 'DS', 'DNSKEY', 'RRSIG', 'NSEC', 'HTTPS', 'IXFR', 'AXFR', 'ANY'].map(
    (n) => [DnsType[n as keyof typeof DnsType], n] as const,
  ),
);

/** The `type` label of the standard series. */
export function standardTypeLabel(qtype: number): string {
  return STANDARD_TYPES.get(qtype) ?? 'other';
}

/** The `type` / `record_type` label of the coresmd series. */
export function coresmdTypeLabel(qtype: number): string {
  return qtype === DnsType.A ? 'A' : qtype === DnsType.AAAA ? 'AAAA' : qtype === DnsType.PTR ? 'PTR' : 'other';
}

const RCODE_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(DnsRcode).map(([name, code]) => [code, name] as const));

/** The `rcode` label: the mnemonic, or `unknown(N)`. */
export function rcodeLabel(rcode: number): string {
  return RCODE_NAMES.get(rcode) ?? nameOf(DnsRcode, rcode);
}

/** What the SMD gauges read, per coresmd server block. */
export interface InventoryGaugeSource {
  /** Seconds since the data being served was fetched; undefined without data. */
  ageSeconds(): number | undefined;
  /** Entry counts of the data being served; undefined without data. */
  sizes(): { readonly interfaces: number; readonly components: number } | undefined;
}

export class DnsMetrics {
  readonly registry = new MetricRegistry();
  // Standard CoreDNS series.
  readonly requests = this.registry.register(
    new CounterVec('coredns_dns_requests_total', 'Counter of DNS requests made per zone, protocol and family.', ['server', 'zone', 'view', 'proto', 'family', 'type']),
  );
  readonly responses = this.registry.register(
    new CounterVec('coredns_dns_responses_total', 'Counter of response status codes.', ['server', 'zone', 'view', 'rcode', 'plugin']),
  );
  readonly duration = this.registry.register(
    new HistogramVec('coredns_dns_request_duration_seconds', 'Histogram of the time (in seconds) each request took.', ['server', 'zone', 'view', 'type'], TIME_BUCKETS),
  );
  /** Ours: datagrams and frames answered with silence (no header, or a response sent to us). */
  readonly dropped = this.registry.register(
    new CounterVec('coresmd_dns_dropped_requests_total', 'Messages dropped without a reply, by reason.', ['server', 'reason']),
  );
  // The original's coresmd series.
  readonly coresmdRequests = this.registry.register(
    new CounterVec('coredns_coresmd_requests_total', 'Number of DNS requests handled by coresmd.', ['server', 'zone', 'type']),
  );
  readonly coresmdDuration = this.registry.register(
    new HistogramVec('coredns_coresmd_request_duration_seconds', 'Histogram of the time (in seconds) each request took in coresmd.', ['server', 'zone'], TIME_BUCKETS),
  );
  readonly cacheHits = this.registry.register(
    new CounterVec('coredns_coresmd_cache_hits_total', 'Number of A, AAAA and PTR questions answered from the SMD inventory.', ['server', 'zone', 'record_type']),
  );
  readonly cacheMisses = this.registry.register(
    new CounterVec('coredns_coresmd_cache_misses_total', 'Number of A, AAAA and PTR questions in our zones the SMD inventory had no records for.', ['server', 'zone', 'record_type']),
  );
  readonly cacheAge = this.registry.register(new GaugeFunc('coredns_coresmd_smd_cache_age_seconds', 'Age of the SMD data being served, in seconds.', ['server']));
  readonly cacheSize = this.registry.register(new GaugeFunc('coredns_coresmd_smd_cache_size', 'Number of entries in the SMD data being served.', ['server', 'type']));

  /** Publishes the SMD gauges of one coresmd server; returns a function that withdraws them. */
  addInventory(server: string, source: InventoryGaugeSource): () => void {
    const offAge = this.cacheAge.collect(() => {
      const age = source.ageSeconds();
      return age === undefined ? [] : [[[server], age] as const];
    });
    const offSize = this.cacheSize.collect(() => {
      const s = source.sizes();
      if (s === undefined) return [];
      const rows: (readonly [LabelValues, number])[] = [
        [[server, 'ethernet_interfaces'], s.interfaces],
        [[server, 'components'], s.components],
      ];
      return rows;
    });
    return () => {
      offAge();
      offSize();
    };
  }

  format(): string {
    return this.registry.format();
  }
}
