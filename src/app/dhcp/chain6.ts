// Config → DHCPv6 handler chain: the server6 plugin list in the config's order, each plugin a
// handler from its factory with its own options (chain4.ts for DHCPv4). server6 takes
// server_id, dns, searchdomains, lease_time and coresmd; `file` (coredhcp's MAC → IPv6 hosts
// file) is not implemented for DHCPv6 and refuses to start rather than being skipped silently.
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { Inventory } from '../../smd/inventory.ts';
import { parseDuid } from '../../dhcp/v6/duid.ts';
import type { Dhcp6Handler } from '../../dhcp/service/v6/chain.ts';
import { coresmdHandlerBase } from './coresmd-options.ts';
import { createCoresmd6Handler } from '../../dhcp/service/v6/handlers/coresmd.ts';
import { createDns6Handler } from '../../dhcp/service/v6/handlers/dns.ts';
import { createLeaseTime6Handler } from '../../dhcp/service/v6/handlers/lease-time.ts';
import { createSearchDomains6Handler } from '../../dhcp/service/v6/handlers/searchdomains.ts';
import { createServerId6Handler } from '../../dhcp/service/v6/handlers/server-id.ts';
import type { Duid } from '../config/stock-plugins.ts';
import type { ServerSection } from '../config/coredhcp-config.ts';

export interface Chain6Deps {
  readonly inventory: Inventory | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Base URL of the built-in HTTP boot server for one of our IPv6 addresses (unbracketed), when
   * it runs and listens on IPv6: ipv6HttpBootBase(port); undefined when it does not.
   */
  readonly httpBootBase?: ((serverAddress: string) => string | undefined) | undefined;
  /**
   * Whether the boot servers listen on our IPv6 address (no zone) on that link
   * (BootServers.listensOn6): the boot URL names such an address. Unset: any address.
   */
  readonly listensOn6?: ((address: string, ifname: string) => boolean) | undefined;
}

export interface Chain6 {
  readonly handlers: readonly Dhcp6Handler[];
  /** The configured server_id DUID, if any. */
  readonly serverDuid: Uint8Array | undefined;
  close(): Promise<void>;
}

/** `http://[addr]:port` for the HTTP boot server's port. */
export function ipv6HttpBootBase(port: number): (serverAddress: string) => string {
  return (a) => `http://[${a}]:${port}`;
}

/** DHCPv6 lifetimes are the duration rounded to the nearest second (spec §10.13), at least 1. */
const seconds = (ms: number) => Math.max(1, Math.min(0xffffffff, Math.round(ms / 1000)));

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** The config's DUID as bytes; LLT gets time 0, as coredhcp writes it (spec §6.1). */
export function duidBytes(d: Duid): Uint8Array {
  const text = d.type === 'EN' ? `EN ${d.enterpriseNumber} ${hex(d.identifier)}` : `${d.type} ${d.mac}`;
  const out = parseDuid(text);
  if (out === undefined) throw new Error(`server_id: cannot build a DUID from '${text}'`);
  return out;
}

export function buildChain6(section: ServerSection, deps: Chain6Deps): Chain6 {
  const handlers: Dhcp6Handler[] = [];
  let serverDuid: Uint8Array | undefined;
  for (const p of section.plugins) {
    switch (p.name) {
      case 'server_id':
        if (p.config.family === 6) {
          serverDuid = duidBytes(p.config.duid);
          handlers.push(createServerId6Handler({ duid: serverDuid }));
        }
        break;
      case 'dns': {
        const v6 = p.config.servers.flatMap((s) => (s.family === 6 ? [s] : []));
        handlers.push(createDns6Handler({ servers: v6.map((s) => s.bytes), text: v6.map((s) => s.text) }));
        break;
      }
      case 'searchdomains':
        handlers.push(createSearchDomains6Handler({ domains: p.config.domains }));
        break;
      case 'lease_time':
        handlers.push(createLeaseTime6Handler({ leaseSeconds: seconds(p.config.leaseTimeMs) }));
        break;
      case 'coresmd': {
        handlers.push(
          createCoresmd6Handler({
            ...coresmdHandlerBase(p.config, deps),
            leaseSeconds: seconds(p.config.leaseTimeMs),
            tftpPort: p.config.tftpPort,
            ...(deps.httpBootBase === undefined ? {} : { httpBootBase: deps.httpBootBase }),
            ...(deps.listensOn6 === undefined ? {} : { listensOn6: deps.listensOn6 }),
          }),
        );
        break;
      }
      default:
        throw new Error(`server6: the ${p.name} plugin (line ${p.line}) is not implemented for DHCPv6 in this build`);
    }
  }
  return { handlers, serverDuid, close: async () => {} };
}
