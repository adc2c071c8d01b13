// The Prometheus text format (exposition format 0.0.4) of the registry.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterVec, exponentialBuckets, GaugeFunc, HistogramVec, MetricRegistry } from '../../../src/dns/service/metric-registry.ts';
import { DnsMetrics, TIME_BUCKETS } from '../../../src/dns/service/metrics.ts';

describe('metric registry', () => {
  test('counters, gauges and histograms in the text format', () => {
    const r = new MetricRegistry();
    const c = r.register(new CounterVec('x_total', 'Things.\nMore', ['a', 'b']));
    const g = r.register(new GaugeFunc('g', 'A gauge.', ['s']));
    const h = r.register(new HistogramVec('h_seconds', 'Times.', ['s'], [0.1, 1]));
    c.inc(['1', 'q"uo\\te\n']);
    c.inc(['1', 'q"uo\\te\n'], 2);
    g.collect(() => [[['one'], 1.5]]);
    h.observe(['s1'], 0.05);
    h.observe(['s1'], 0.5);
    h.observe(['s1'], 5);
    assert.equal(
      r.format(),
      [
        '# HELP x_total Things.\\nMore',
        '# TYPE x_total counter',
        'x_total{a="1",b="q\\"uo\\\\te\\n"} 3',
        '# HELP g A gauge.',
        '# TYPE g gauge',
        'g{s="one"} 1.5',
        '# HELP h_seconds Times.',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{s="s1",le="0.1"} 1',
        'h_seconds_bucket{s="s1",le="1"} 2',
        'h_seconds_bucket{s="s1",le="+Inf"} 3',
        'h_seconds_sum{s="s1"} 5.55',
        'h_seconds_count{s="s1"} 3',
        '',
      ].join('\n'),
    );
  });

  test('a family name registered twice is a bug', () => {
    const r = new MetricRegistry();
    r.register(new CounterVec('a', 'a', []));
    assert.throws(() => r.register(new CounterVec('a', 'a', [])));
  });

  test('CoreDNS time buckets: 0.25 ms doubling to 8.192 s', () => {
    assert.equal(TIME_BUCKETS.length, 16);
    assert.equal(TIME_BUCKETS[0], 0.00025);
    assert.equal(TIME_BUCKETS[15], 8.192);
    assert.deepEqual(exponentialBuckets(1, 10, 3), [1, 10, 100]);
  });

  test('the SMD gauges appear with data and go when withdrawn', () => {
    const m = new DnsMetrics();
    let sizes: { interfaces: number; components: number } | undefined;
    const off = m.addInventory('dns://:53', { ageSeconds: () => (sizes === undefined ? undefined : 12), sizes: () => sizes });
    assert.doesNotMatch(m.format(), /smd_cache_size\{/);
    sizes = { interfaces: 13, components: 12 };
    const text = m.format();
    assert.match(text, /^coredns_coresmd_smd_cache_age_seconds\{server="dns:\/\/:53"\} 12$/m);
    assert.match(text, /^coredns_coresmd_smd_cache_size\{server="dns:\/\/:53",type="ethernet_interfaces"\} 13$/m);
    assert.match(text, /^coredns_coresmd_smd_cache_size\{server="dns:\/\/:53",type="components"\} 12$/m);
    off();
    assert.doesNotMatch(m.format(), /smd_cache_size\{/);
  });
});
