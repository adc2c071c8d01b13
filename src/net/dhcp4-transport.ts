// The DHCPv4 transport: receives requests knowing their ingress interface, hands them to the
// server, and sends each reply out along its route (design.md, "The packet path").
//
// Raw mode (raw-socket loadable, CAP_NET_RAW): per served interface one raw IPv4/UDP socket bound
// to the device (raw-udp4-socket.ts) receives; it sees the IP header, so the ingress interface,
// our address on it and whether the request was broadcast are known. A node:dgram socket is
// still bound to the listen port, only so the kernel has a UDP socket for the port and does not
// answer unicast requests with ICMP port unreachable (RFC 1122 §4.1.3.1); what it receives is
// dropped, since the raw socket already saw the same datagram. Replies to relays and to clients
// with an address go through the dgram socket (the routing table is right for them); broadcast
// replies go out of the ingress interface's raw socket with our own IPv4/UDP header.
//
// Dgram mode (raw-socket missing, no privilege, or rawSocket 'off'): one dgram socket per listen
// address receives and sends; broadcasts go to 255.255.255.255 and leave through whatever
// interface routes that address (node:dgram has no SO_BINDTODEVICE, nodejs/node#35769), which is
// right on a single-interface host only. Start-up says so loudly, once.
//
// Loopback mode (listen address in 127.0.0.0/8): the demo and the tests. Dgram only; the server
// address is the bound address; lo has no broadcast, so broadcast replies go back to the source.
//
// Buffers: the server's reply payload (a pooled slot) and our raw frame (from our own pool) are
// released only in the send callback, on success and on error alike (house style §5.3). Nothing
// a socket does crashes the process: errors are logged and counted.

import dgram from 'node:dgram';
import { closeSockets } from './close-sockets.ts';
import type { Dhcp4Ingress } from '../dhcp/service/chain.ts';
import type { Dhcp4Route } from '../dhcp/service/route.ts';
import { Counters } from '../dhcp/service/counters.ts';
import type { Logger } from '../seams/logger.ts';
import { formatIPv4, parseIPv4 } from '../wire/addr.ts';
import { WireError } from '../wire/errors.ts';
import { decodeIpv4Udp, encodeIpv4Udp, ipv4UdpByteLength } from '../wire/ipv4-udp.ts';
import { BufferPool } from '../wire/pool.ts';
import { Writer } from '../wire/writer.ts';
import { dgramIngress, isBroadcastOn, peekUdp4DstPort, rawIngress, type DgramBinding } from './dhcp4-ingress.ts';
import { formatListenTarget, planDhcp4Listeners, type Dhcp4ListenerPlan, type Dhcp4ListenTarget } from './dhcp4-listeners.ts';
import { planDhcp4Send, type Dhcp4TransportMode } from './dhcp4-send-plan.ts';
import { readIpv4Interfaces, type Ipv4Interface } from './interfaces.ts';
import { loadRawSocket, type RawSocketLoad } from './raw-socket-module.ts';
import { RawUdp4Socket } from './raw-udp4-socket.ts';

export type { Dhcp4ListenTarget } from './dhcp4-listeners.ts';

/** What the transport needs from an outcome; Dhcp4Server's Dhcp4Outcome fits. */
export type Dhcp4TransportOutcome =
  | {
      readonly kind: 'reply';
      readonly route: Dhcp4Route;
      /** The encoded reply, a view of a pooled buffer. */
      readonly payload: Uint8Array;
      /** Returns the payload's buffer; the transport calls it once, in the send callback. */
      release(): void;
    }
  | { readonly kind: 'drop' };

/** Dhcp4Server fits; the buffer is only valid for the duration of the call's promise. */
export interface Dhcp4PacketHandler {
  handle(buf: Uint8Array, ingress: Dhcp4Ingress): Promise<Dhcp4TransportOutcome>;
}

export interface Dhcp4TransportOptions {
  readonly targets: readonly Dhcp4ListenTarget[];
  readonly server: Dhcp4PacketHandler;
  readonly logger: Logger;
  /** 'auto' (default): raw sockets when possible, else the dgram fallback. 'off': dgram only. */
  readonly rawSocket?: 'auto' | 'off';
  /** The interface snapshot to use instead of the host's (tests). */
  readonly interfaces?: readonly Ipv4Interface[];
  /** How to load raw-socket (tests simulate a missing addon). */
  readonly loadRawSocket?: () => RawSocketLoad;
}

