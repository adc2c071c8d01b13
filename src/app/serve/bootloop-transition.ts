// How bootloop's lease store moves from one chain generation to the next on reload. The journal
// is never open twice: the same lease_file with the same pools and lease_time keeps the open
// BootloopLeases; another lease_file is opened before the swap (a failure rejects the reload)
// and the old one closed once the old chain has drained; the same lease_file with new pools or
// lease_time is validated before the swap and reopened after the drain, while the new chain's
// bootloop waits for it (a few milliseconds).
import { resolve } from 'node:path';
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import { BootloopLeases } from '../../dhcp/service/bootloop/leases.ts';
import { PoolSet, type BootloopPoolOptions } from '../../dhcp/service/bootloop/pools.ts';
import type { BootloopConfig } from '../config/bootloop-config.ts';

/** The lease store the running chain uses, with the config it was opened for. */
export interface OpenLeases {
  readonly config: BootloopConfig;
  readonly leases: BootloopLeases;
}

/** What the new chain's bootloop uses: the store now, or once the old chain has let go of it. */
export type LeasesRef = { readonly kind: 'now'; readonly leases: BootloopLeases } | { readonly kind: 'later'; readonly leases: Promise<BootloopLeases> };

export interface BootloopTransition {
  readonly kind: 'none' | 'open' | 'reuse' | 'reopen' | 'close';
  readonly ref: LeasesRef | undefined;
  /** After the swap, once the old chain has drained: closes and opens; returns the new store. */
  finish(): Promise<OpenLeases | undefined>;
  /** The reload was abandoned before the swap: closes what was opened for it. */
  abandon(): Promise<void>;
}

export interface BootloopDeps {
  readonly clock: Clock;
  readonly logger: Logger;
}

export function poolOptionsOf(cfg: BootloopConfig): BootloopPoolOptions[] {
  return cfg.pools.kind === 'legacy' ? [{ start: cfg.pools.start, end: cfg.pools.end }] : cfg.pools.pools.map((p) => ({ cidr: p.cidr, start: p.start, end: p.end }));
}

const poolsKey = (cfg: BootloopConfig): string => JSON.stringify(poolOptionsOf(cfg).map((p) => [p.cidr?.text ?? '', p.start, p.end]));

export async function openLeases(cfg: BootloopConfig, deps: BootloopDeps): Promise<OpenLeases> {
  const { leases, recovery } = await BootloopLeases.open({ file: cfg.leaseFile, pools: poolOptionsOf(cfg), leaseTimeMs: cfg.leaseTimeMs, clock: deps.clock, logger: deps.logger });
  deps.logger.info('bootloop leases loaded', { file: cfg.leaseFile, leases: leases.store.size, outsidePools: recovery.outsidePools.length });
  return { config: cfg, leases };
}

/** Prepares the move from `prev` to `next`; throws (nothing changed) when the new store cannot be opened. */
export async function planBootloop(prev: OpenLeases | undefined, next: BootloopConfig | undefined, deps: BootloopDeps): Promise<BootloopTransition> {
  const noop = async (): Promise<void> => {};
  if (next === undefined) {
    return {
      kind: prev === undefined ? 'none' : 'close',
      ref: undefined,
      finish: async () => {
        await prev?.leases.close();
        return undefined;
      },
      abandon: noop,
    };
  }
  if (prev === undefined || resolve(prev.config.leaseFile) !== resolve(next.leaseFile)) {
    const opened = await openLeases(next, deps);
    return {
      kind: 'open',
      ref: { kind: 'now', leases: opened.leases },
      finish: async () => {
        await prev?.leases.close();
        return opened;
      },
      abandon: () => opened.leases.close(),
    };
  }
  if (poolsKey(prev.config) === poolsKey(next) && prev.config.leaseTimeMs === next.leaseTimeMs) {
    return { kind: 'reuse', ref: { kind: 'now', leases: prev.leases }, finish: async () => ({ config: next, leases: prev.leases }), abandon: noop };
  }
  // Same journal, new pools or lease time: check the pools now, reopen after the drain.
  new PoolSet(poolOptionsOf(next));
  let settle!: { ok: (l: BootloopLeases) => void; fail: (e: unknown) => void };
  const later = new Promise<BootloopLeases>((ok, fail) => (settle = { ok, fail }));
  // Nobody may be waiting yet; a failure is logged by finish() and seen by each waiting request.
  later.catch(() => undefined);
  return {
    kind: 'reopen',
    ref: { kind: 'later', leases: later },
    finish: async () => {
      await prev.leases.close();
      try {
        const opened = await openLeases(next, deps);
        settle.ok(opened.leases);
        return opened;
      } catch (e) {
        deps.logger.error('cannot reopen the bootloop lease file; bootloop answers nothing until the next reload', { file: next.leaseFile, error: e instanceof Error ? e.message : String(e) });
        settle.fail(e);
        return undefined;
      }
    },
    abandon: noop,
  };
}
