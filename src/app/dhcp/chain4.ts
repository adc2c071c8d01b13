// Config → DHCPv4 handler chain. The chain is the config's plugin list in the config's order
// ("Ordering is VERY important", CoreDNS plugin.cfg); each plugin becomes a handler from its
// factory with its own options, so two sections or two processes never share plugin state.
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { Inventory } from '../../smd/inventory.ts';
import { createBootPolicy, type BootPolicy } from '../../boot/policy.ts';
import type { Dhcp4Handler } from '../../dhcp/service/chain.ts';
import type { Dhcp4ClientInfo } from '../../dhcp/service/client-info.ts';
import { createCoresmdHandler } from '../../dhcp/service/handlers/coresmd.ts';
import { createDnsHandler } from '../../dhcp/service/handlers/dns.ts';
import { createFileHandler } from '../../dhcp/service/handlers/file.ts';
import { createLeaseTimeHandler } from '../../dhcp/service/handlers/lease-time.ts';
import { createMtuHandler } from '../../dhcp/service/handlers/mtu.ts';
import { createNetmaskHandler } from '../../dhcp/service/handlers/netmask.ts';
import { createRouterHandler } from '../../dhcp/service/handlers/router.ts';
import { createSearchDomainsHandler } from '../../dhcp/service/handlers/searchdomains.ts';
import { createServerIdHandler } from '../../dhcp/service/handlers/server-id.ts';
import { createBootloopHandler, type BootloopBootFile, type BootloopHandler } from '../../dhcp/service/bootloop/handler.ts';
import { BootloopLeases } from '../../dhcp/service/bootloop/leases.ts';
import type { BootloopConfig } from '../config/bootloop-config.ts';
import type { CoresmdConfig } from '../config/coresmd-config.ts';
import type { ServerSection } from '../config/coredhcp-config.ts';
import { coresmdHandlerBase } from './coresmd-options.ts';

export interface Chain4Deps {
  readonly inventory: Inventory | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Base URL of the built-in HTTP boot server for our address on an interface, when it runs. */
  readonly httpBootBase?: ((serverAddress: number) => string) | undefined;
  /** Opens bootloop's lease file elsewhere (a copy, for `explain`'s dry run). */
  readonly leaseFileFor?: (configured: string) => string;
}

export interface Chain4 {
  readonly handlers: readonly Dhcp4Handler[];
  /** The configured server_id, if any: it applies to every interface. */
  readonly serverId: number | undefined;
  close(): Promise<void>;
}

/** Option 51 carries whole seconds; durations are truncated as the original does (spec §10.13). */
const seconds = (ms: number) => Math.max(1, Math.min(0xffffffff, Math.floor(ms / 1000)));

/** What bootloop tells a firmware client to boot (coresmd's policy, per server address). */
export function bootFileFor(coresmd: CoresmdConfig | undefined, httpBootBase: ((serverAddress: number) => string) | undefined) {
  const ipxeBaseUri = coresmd?.ipxeBaseUri ?? 'http://invalid.invalid';
  const policies = new Map<number, BootPolicy>();
  const policyFor = (server: number): BootPolicy => {
    let p = policies.get(server);
    if (p === undefined) {
      p = createBootPolicy(httpBootBase === undefined ? { ipxeBaseUri } : { ipxeBaseUri, httpBootBase: httpBootBase(server) });
      policies.set(server, p);
    }
    return p;
  };
  return (info: Dhcp4ClientInfo, serverAddress: number): BootloopBootFile | undefined => {
    const choice = policyFor(serverAddress)({ arch: info.arch, isIpxe: false, isHttpClient: info.isHttpClient, mac: info.mac });
    if (choice.kind === 'tftp') return { option67: choice.file, fileField: choice.file };
    if (choice.kind === 'http') return { option67: choice.url, vendorClass: 'HTTPClient' };
    return undefined;
  };
}

async function openBootloop(cfg: BootloopConfig, coresmd: CoresmdConfig | undefined, deps: Chain4Deps): Promise<{ handler: BootloopHandler; leases: BootloopLeases }> {
  const pools = cfg.pools.kind === 'legacy' ? [{ start: cfg.pools.start, end: cfg.pools.end }] : cfg.pools.pools.map((p) => ({ cidr: p.cidr, start: p.start, end: p.end }));
  const file = deps.leaseFileFor?.(cfg.leaseFile) ?? cfg.leaseFile;
  const { leases, recovery } = await BootloopLeases.open({ file, pools, leaseTimeMs: cfg.leaseTimeMs, clock: deps.clock, logger: deps.logger });
  deps.logger.info('bootloop leases loaded', { file, leases: leases.store.size, outsidePools: recovery.outsidePools.length });
  const handler = createBootloopHandler({ leases, scriptPath: cfg.scriptPath, bootFile: bootFileFor(coresmd, deps.httpBootBase), logger: deps.logger });
  return { handler, leases };
}

export async function buildChain4(section: ServerSection, deps: Chain4Deps): Promise<Chain4> {
  const handlers: Dhcp4Handler[] = [];
  const closers: (() => Promise<void>)[] = [];
  let serverId: number | undefined;
  const coresmd = section.plugins.find((p) => p.name === 'coresmd')?.config as CoresmdConfig | undefined;
  for (const p of section.plugins) {
    switch (p.name) {
      case 'server_id':
        if (p.config.family === 4) {
          serverId = p.config.ip;
          handlers.push(createServerIdHandler({ address: p.config.ip }));
        }
        break;
      case 'dns':
        handlers.push(createDnsHandler({ servers: p.config.servers.flatMap((s) => (s.family === 4 ? [s.v4] : [])) }));
        break;
      case 'router':
        handlers.push(createRouterHandler({ routers: p.config.routers }));
        break;
      case 'netmask':
        handlers.push(createNetmaskHandler({ mask: p.config.mask }));
        break;
      case 'lease_time':
        handlers.push(createLeaseTimeHandler({ leaseSeconds: seconds(p.config.leaseTimeMs) }));
        break;
      case 'searchdomains':
        handlers.push(createSearchDomainsHandler({ domains: p.config.domains }));
        break;
      case 'mtu':
        handlers.push(createMtuHandler({ mtu: p.config.mtu }));
        break;
      case 'file': {
        const h = createFileHandler({ path: p.config.path, autorefresh: p.config.autorefresh, logger: deps.logger });
        handlers.push(h);
        closers.push(async () => h.close());
        break;
      }
      case 'coresmd': {
        handlers.push(
          createCoresmdHandler({
            ...coresmdHandlerBase(p.config, deps),
            leaseSeconds: seconds(p.config.leaseTimeMs),
            subnets: p.config.subnets,
            ...(deps.httpBootBase === undefined ? {} : { httpBootBase: deps.httpBootBase }),
          }),
        );
        break;
      }
      case 'bootloop': {
        const { handler, leases } = await openBootloop(p.config, coresmd, deps);
        handlers.push(handler);
        // MACs that appear in SMD leave the bootloop: their leases are released at each refresh.
        const off = deps.inventory?.onSwap((snap) => void handler.releaseKnown((mac) => snap.byMac(mac) !== undefined));
        closers.push(async () => {
          off?.();
          await leases.close();
        });
        break;
      }
    }
  }
  return {
    handlers,
    serverId,
    close: async () => {
      for (const c of closers) await c();
    },
  };
}