export interface Dhcp4Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface Dhcp4Transport {
  /** 'raw' when raw sockets serve the interfaces; loopback-only transports report 'dgram'. */
  readonly mode: 'raw' | 'dgram';
  /** Names of the interfaces served. */
  readonly interfaces: readonly string[];
  /** The bound dgram sockets (the real port when a target asked for port 0). */
  readonly endpoints: readonly Dhcp4Endpoint[];
  /** `rx{via="raw"}`, `tx{via="dgram"}`, `tx_errors{via="raw"}`, `rx_malformed`, `socket_errors{…}`, … */
  readonly counters: Counters;
  close(): Promise<void>;
}

/** Frames for raw sends: 64 in flight before replies are dropped (and counted). */
const FRAME_SLOTS = 64;
const DEFAULT_MTU = 1500; // RFC 894 Ethernet
const MIN_FRAME = 576; // RFC 791: every host accepts 576-octet datagrams

export const DGRAM_FALLBACK_WARNING =
  'DHCPv4 is running WITHOUT raw sockets: broadcast replies leave through the interface of the route ' +
  'for 255.255.255.255 (usually the default route), not the interface the request came in on, and the ' +
  'server identifier is guessed. ONLY SINGLE-INTERFACE HOSTS ARE SERVED CORRECTLY. Run as root or ' +
  'with CAP_NET_RAW and the raw-socket addon to serve several interfaces.';

interface Listener {
  readonly plan: Dhcp4ListenerPlan;
  readonly mode: Dhcp4TransportMode;
  readonly socket: dgram.Socket;
  readonly binding: DgramBinding;
  port: number;
}

interface RawRule {
  readonly port: number;
  /** The target's address; 0 accepts any destination on the interface. */
  readonly address: number;
  readonly listener: Listener;
}

interface RawInterface {
  readonly iface: Ipv4Interface;
  readonly socket: RawUdp4Socket;
  readonly rules: RawRule[];
}

export async function startDhcp4Transport(opts: Dhcp4TransportOptions): Promise<Dhcp4Transport> {
  const snapshot = opts.interfaces ?? readIpv4Interfaces();
  const planned = planDhcp4Listeners(opts.targets, snapshot);
  if (!planned.ok) throw new Error(planned.error);
  const t = new Transport(opts, snapshot);
  try {
    await t.start(planned.listeners);
  } catch (e) {
    await t.close();
    throw e;
  }
  return t;
}

class Transport implements Dhcp4Transport {
  readonly counters = new Counters();
  readonly #opts: Dhcp4TransportOptions;
  readonly #log: Logger;
  /** Every IPv4 interface at start, to recognise our addresses on other interfaces. */
  readonly #snapshot: readonly Ipv4Interface[];
  readonly #listeners: Listener[] = [];
  readonly #raw = new Map<string, RawInterface>();
  #framePool: BufferPool | undefined;
  #rawNames: ReadonlySet<string> = new Set();
  #closed = false;
  #mode: 'raw' | 'dgram' = 'dgram';
  #interfaces: string[] = [];
  /** Completion callbacks of dgram sends in flight; failed on close so no buffer is stranded. */
  readonly #pending = new Set<(error: Error | null) => void>();

  constructor(opts: Dhcp4TransportOptions, snapshot: readonly Ipv4Interface[]) {
    this.#opts = opts;
    this.#snapshot = snapshot;
    this.#log = opts.logger.child({ component: 'dhcp4-transport' });
  }

  get mode(): 'raw' | 'dgram' {
    return this.#mode;
  }

  get interfaces(): readonly string[] {
    return this.#interfaces;
  }

  get endpoints(): readonly Dhcp4Endpoint[] {
    return this.#listeners.map((l) => ({ address: formatIPv4(l.plan.bindAddress), port: l.port }));
  }

