// The bootloop pools and which one a new MAC draws from (spec coresmd-dhcp §7.1).
//
// Choosing the pool for a new MAC:
// - a pool without a CIDR (the legacy ipv4_start/ipv4_end range) is the only pool and is used
//   whatever the giaddr, as in the original;
// - giaddr set: the pool whose CIDR contains giaddr; on overlap the longest prefix wins (the
//   original iterates a Go map, so overlapping pools gave a random answer); none → no pool;
// - giaddr 0 and one pool: that pool;
// - giaddr 0 and several pools: the pool whose CIDR contains an address of the interface the
//   request arrived on, longest prefix first (the original drops these requests);
// - otherwise no pool, and the caller drops the request and logs the reason.
//
// Ranges of different pools may not share an address: each address has one allocator, so one
// address can never be handed out twice by two pools.

import { cidrContains, formatIPv4, type Cidr, type IpAddress } from '../../../wire/addr.ts';
import { AddressAllocator } from './allocator.ts';
import { BootloopError, BootloopErrorCode } from './errors.ts';

export interface BootloopPoolOptions {
  /** The subnet; absent for the legacy ipv4_start/ipv4_end range. */
  readonly cidr?: Cidr;
  /** Inclusive range, unsigned 32-bit IPv4 numbers. */
  readonly start: number;
  readonly end: number;
}

export interface BootloopPool {
  readonly cidr: Cidr | undefined;
  readonly start: number;
  readonly end: number;
  /** The CIDR text, or `start-end` for the legacy range; for logs. */
  readonly name: string;
  readonly allocator: AddressAllocator;
}

export type PoolChoice =
  | { readonly ok: true; readonly pool: BootloopPool; readonly by: 'legacy' | 'giaddr' | 'single' | 'ingress' }
  | {
      readonly ok: false;
      /** giaddr set but in no pool's CIDR; or giaddr 0, several pools, and no ingress address in any. */
      readonly reason: 'no-pool-for-giaddr' | 'no-pool-for-ingress';
    };

export class PoolSet {
  /** In configuration order. */
  readonly pools: readonly BootloopPool[];
  /** Pools with a CIDR, longest prefix first (ties: lower network first), for matching. */
  readonly #byPrefix: readonly BootloopPool[];
  /** Pools sorted by start, for finding the pool of an address. */
  readonly #byStart: readonly BootloopPool[];

  /** Validates the options and builds one allocator per pool. Throws BootloopError (ERR_BOOTLOOP_POOL). */
  constructor(options: readonly BootloopPoolOptions[]) {
    if (options.length === 0) throw poolError('no pools configured');
    const pools = options.map(makePool);
    if (pools.length > 1 && pools.some((p) => p.cidr === undefined)) {
      throw poolError('a range without a CIDR (ipv4_start/ipv4_end) must be the only pool');
    }
    const cidrs = new Set<string>();
    for (const p of pools) {
      if (p.cidr === undefined) continue;
      if (cidrs.has(p.cidr.text)) throw poolError(`${p.cidr.text}: defined twice`);
      cidrs.add(p.cidr.text);
    }
    const byStart = [...pools].sort((a, b) => a.start - b.start);
    for (let i = 1; i < byStart.length; i++) {
      const prev = byStart[i - 1]!;
      const cur = byStart[i]!;
      if (cur.start <= prev.end) {
        throw poolError(
          `${prev.name} and ${cur.name} share addresses ${formatIPv4(cur.start)}-${formatIPv4(Math.min(prev.end, cur.end))}; ` +
            'each address must belong to one pool',
        );
      }
    }
    this.pools = pools;
    this.#byStart = byStart;
    this.#byPrefix = pools
      .filter((p) => p.cidr !== undefined)
      .sort((a, b) => b.cidr!.prefix - a.cidr!.prefix || v4(a.cidr!) - v4(b.cidr!));
  }

  /**
   * The pool for a new MAC. giaddr is 0 for a request that was not relayed; ingress holds the
   * IPv4 addresses of the interface the request arrived on (used only when giaddr is 0 and
   * there are several pools).
   */
  choose(giaddr: number, ingress: readonly number[] = []): PoolChoice {
    const only = this.pools.length === 1 ? this.pools[0] : undefined;
    if (only !== undefined && only.cidr === undefined) return { ok: true, pool: only, by: 'legacy' };
    if (giaddr !== 0) {
      const pool = this.#longestMatch([giaddr]);
      return pool === undefined ? { ok: false, reason: 'no-pool-for-giaddr' } : { ok: true, pool, by: 'giaddr' };
    }
    if (only !== undefined) return { ok: true, pool: only, by: 'single' };
    const pool = this.#longestMatch(ingress);
    return pool === undefined ? { ok: false, reason: 'no-pool-for-ingress' } : { ok: true, pool, by: 'ingress' };
  }

  /** The pool whose range (not CIDR) holds ip, or undefined. O(log pools). */
  poolOf(ip: number): BootloopPool | undefined {
    let lo = 0;
    let hi = this.#byStart.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.#byStart[mid]!;
      if (ip < p.start) hi = mid - 1;
      else if (ip > p.end) lo = mid + 1;
      else return p;
    }
    return undefined;
  }

  #longestMatch(addrs: readonly number[]): BootloopPool | undefined {
    const ips: IpAddress[] = addrs.map((a) => ({ family: 4, v4: a, text: formatIPv4(a) }));
    // #byPrefix is longest first, so the first pool containing any address is the answer.
    return this.#byPrefix.find((p) => ips.some((ip) => cidrContains(p.cidr!, ip)));
  }
}

function makePool(o: BootloopPoolOptions, index: number): BootloopPool {
  const range = `${formatIPv4(o.start)}-${formatIPv4(o.end)}`;
  const name = o.cidr === undefined ? range : o.cidr.text;
  const where = `pool ${index + 1} (${o.cidr === undefined ? range : `${o.cidr.text} ${range}`})`;
  if (o.cidr !== undefined && o.cidr.network.family !== 4) throw poolError(`${where}: not an IPv4 CIDR`);
  if (!isU32(o.start) || !isU32(o.end)) throw poolError(`${where}: start and end must be IPv4 addresses`);
  if (o.cidr !== undefined) {
    for (const [label, ip] of [['start', o.start], ['end', o.end]] as const) {
      if (!cidrContains(o.cidr, { family: 4, v4: ip, text: formatIPv4(ip) })) throw poolError(`${where}: ${label} is outside ${o.cidr.text}`);
    }
  }
  if (o.start > o.end) throw poolError(`${where}: start is after end`);
  return { cidr: o.cidr, start: o.start, end: o.end, name, allocator: new AddressAllocator(o.start, o.end) };
}

function v4(c: Cidr): number {
  return c.network.family === 4 ? c.network.v4 : 0;
}

function isU32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

function poolError(message: string): BootloopError {
  return new BootloopError(BootloopErrorCode.Pool, `bootloop: ${message}`);
}
