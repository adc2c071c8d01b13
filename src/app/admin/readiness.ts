// GET /readyz (docs/admin-api.md): ready when every configured service listens (DHCPv4,
// DHCPv6, TFTP/HTTP boot, DNS, and DNS's own readiness), the process is not draining, and the
// inventory, when one is configured, has a snapshot younger than its staleness bound (three
// cache_valid periods, at least 5 minutes, as DNS's `ready`). GET /healthz only says the event
// loop runs.
import type { AdminSources } from './sources.ts';

export function notReadyReasons(sources: AdminSources, now: number): string[] {
  const reasons = sources.notReady();
  const inventory = sources.inventory();
  if (inventory !== undefined) {
    const age = inventory.status().ageMs(now);
    const bound = sources.inventoryMaxAgeMs();
    if (age === undefined) reasons.push('inventory: no snapshot yet');
    else if (bound !== undefined && age > bound) reasons.push(`inventory: snapshot is ${Math.round(age / 1000)} s old, more than ${Math.round(bound / 1000)} s`);
  }
  return reasons;
}