  async start(plans: readonly Dhcp4ListenerPlan[]): Promise<void> {
    const wide = plans.filter((p) => !p.loopback);
    const fallbackReason = wide.length === 0 ? undefined : this.#openRaw(wide);
    const rawMode = wide.length > 0 && fallbackReason === undefined;
    for (const plan of plans) {
      const mode: Dhcp4TransportMode = plan.loopback ? 'loopback' : rawMode ? 'raw' : 'dgram';
      const listener = await this.#bind(plan, mode);
      this.#listeners.push(listener);
      if (mode === 'raw') this.#addRawRules(listener);
      this.#log.info('DHCPv4 listening', {
        mode,
        address: `${formatIPv4(plan.bindAddress)}:${listener.port}`,
        targets: plan.covers.map((c) => formatListenTarget(c.target)).join(' '),
        interfaces: plan.interfaces.map((i) => i.name).join(','),
      });
    }
    const names = new Set<string>();
    for (const p of plans) for (const i of p.interfaces) names.add(i.name);
    this.#interfaces = [...names];
    this.#mode = rawMode ? 'raw' : 'dgram';
    if (wide.length > 0 && !rawMode) this.#log.warn(DGRAM_FALLBACK_WARNING, { reason: fallbackReason ?? '' });
    if (wide.length === 0) this.#log.info('DHCPv4 on loopback only: test/demo mode, broadcast replies go back to the sender');
    for (const i of servedInterfaces(plans)) if (!i.up) this.#log.warn('DHCPv4 interface is down', { interface: i.name });
  }

  /** Opens one raw socket per interface; returns why raw mode is not possible, or undefined. */
  #openRaw(plans: readonly Dhcp4ListenerPlan[]): string | undefined {
    if (this.#opts.rawSocket === 'off') return "raw sockets are turned off ('rawSocket: off')";
    const loaded = (this.#opts.loadRawSocket ?? loadRawSocket)();
    if (!loaded.ok) return loaded.reason;
    let maxMtu = DEFAULT_MTU;
    try {
      for (const i of servedInterfaces(plans)) {
        const socket = new RawUdp4Socket({
          module: loaded.module,
          ifname: i.name,
          onDatagram: (packet) => this.#onRaw(i.name, packet),
          onError: (error, phase) => {
            this.counters.inc(`socket_errors{socket="raw",phase="${phase}"}`);
            this.#log.error('raw socket error', { interface: i.name, phase, error: error.message });
          },
        });
        this.#raw.set(i.name, { iface: i, socket, rules: [] });
        maxMtu = Math.max(maxMtu, i.mtu ?? DEFAULT_MTU);
      }
    } catch (e) {
      for (const r of this.#raw.values()) r.socket.close();
      this.#raw.clear();
      const msg = (e as Error).message;
      return /EPERM|EACCES|not permitted/i.test(msg) ? `${msg} (raw sockets need root or CAP_NET_RAW)` : msg;
    }
    this.#framePool = new BufferPool(Math.max(MIN_FRAME, Math.min(maxMtu, 0xffff)), FRAME_SLOTS);
    this.#rawNames = new Set(this.#raw.keys());
    return undefined;
  }

  async #bind(plan: Dhcp4ListenerPlan, mode: Dhcp4TransportMode): Promise<Listener> {
    const socket = dgram.createSocket({ type: 'udp4' });
    const listener: Listener = { plan, mode, socket, binding: { address: plan.bindAddress, interfaces: plan.interfaces }, port: plan.port };
    // Registered before the socket can fail at runtime; bind errors are handled just below.
    socket.on('error', (error) => {
      this.counters.inc('socket_errors{socket="dgram"}');
      this.#log.error('dgram socket error', { address: `${formatIPv4(plan.bindAddress)}:${listener.port}`, error: error.message });
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        try {
          socket.close();
        } catch {
          // Already closed: nothing to release.
        }
        reject(new Error(`DHCPv4 cannot listen on ${formatIPv4(plan.bindAddress)}:${plan.port}: ${error.message}`, { cause: error }));
      };
      socket.once('error', onError);
      socket.bind({ address: formatIPv4(plan.bindAddress), port: plan.port, exclusive: true }, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    listener.port = socket.address().port;
    socket.setBroadcast(true);
    if (mode === 'raw') {
      // The raw socket of the ingress interface has this datagram already (see the file header).
      socket.on('message', () => this.counters.inc('rx_ignored{via="dgram"}'));
    } else {
      socket.on('message', (msg, rinfo) => this.#onDgram(listener, msg, rinfo));
    }
    return listener;
  }

  #addRawRules(listener: Listener): void {
    for (const c of listener.plan.covers) {
      for (const i of c.interfaces) {
        const r = this.#raw.get(i.name);
        if (r === undefined || r.rules.some((x) => x.port === listener.port && x.address === c.target.address)) continue;
        r.rules.push({ port: listener.port, address: c.target.address, listener });
      }
    }
  }

  #onRaw(ifname: string, packet: Buffer): void {
    const r = this.#raw.get(ifname);
    if (r === undefined || this.#closed) return;
    const dstPort = peekUdp4DstPort(packet);
    if (dstPort < 0 || !r.rules.some((x) => x.port === dstPort)) return;
    let d;
    try {
      d = decodeIpv4Udp(packet);
    } catch (e) {
      // Only WireError is expected; anything else is a decoder bug, reported but not fatal here.
      if (e instanceof WireError) this.counters.inc(`rx_malformed{via="raw",code="${e.code}"}`);
      else this.#handlerFailed(e);
      return;
    }
    const rule = r.rules.find((x) => x.port === dstPort && (x.address === 0 || x.address === d.dst || isBroadcastOn(r.iface, d.dst)));
    if (rule === undefined) return;
    this.counters.inc('rx{via="raw"}');
    const ingress = rawIngress(r.iface, d, rule.address, this.#snapshot);
    // The addon reuses its receive buffer for the next datagram; the server may await.
    this.#dispatch(Buffer.from(d.payload), ingress, rule.listener, 'raw');
  }

  #onDgram(listener: Listener, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.#closed) return;
    const src = parseIPv4(rinfo.address);
    if (src === undefined) return;
    this.counters.inc(`rx{via="dgram"}`);
    this.#dispatch(msg, dgramIngress(listener.binding, src, rinfo.port), listener, listener.mode);
  }

  #dispatch(buf: Uint8Array, ingress: Dhcp4Ingress, listener: Listener, mode: Dhcp4TransportMode): void {
    let p: Promise<Dhcp4TransportOutcome>;
    try {
      p = this.#opts.server.handle(buf, ingress);
    } catch (e) {
      this.#handlerFailed(e);
      return;
    }
    p.then(
      (out) => {
        if (out.kind === 'reply') this.#send(out, ingress, listener, mode);
      },
      (e: unknown) => this.#handlerFailed(e),
    );
  }

  #handlerFailed(e: unknown): void {
    this.counters.inc('handler_errors');
    this.#log.error('DHCPv4 handler failed', { error: e instanceof Error ? e.message : String(e) });
  }

  /**
   * Sends one reply along its route. Whatever happens (sent, refused, thrown), `finish` runs
   * exactly once and gives both buffers back; nothing escapes into the promise chain.
   */
  #send(out: Extract<Dhcp4TransportOutcome, { kind: 'reply' }>, ingress: Dhcp4Ingress, listener: Listener, mode: Dhcp4TransportMode): void {
    let via = 'dgram';
    let frame: Buffer | undefined;
    let finished = false;
    const finish = (error: Error | null): void => {
      if (finished) return;
      finished = true;
      try {
        if (frame !== undefined) this.#framePool?.release(frame);
        out.release();
      } catch (e) {
        this.#log.error('reply buffer release failed', { error: (e as Error).message });
      }
      if (error === null) {
        this.counters.inc(`tx{via="${via}"}`);
        return;
      }
      this.counters.inc(`tx_errors{via="${via}"}`);
      this.#log.warn('DHCPv4 reply not sent', { via, route: out.route.kind, error: error.message });
    };
    try {
      const plan = planDhcp4Send(out.route, { mode, ingress, listenPort: listener.port, rawInterfaces: this.#rawNames });
      via = plan.via;
      if (this.#closed) return finish(new Error('transport closed'));
      if (plan.via === 'dgram') return this.#sendDgram(listener.socket, out.payload, plan.address, plan.port, finish);
      const r = this.#raw.get(plan.ifname);
      const pool = this.#framePool;
      if (r === undefined || pool === undefined) return finish(new Error(`no raw socket on ${plan.ifname}`));
      // IP_HDRINCL datagrams are not fragmented for us: larger than the MTU is EMSGSIZE (raw(7)).
      const mtu = Math.min(r.iface.mtu ?? DEFAULT_MTU, pool.slotSize);
      if (ipv4UdpByteLength(out.payload.length) > mtu) {
        return finish(new Error(`reply of ${out.payload.length} bytes does not fit the ${mtu}-byte MTU of ${plan.ifname}`));
      }
      frame = pool.acquire();
      if (frame === undefined) return finish(new Error('raw frame pool exhausted'));
      const w = new Writer(frame);
      encodeIpv4Udp(w, plan.header, out.payload);
      r.socket.send(frame, w.length, formatIPv4(plan.header.dst), finish);
    } catch (e) {
      finish(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** dgram send with `done` called exactly once, even if the socket closes with the send queued. */
  #sendDgram(socket: dgram.Socket, payload: Uint8Array, address: number, port: number, done: (error: Error | null) => void): void {
    let called = false;
    const finish = (error: Error | null): void => {
      if (called) return;
      called = true;
      this.#pending.delete(finish);
      done(error);
    };
    this.#pending.add(finish);
    try {
      socket.send(payload, port, formatIPv4(address), (error) => finish(error ?? null));
    } catch (e) {
      finish(e as Error);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#raw.values()) r.socket.close();
    await closeSockets(this.#listeners.map((l) => l.socket));
    for (const finish of [...this.#pending]) finish(new Error('transport closed'));
  }
}

function servedInterfaces(plans: readonly Dhcp4ListenerPlan[]): Ipv4Interface[] {
  const seen = new Map<string, Ipv4Interface>();
  for (const p of plans) for (const i of p.interfaces) if (!seen.has(i.name)) seen.set(i.name, i);
  return [...seen.values()];
}
