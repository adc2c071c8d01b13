// The runtime of a `forward` directive: which names it takes, and which upstream gets a query.
//
// Policies as CoreDNS forward: `random` (the default) tries the upstreams in a fresh random
// order, `round_robin` starts one further along each time, `sequential` always in the written
// order. A failed upstream (timeout, socket error) makes the next one be tried, so one dead
// resolver costs a timeout, not a SERVFAIL; when all fail the query gets SERVFAIL. The query
// keeps its transport (UDP or TCP) unless `force_tcp` / `prefer_udp` say otherwise.

import type { DnsForwarder, DnsProto } from '../../dns/service/query-handler.ts';
import { createDnsUpstream, type DnsUpstream } from '../../net/dns-upstream.ts';
import type { ForwardConfig } from './dns-config.ts';
import { inZone } from './directive-args.ts';

export interface RunningForwarder extends DnsForwarder {
  readonly upstreams: readonly DnsUpstream[];
  close(): void;
}

export interface ForwarderDeps {
  /** [0, 1), for the random policy; Math.random in production, seeded in tests. */
  readonly random?: () => number;
  readonly timeoutMs?: number;
}

export function createForwarder(config: ForwardConfig, deps: ForwarderDeps = {}): RunningForwarder {
  const upstreams = config.to.map((u) => createDnsUpstream({ host: u.host, port: u.port, ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }) }));
  const random = deps.random ?? Math.random;
  let next = 0;
  let inFlight = 0;

  const order = (): DnsUpstream[] => {
    const list = upstreams.slice();
    if (config.policy === 'random') {
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [list[i], list[j]] = [list[j]!, list[i]!];
      }
    } else if (config.policy === 'round_robin') {
      const start = next++ % list.length;
      return [...list.slice(start), ...list.slice(0, start)];
    }
    return list;
  };

  return {
    upstreams,
    covers(key) {
      return inZone(key, config.from) && !config.except.some((e) => inZone(key, e));
    },
    async exchange(request: Uint8Array, proto: DnsProto) {
      if (config.maxConcurrent > 0 && inFlight >= config.maxConcurrent) throw new Error(`max_concurrent ${config.maxConcurrent} reached`);
      const transport = config.forceTcp ? 'tcp' : config.preferUdp ? 'udp' : proto;
      inFlight++;
      try {
        let last: unknown;
        for (const u of order()) {
          try {
            return await u.exchange(request, transport);
          } catch (e) {
            last = e;
          }
        }
        throw last instanceof Error ? last : new Error('no upstream answered');
      } finally {
        inFlight--;
      }
    },
    close() {
      for (const u of upstreams) u.close();
    },
  };
}
