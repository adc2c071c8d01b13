// The parts of the appliance that own sockets: the boot servers (TFTP, HTTP boot), the DHCPv4
// transport and the DNS server. Each is started from its part of the config and comes back with
// a key (what decides whether a reload must restart it) and a restart() with the same settings,
// which a failed reload uses to put it back (listener-steps.ts).
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { BootEvents } from '../../seams/boot-events.ts';
import type { Quarantine } from '../../seams/quarantine.ts';
import type { Inventory } from '../../smd/inventory.ts';
import { startDhcp4Transport, type Dhcp4PacketHandler, type Dhcp4Transport } from '../../net/dhcp4-transport.ts';
import type { CoresmdConfig } from '../config/coresmd-config.ts';
import type { ServerSection } from '../config/coredhcp-config.ts';
import { startBootServers, type BootServers } from '../dhcp/boot-servers.ts';
import { listenTargets4 } from '../dhcp/run-dhcp4.ts';
import { startDhcp6, type RunningDhcp6 } from '../dhcp/run-dhcp6.ts';
import type { CorefileConfig } from '../dns/dns-config.ts';
import { startDns, type RunningDns } from '../dns/start-dns.ts';
import type { Env } from './serve-config.ts';

export interface Running<T> {
  readonly key: string;
  readonly value: T;
  close(): Promise<void>;
  restart(): Promise<Running<T>>;
}

export interface ListenerDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly env: Env;
  /** Where TFTP and HTTP boot listen: 0.0.0.0 (the tests use 127.0.0.1). */
  readonly bootHost: string;
  /** Where they also listen on IPv6 when server6 is configured (bootHost6For); undefined: not. */
  readonly bootHost6?: string | undefined;
  readonly rawSocket: 'auto' | 'off';
  /** Boot events (the admin timeline) and the admin quarantine; none when no admin server runs. */
  readonly events?: BootEvents | undefined;
  readonly quarantine?: Quarantine | undefined;
}

/**
 * TFTP and HTTP boot restart only when one of these changes (spec coresmd-dhcp §2.2 step 5), or
 * when server6 comes or goes (`host6`: they listen on IPv6 only while it is configured).
 */
export function bootKey(c: CoresmdConfig, host6?: string): string {
  return JSON.stringify({ dir: c.tftpDir, port: c.tftpPort, single: c.singlePort, http: c.httpPort ?? null, ...(host6 === undefined ? {} : { host6 }) });
}

/** The IPv6 counterpart of a boot host: `::` for 0.0.0.0, `::1` for loopback (tests, demo), else none. */
export function bootHost6For(bootHost: string): string | undefined {
  if (bootHost === '0.0.0.0') return '::';
  return bootHost.startsWith('127.') ? '::1' : undefined;
}

export async function startBoot(c: CoresmdConfig, d: ListenerDeps, host6?: string): Promise<Running<BootServers>> {
  const value = await startBootServers(c, { host: d.bootHost, ...(host6 === undefined ? {} : { host6 }), logger: d.logger, clock: d.clock, events: d.events });
  return { key: bootKey(c, host6), value, close: () => value.close(), restart: () => startBoot(c, d, host6) };
}

export function transportKey(section: ServerSection): string {
  return JSON.stringify(listenTargets4(section.listen));
}

export async function startTransport4(section: ServerSection, handler: Dhcp4PacketHandler, d: ListenerDeps): Promise<Running<Dhcp4Transport>> {
  const value = await startDhcp4Transport({ targets: listenTargets4(section.listen), server: handler, logger: d.logger, rawSocket: d.rawSocket });
  d.logger.info('DHCPv4 listening', {
    mode: value.mode,
    interfaces: value.interfaces.join(',') || '-',
    endpoints: value.endpoints.map((e) => `${e.address}:${e.port}`).join(' '),
  });
  return { key: transportKey(section), value, close: () => value.close(), restart: () => startTransport4(section, handler, d) };
}

/**
 * DHCPv6 (src/app/dhcp/run-dhcp6.ts) has no chain swap yet: it restarts, chain and sockets,
 * whenever the coredhcp file changed. Its boot URLs name the running boot servers (`boot`).
 */
export function dhcp6Key(dhcpText: string, shared: boolean): string {
  return `${shared ? 'shared' : 'own'}\u0000${dhcpText}`;
}

/** What DHCPv6 boot URLs need from the boot servers (read per request: they may restart). */
export interface Boot6Links {
  readonly httpBootBase: (serverAddress: string) => string | undefined;
  readonly listensOn6: (address: string, ifname: string) => boolean;
}

export async function startDhcp6Part(section: ServerSection, dhcpText: string, inventory: Inventory | undefined, d: ListenerDeps, boot?: Boot6Links): Promise<Running<RunningDhcp6>> {
  const value = await startDhcp6(section, { inventory, clock: d.clock, logger: d.logger, events: d.events, quarantine: d.quarantine, ...boot });
  d.logger.info('DHCPv6 listening', { interfaces: value.transport.interfaces.join(',') || 'any' });
  return { key: dhcp6Key(dhcpText, inventory !== undefined), value, close: () => value.close(), restart: () => startDhcp6Part(section, dhcpText, inventory, d, boot) };
}

/**
 * DNS is rebuilt (zones, forwarders, listeners) when the Corefile changes, or when whether it
 * shares the process inventory does. startDns builds its zones and listeners together, so a
 * rebuild closes the listeners for the few milliseconds the new ones take to bind.
 */
export function dnsKey(text: string, shared: boolean): string {
  return `${shared ? 'shared' : 'own'}\u0000${text}`;
}

export async function startDnsPart(config: CorefileConfig, text: string, inventory: Inventory | undefined, d: ListenerDeps): Promise<Running<RunningDns>> {
  const value = await startDns({ config, logger: d.logger, clock: d.clock, env: d.env, events: d.events, ...(inventory === undefined ? {} : { inventory }) });
  return { key: dnsKey(text, inventory !== undefined), value, close: () => value.close(), restart: () => startDnsPart(config, text, inventory, d) };
}
