// `ready` (CoreDNS plugin/ready): 200 while every plugin that reports readiness is ready, else
// 503 with their names. coresmd is ready while its inventory's last successful SMD refresh is
// recent (spec §1.9: at most 5 minutes old). Unlike CoreDNS, the answer is computed on every
// request and never latches, so a long SMD outage turns /ready back to 503 (the original stays
// 200 forever after the first success, §1.9 "(framework)").

import type { Clock } from '../../seams/clock.ts';
import type { Inventory } from '../../smd/inventory.ts';

/** Spec §1.9: strictly older than 5 minutes is not ready. */
export const READY_MAX_AGE_MS = 5 * 60_000;

/**
 * The staleness limit for an inventory refreshed every `intervalMs`: 5 minutes, or three missed
 * refreshes when that is longer, so a `cache_duration` above 5 minutes does not flap.
 */
export function readyMaxAgeFor(intervalMs: number): number {
  return Math.max(READY_MAX_AGE_MS, 3 * intervalMs);
}

export interface ReadinessSource {
  readonly plugin: string;
  readonly inventory: Pick<Inventory, 'status'>;
  readonly maxAgeMs: number;
}

export interface Readiness {
  readonly ready: boolean;
  /** Plugins that are not ready, each once. */
  readonly notReady: readonly string[];
}

export function checkReadiness(sources: readonly ReadinessSource[], clock: Pick<Clock, 'now'>): Readiness {
  const now = clock.now();
  const notReady = new Set<string>();
  for (const s of sources) {
    const last = s.inventory.status().lastSuccessAt;
    if (last === undefined || now - last > s.maxAgeMs) notReady.add(s.plugin);
  }
  return { ready: notReady.size === 0, notReady: [...notReady] };
}
