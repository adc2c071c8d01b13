// The DHCPv6 transport: udp6 sockets from dhcp6-listeners.ts, each request handed to the server
// with its ingress interface, each reply sent along its route from the socket the request came
// in on, and the reply buffer released in the send callback (house style §5.3).
//
// The ingress interface is the zone node:dgram reports for a link-local source (`fe80::1%eth0`,
// see dhcp6-listeners.ts); for a global source (a relay agent) it is the interface whose on-link
// prefix holds the address. A reply to a client goes to its scoped link-local address, so the
// kernel sends it out of that interface; a reply to a relay follows the routing table.
// Nothing a socket does crashes the process: errors are logged and counted.
import dgram from 'node:dgram';
import { closeSockets } from './close-sockets.ts';
import type { Dhcp6Ingress, Dhcp6LinkAddress } from '../dhcp/service/v6/chain.ts';
import type { Dhcp6Route } from '../dhcp/service/v6/route.ts';
import { Counters } from '../dhcp/service/counters.ts';
import type { Logger } from '../seams/logger.ts';
import { interfaceOfSource, readIpv6Interfaces, type Ipv6Interface } from './dhcp6-interfaces.ts';
import { planDhcp6Listeners, type Dhcp6ListenTarget, type Dhcp6SocketPlan } from './dhcp6-listeners.ts';

export type { Dhcp6ListenTarget } from './dhcp6-listeners.ts';

/** What the transport needs from an outcome; Dhcp6Server's Dhcp6Outcome fits. */
export type Dhcp6TransportOutcome =
  | { readonly kind: 'reply'; readonly route: Dhcp6Route; readonly payload: Uint8Array; release(): void }
  | { readonly kind: 'drop' };

/** Dhcp6Server fits. */
export interface Dhcp6PacketHandler {
  handle(buf: Uint8Array, ingress: Dhcp6Ingress): Promise<Dhcp6TransportOutcome>;
}

export interface Dhcp6TransportOptions {
  readonly targets: readonly Dhcp6ListenTarget[];
  readonly server: Dhcp6PacketHandler;
  readonly logger: Logger;
  /** The interface snapshot to use instead of the host's (tests); it is then never re-read. */
  readonly interfaces?: readonly Ipv6Interface[];
}

/** Re-read the host's interfaces at most this often, when traffic arrives on one we have no address for. */
const REFRESH_MS = 10_000;

export interface Dhcp6Endpoint {
  readonly address: string;
  readonly port: number;
  /** `ff02::1:2%eth0`, … */
  readonly groups: readonly string[];
}

export interface Dhcp6Transport {
  /** Interfaces whose link-local traffic is answered (multicast joined or named); [] for "any". */
  readonly interfaces: readonly string[];
  readonly endpoints: readonly Dhcp6Endpoint[];
  /** `rx`, `tx`, `tx_errors`, `rx_other_interface`, `socket_errors`, `handler_errors`. */
  readonly counters: Counters;
  close(): Promise<void>;
}

interface Listener {
  readonly plan: Dhcp6SocketPlan;
  readonly socket: dgram.Socket;
  readonly interfaces: ReadonlySet<string> | undefined;
  port: number;
}

export async function startDhcp6Transport(opts: Dhcp6TransportOptions): Promise<Dhcp6Transport> {
  const snapshot = opts.interfaces ?? readIpv6Interfaces();
  const planned = planDhcp6Listeners(opts.targets, snapshot);
  if (!planned.ok) throw new Error(`DHCPv6: ${planned.error}`);
  const t = new Transport(opts, snapshot, opts.interfaces === undefined ? () => readIpv6Interfaces() : undefined);
  try {
    for (const plan of planned.sockets) await t.open(plan);
  } catch (e) {
    await t.close();
    throw e;
  }
  return t;
}

/** Our addresses on an interface in the service's shape (global/ULA first). */
export function linkAddressesOf(i: Ipv6Interface | undefined): readonly Dhcp6LinkAddress[] {
  return i === undefined ? [] : i.addresses;
}

class Transport implements Dhcp6Transport {
  readonly counters = new Counters();
  readonly #opts: Dhcp6TransportOptions;
  readonly #log: Logger;
  #snapshot: readonly Ipv6Interface[];
  readonly #refresh: (() => readonly Ipv6Interface[]) | undefined;
  #refreshedAt = 0;
  readonly #listeners: Listener[] = [];
  /** Completion callbacks of sends in flight; failed on close so no buffer is stranded. */
  readonly #pending = new Set<(error: Error | null) => void>();
  #closed = false;

  constructor(opts: Dhcp6TransportOptions, snapshot: readonly Ipv6Interface[], refresh: (() => readonly Ipv6Interface[]) | undefined) {
    this.#opts = opts;
    this.#snapshot = snapshot;
    this.#refresh = refresh;
    this.#refreshedAt = Date.now();
    this.#log = opts.logger.child({ component: 'dhcp6-transport' });
  }

