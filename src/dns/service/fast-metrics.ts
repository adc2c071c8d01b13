// The metric series a fast-path reply updates (the same ones, with the same labels, that the
// general path updates through query-handler.ts #coresmdMetrics and #finish), resolved once per
// (server block zone, coresmd zone) and then bumped as numbers: no label arrays, no key strings,
// no Map reads per query. A series is created when first counted, as on the general path.
//
// One clock reading serves both histograms: the coresmd duration of a fast reply includes the
// copy of its bytes, which is part of answering it.

import { DnsRcode, DnsType } from '../constants.ts';
import type { FastQuery } from './fast-path.ts';
import type { CounterCell, CounterVec, HistogramCell, HistogramVec } from './metric-registry.ts';
import type { DnsMetrics } from './metrics.ts';
import type { DnsRequestContext } from './query-handler.ts';

const TYPES = ['A', 'AAAA', 'PTR'] as const;

function typeIndex(qtype: number): number {
  return qtype === DnsType.A ? 0 : qtype === DnsType.AAAA ? 1 : 2;
}

/** A counter series created on first use. */
class LazyCounter {
  readonly #vec: CounterVec;
  readonly #labels: readonly string[];
  #cell: CounterCell | undefined;
  constructor(vec: CounterVec, labels: readonly string[]) {
    this.#vec = vec;
    this.#labels = labels;
  }
  inc(): void {
    (this.#cell ??= this.#vec.cell(this.#labels)).value++;
  }
}

class LazyHistogram {
  readonly #vec: HistogramVec;
  readonly #labels: readonly string[];
  #cell: HistogramCell | undefined;
  constructor(vec: HistogramVec, labels: readonly string[]) {
    this.#vec = vec;
    this.#labels = labels;
  }
  observe(v: number): void {
    this.#vec.observeCell((this.#cell ??= this.#vec.cell(this.#labels)), v);
  }
}

export class FastCells {
  readonly #coresmdRequests: LazyCounter[];
  readonly #hits: LazyCounter[];
  readonly #misses: LazyCounter[];
  readonly #coresmdDuration: LazyHistogram;
  /** By (proto, family, type): [udp/tcp][4/6][A/AAAA/PTR] flattened. */
  readonly #requests: LazyCounter[];
  readonly #noerror: LazyCounter;
  readonly #nxdomain: LazyCounter;
  readonly #duration: LazyHistogram[];

  constructor(m: DnsMetrics, server: string, blockZone: string, coresmdZone: string) {
    this.#coresmdRequests = TYPES.map((t) => new LazyCounter(m.coresmdRequests, [server, coresmdZone, t]));
    this.#hits = TYPES.map((t) => new LazyCounter(m.cacheHits, [server, coresmdZone, t]));
    this.#misses = TYPES.map((t) => new LazyCounter(m.cacheMisses, [server, coresmdZone, t]));
    this.#coresmdDuration = new LazyHistogram(m.coresmdDuration, [server, coresmdZone]);
    this.#requests = [];
    for (const proto of ['udp', 'tcp']) {
      // CoreDNS's family label: 1 = IPv4, 2 = IPv6.
      for (const family of ['1', '2']) {
        for (const t of TYPES) this.#requests.push(new LazyCounter(m.requests, [server, blockZone, '', proto, family, t]));
      }
    }
    this.#noerror = new LazyCounter(m.responses, [server, blockZone, '', 'NOERROR', 'coresmd']);
    this.#nxdomain = new LazyCounter(m.responses, [server, blockZone, '', 'NXDOMAIN', 'coresmd']);
    this.#duration = TYPES.map((t) => new LazyHistogram(m.duration, [server, blockZone, '', t]));
  }

  count(q: FastQuery, ctx: DnsRequestContext, seconds: number): void {
    const t = typeIndex(q.qtype);
    this.#coresmdRequests[t]!.inc();
    (q.answers > 0 ? this.#hits : this.#misses)[t]!.inc();
    this.#coresmdDuration.observe(seconds);
    this.#requests[((ctx.proto === 'udp' ? 0 : 2) + (ctx.family === 4 ? 0 : 1)) * 3 + t]!.inc();
    (q.rcode === DnsRcode.NXDOMAIN ? this.#nxdomain : this.#noerror).inc();
    this.#duration[t]!.observe(seconds);
  }
}

/** The cells of one coresmd zone label in `byZone` (one Route's map), made on first use. */
export function fastCells(byZone: Map<string, FastCells>, coresmdZone: string, m: DnsMetrics, server: string, blockZone: string): FastCells {
  let cells = byZone.get(coresmdZone);
  if (cells === undefined) {
    cells = new FastCells(m, server, blockZone, coresmdZone);
    byZone.set(coresmdZone, cells);
  }
  return cells;
}
