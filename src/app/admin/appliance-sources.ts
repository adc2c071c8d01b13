// AdminSources over the running appliance (src/app/serve/appliance.ts): read at each request,
// so reloads that replace a part are seen at once.
import type { Inventory } from '../../smd/inventory.ts';
import { firstCoresmdConfig } from '../dhcp/shared-inventory.ts';
import { readyMaxAgeFor } from '../dns/readiness.ts';
import { explainDhcp4, explainDhcp6, parseExplain4, parseExplain6 } from '../cli/explain-dry-run.ts';
import type { Appliance } from '../serve/appliance.ts';
import { HttpError } from './http-util.ts';
import type { AdminSources } from './sources.ts';

export interface ApplianceSourceOptions {
  /** True once a stop was asked: /readyz turns 503 while the appliance drains. */
  readonly stopping: () => boolean;
}

/**
 * `app()` is undefined until Appliance.start resolves: the admin server listens first (a taken
 * address stops the start before DHCP answers anyone) and says `starting` meanwhile.
 */
export function applianceSources(app: () => Appliance | undefined, o: ApplianceSourceOptions): AdminSources {
  const coresmd = () => {
    const dhcp = app()?.config.dhcp;
    return dhcp === undefined ? undefined : firstCoresmdConfig(dhcp);
  };
  /** DHCP's shared inventory, or (`coresmd dns` alone) the one DNS polls. */
  const inventory = (): Inventory | undefined => (coresmd() !== undefined ? app()?.inventory : app()?.dns?.inventories[0]);
  return {
    inventory,
    inventoryMaxAgeMs() {
      const c = coresmd();
      if (c !== undefined) return readyMaxAgeFor(c.cacheValidMs);
      const d = app()?.config.dns?.blocks.find((b) => b.coresmd !== undefined)?.coresmd;
      return d === undefined ? undefined : readyMaxAgeFor(d.cacheDurationMs);
    },
    bootloop: () => app()?.dhcp4?.leases?.leases,
    dhcp4() {
      const d = app()?.dhcp4;
      return d === undefined ? undefined : { server: d.server.counters, transport: d.transport?.counters };
    },
    dhcp6() {
      const d = app()?.dhcp6;
      return d === undefined ? undefined : { server: d.server.counters, transport: d.transport.counters };
    },
    tftp: () => app()?.boot?.tftp,
    httpBoot: () => app()?.boot?.httpStats,
    dnsMetrics: () => app()?.dns?.metrics.format(),
    notReady() {
      const a = app();
      if (a === undefined) return ['starting'];
      const reasons: string[] = [];
      const cfg = a.config;
      if (o.stopping() || a.dhcp4?.gate.draining === true) reasons.push('stopping: draining DHCP');
      if (cfg.dhcp?.server4 !== undefined && a.dhcp4?.transport === undefined) reasons.push('dhcp4: not listening');
      if (cfg.dhcp?.server6 !== undefined && a.dhcp6 === undefined) reasons.push('dhcp6: not listening');
      if (coresmd() !== undefined && a.boot === undefined) reasons.push('tftp: not listening');
      if (cfg.dns !== undefined) {
        const dns = a.dns;
        if (dns === undefined) reasons.push('dns: not listening');
        else {
          const r = dns.readiness();
          if (!r.ready) reasons.push(`dns: ${r.notReady.join(', ')} not ready`);
        }
      }
      return reasons;
    },
    async explain(get, v6) {
      const a = app();
      const cfg = a?.config.dhcp;
      const section = v6 ? cfg?.server6 : cfg?.server4;
      if (section === undefined) throw new HttpError(404, `no ${v6 ? 'server6' : 'server4'} section is running`);
      const inv = coresmd() !== undefined ? a?.inventory : undefined;
      const boot = a?.boot;
      if (v6) {
        return explainDhcp6(section, parseExplain6(get), {
          inventory: inv,
          chain6: boot === undefined ? {} : { httpBootBase: (a) => boot.httpBootBase6?.(a), listensOn6: (a, ifname) => boot.listensOn6(a, ifname) },
        });
      }
      return explainDhcp4(section, parseExplain4(get), { inventory: inv, chain4: { httpBootBase: boot?.httpBootBase } });
    },
  };
}
