// Starts the DHCPv4 side of a coredhcp config: handler chain, server core, transport. Shared by
// `coresmd dhcp` and (later) `coresmd serve`.
import { BufferPool } from '../../wire/pool.ts';
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { Inventory } from '../../smd/inventory.ts';
import { Dhcp4Server } from '../../dhcp/service/server4.ts';
import { startDhcp4Transport, type Dhcp4Transport } from '../../net/dhcp4-transport.ts';
import type { Dhcp4ListenTarget } from '../../net/dhcp4-listeners.ts';
import type { ListenSpec } from '../config/listen.ts';
import type { ServerSection } from '../config/coredhcp-config.ts';
import { buildChain4 } from './chain4.ts';

/** Send slots for replies in flight; a reply is dropped and counted when all are busy. */
const REPLY_SLOTS = 1024;
/** The largest DHCP reply we build: one Ethernet MTU (RFC 2131 §2 only promises 576). */
const REPLY_SLOT_BYTES = 1500;

export function listenTargets4(listen: readonly ListenSpec[]): Dhcp4ListenTarget[] {
  if (listen.length === 0) return [{ address: 0, port: 67 }];
  return listen.map((l) =>
    l.kind === 'default' || l.address.family !== 4 ? { address: 0, port: 67 } : { address: l.address.v4, port: l.port, ifname: l.iface },
  );
}

export interface RunningDhcp4 {
  readonly server: Dhcp4Server;
  readonly transport: Dhcp4Transport;
  close(): Promise<void>;
}

export async function startDhcp4(
  section: ServerSection,
  deps: { inventory: Inventory | undefined; clock: Clock; logger: Logger; rawSocket?: 'auto' | 'off'; httpBootBase?: ((serverAddress: number) => string) | undefined },
): Promise<RunningDhcp4> {
  const chain = await buildChain4(section, deps);
  const server = new Dhcp4Server({
    handlers: chain.handlers,
    clock: deps.clock,
    logger: deps.logger,
    pool: new BufferPool(REPLY_SLOT_BYTES, REPLY_SLOTS),
    ...(chain.serverId === undefined ? {} : { serverId: chain.serverId }),
  });
  let transport: Dhcp4Transport;
  try {
    transport = await startDhcp4Transport({
      targets: listenTargets4(section.listen),
      server,
      logger: deps.logger,
      ...(deps.rawSocket === undefined ? {} : { rawSocket: deps.rawSocket }),
    });
  } catch (e) {
    await chain.close();
    throw e;
  }
  return {
    server,
    transport,
    close: async () => {
      await transport.close();
      await chain.close();
    },
  };
}
