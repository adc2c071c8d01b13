// Starts the DHCPv6 side of a coredhcp config: handler chain, server core, transport (the
// DHCPv6 counterpart of run-dhcp4.ts). `coresmd dhcp` and `coresmd serve` start both sections
// from one config in one process, with one shared inventory.
//
// Server DUID: the configured server_id, else DUID-LL (RFC 8415 §11.4) from the MAC of the first
// served interface that has one (the first in the OS's order when the listen serves "any"). It
// is stable across restarts as long as that interface keeps its MAC, which is what clients need
// to RENEW with us; coredhcp without server_id sends replies with no Server Identifier at all,
// which clients must drop (RFC 8415 §16.3).
import { BufferPool } from '../../wire/pool.ts';
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { BootEvents } from '../../seams/boot-events.ts';
import type { Quarantine } from '../../seams/quarantine.ts';
import type { Inventory } from '../../smd/inventory.ts';
import { formatDuid, parseDuid } from '../../dhcp/v6/duid.ts';
import { Dhcp6Server } from '../../dhcp/service/v6/server6.ts';
import { readIpv6Interfaces, type Ipv6Interface } from '../../net/dhcp6-interfaces.ts';
import { planDhcp6Listeners, type Dhcp6ListenTarget } from '../../net/dhcp6-listeners.ts';
import { startDhcp6Transport, type Dhcp6Transport } from '../../net/dhcp6-transport.ts';
import type { ListenSpec } from '../config/listen.ts';
import type { ServerSection } from '../config/coredhcp-config.ts';
import { buildChain6 } from './chain6.ts';

/** Send slots for replies in flight; a reply is dropped and counted when all are busy. */
const REPLY_SLOTS = 512;
/**
 * The largest reply we build. Eight relay layers with Interface-Ids around a REPLY still fit;
 * larger than the link MTU is fragmented by the kernel (RFC 8200 §4.5).
 */
const REPLY_SLOT_BYTES = 4096;

export function listenTargets6(listen: readonly ListenSpec[]): Dhcp6ListenTarget[] {
  const any = new Uint8Array(16);
  if (listen.length === 0) return [{ address: any, port: 547, isDefault: true }];
  return listen.map((l) => {
    if (l.kind === 'default') return { address: any, port: 547, isDefault: true };
    const address = l.address.family === 6 ? l.address.bytes : any;
    return { address, port: l.port, ifname: l.iface };
  });
}

/** DUID-LL of the first served interface with a MAC (see the header); undefined if none has one. */
export function defaultServerDuid(interfaces: readonly Ipv6Interface[], served: readonly string[]): Uint8Array | undefined {
  const ordered = [...served.flatMap((n) => interfaces.filter((i) => i.name === n)), ...interfaces.filter((i) => !i.loopback)];
  const mac = ordered.find((i) => i.mac !== undefined)?.mac;
  return mac === undefined ? undefined : parseDuid(`LL ${mac}`);
}

export interface Dhcp6Deps {
  readonly inventory: Inventory | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Base URL of the HTTP boot server for one of our IPv6 addresses (chain6.ts ipv6HttpBootBase). */
  readonly httpBootBase?: ((serverAddress: string) => string | undefined) | undefined;
  /** Whether the boot servers listen on our IPv6 address on that link (BootServers.listensOn6). */
  readonly listensOn6?: ((address: string, ifname: string) => boolean) | undefined;
  /** The interface snapshot (tests); the host's by default. */
  readonly interfaces?: readonly Ipv6Interface[];
  /** Boot events and quarantine of the admin server; none by default. */
  readonly events?: BootEvents | undefined;
  readonly quarantine?: Quarantine | undefined;
}

export interface RunningDhcp6 {
  readonly server: Dhcp6Server;
  readonly transport: Dhcp6Transport;
  /** The DUID in use: configured or default. */
  readonly serverDuid: Uint8Array;
  close(): Promise<void>;
}

export async function startDhcp6(section: ServerSection, deps: Dhcp6Deps): Promise<RunningDhcp6> {
  const interfaces = deps.interfaces ?? readIpv6Interfaces();
  const targets = listenTargets6(section.listen);
  const chain = buildChain6(section, deps);
  const plan = planDhcp6Listeners(targets, interfaces);
  const served = plan.ok ? plan.sockets.flatMap((s) => s.interfaces ?? []) : [];
  const serverDuid = chain.serverDuid ?? defaultServerDuid(interfaces, served);
  if (serverDuid === undefined) {
    await chain.close();
    throw new Error('DHCPv6: no interface has a MAC address for the default server DUID; configure server_id (LL <mac>, LLT <mac> or EN <n> <hex>)');
  }
  if (chain.serverDuid === undefined) deps.logger.info('DHCPv6 server DUID (no server_id configured)', { duid: formatDuid(serverDuid) });
  const server = new Dhcp6Server({
    handlers: chain.handlers,
    serverDuid,
    clock: deps.clock,
    logger: deps.logger,
    pool: new BufferPool(REPLY_SLOT_BYTES, REPLY_SLOTS),
    ...(deps.events === undefined ? {} : { events: deps.events }),
    ...(deps.quarantine === undefined ? {} : { quarantine: deps.quarantine }),
  });
  let transport: Dhcp6Transport;
  try {
    transport = await startDhcp6Transport({ targets, server, logger: deps.logger, interfaces });
  } catch (e) {
    await chain.close();
    throw e;
  }
  return {
    server,
    transport,
    serverDuid,
    close: async () => {
      await transport.close();
      await chain.close();
    },
  };
}