  get interfaces(): readonly string[] {
    const names = new Set<string>();
    for (const l of this.#listeners) for (const n of l.interfaces ?? []) names.add(n);
    return [...names];
  }

  get endpoints(): readonly Dhcp6Endpoint[] {
    return this.#listeners.map((l) => ({ address: l.plan.bindAddress, port: l.port, groups: l.plan.memberships.map((m) => `${m.group}%${m.ifname}`) }));
  }

  async open(plan: Dhcp6SocketPlan): Promise<void> {
    const socket = dgram.createSocket({ type: 'udp6', ipv6Only: true, reuseAddr: plan.reuseAddr });
    const where = `[${plan.bindAddress}]:${plan.port}`;
    socket.on('error', (error) => {
      this.counters.inc('socket_errors');
      this.#log.error('dgram socket error', { address: where, error: error.message });
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        try {
          socket.close();
        } catch {
          // Already closed.
        }
        reject(new Error(`DHCPv6 cannot listen on ${where}: ${error.message}`, { cause: error }));
      };
      socket.once('error', onError);
      socket.bind({ address: plan.bindAddress, port: plan.port }, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    const listener: Listener = { plan, socket, interfaces: plan.interfaces === undefined ? undefined : new Set(plan.interfaces), port: socket.address().port };
    this.#listeners.push(listener);
    for (const m of plan.memberships) {
      try {
        socket.addMembership(m.group, `::%${m.ifname}`);
      } catch (e) {
        if (m.required) throw new Error(`DHCPv6 cannot join ${m.group} on ${m.ifname}: ${(e as Error).message}`, { cause: e });
        this.counters.inc('join_errors');
        this.#log.warn('DHCPv6 cannot join a multicast group; that interface is not served', { group: m.group, interface: m.ifname, error: (e as Error).message });
      }
    }
    socket.on('message', (msg, rinfo) => this.#onMessage(listener, msg, rinfo));
    this.#log.info('DHCPv6 listening', {
      address: `[${plan.bindAddress}]:${listener.port}`,
      groups: plan.memberships.map((m) => `${m.group}%${m.ifname}`).join(' '),
      interfaces: plan.interfaces?.join(',') ?? 'any',
    });
    for (const n of plan.interfaces ?? []) {
      if (this.#snapshot.find((i) => i.name === n)?.up === false) this.#log.warn('DHCPv6 interface is down', { interface: n });
    }
  }

  /**
   * The ingress interface of a source; the snapshot is re-read (rate-limited) when the source's
   * interface is unknown or has no global address yet (it came up after we started).
   */
  #ingressInterface(source: string): Ipv6Interface | undefined {
    const iface = interfaceOfSource(this.#snapshot, source);
    if (iface?.addresses.some((a) => !a.linkLocal) === true || this.#refresh === undefined) return iface;
    const now = Date.now();
    if (now - this.#refreshedAt < REFRESH_MS) return iface;
    this.#refreshedAt = now;
    try {
      this.#snapshot = this.#refresh();
    } catch (e) {
      this.#log.warn('cannot re-read the interfaces', { error: (e as Error).message });
      return iface;
    }
    return interfaceOfSource(this.#snapshot, source);
  }

  #onMessage(listener: Listener, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.#closed) return;
    const iface = this.#ingressInterface(rinfo.address);
    const zoned = rinfo.address.includes('%');
    // A link-local source names its interface: answer only the interfaces this socket serves.
    if (zoned && listener.interfaces !== undefined && (iface === undefined || !listener.interfaces.has(iface.name))) {
      this.counters.inc('rx_other_interface');
      return;
    }
    this.counters.inc('rx');
    const ingress: Dhcp6Ingress = {
      ifname: iface?.name ?? '',
      srcAddress: rinfo.address,
      srcPort: rinfo.port,
      serverAddresses: linkAddressesOf(iface),
    };
    let p: Promise<Dhcp6TransportOutcome>;
    try {
      p = this.#opts.server.handle(msg, ingress);
    } catch (e) {
      this.#handlerFailed(e);
      return;
    }
    p.then(
      (out) => {
        if (out.kind === 'reply') this.#send(listener, out);
      },
      (e: unknown) => this.#handlerFailed(e),
    );
  }

  #handlerFailed(e: unknown): void {
    this.counters.inc('handler_errors');
    this.#log.error('DHCPv6 handler failed', { error: e instanceof Error ? e.message : String(e) });
  }

  /** Sends one reply; `finish` runs exactly once and gives the buffer back. */
  #send(listener: Listener, out: Extract<Dhcp6TransportOutcome, { kind: 'reply' }>): void {
    let called = false;
    const finish = (error: Error | null): void => {
      if (called) return;
      called = true;
      this.#pending.delete(finish);
      try {
        out.release();
      } catch (e) {
        this.#log.error('reply buffer release failed', { error: (e as Error).message });
      }
      if (error === null) {
        this.counters.inc('tx');
        return;
      }
      this.counters.inc('tx_errors');
      this.#log.warn('DHCPv6 reply not sent', { route: out.route.kind, to: `[${out.route.address}]:${out.route.port}`, error: error.message });
    };
    if (this.#closed) return finish(new Error('transport closed'));
    this.#pending.add(finish);
    try {
      listener.socket.send(out.payload, out.route.port, out.route.address, (error) => finish(error ?? null));
    } catch (e) {
      finish(e instanceof Error ? e : new Error(String(e)));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await closeSockets(this.#listeners.map((l) => l.socket));
    for (const finish of [...this.#pending]) finish(new Error('transport closed'));
  }
}
