// Starts everything a Corefile describes: the coresmd zones over the (shared) inventory, the
// forwarders, one UDP and one TCP listener per (address, port), and the HTTP endpoints. Shared by
// `coresmd dns` and, later, `coresmd serve`, which passes the inventory DHCP already uses so one
// process has one inventory and one SMD poll loop (design.md "The inventory").
//
// Listeners: server blocks on the same address and port share one listener, which routes each
// query to the block with the longest matching zone (CoreDNS's zone routing). A block without
// `bind` listens on `::` (both families on one dual-stack socket), or on 0.0.0.0 where the host
// has no IPv6.

import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { BootEvents } from '../../seams/boot-events.ts';
import { parseIp, type IpAddress } from '../../wire/addr.ts';
import { createInventory, type Inventory } from '../../smd/inventory.ts';
import { DnsMetrics } from '../../dns/service/metrics.ts';
import { InventoryZones } from '../../dns/service/inventory-zones.ts';
import { classifyReply, DnsQueryHandler, type DnsNodeLookupObserver, type DnsQueryLog, type DnsServerBlock } from '../../dns/service/query-handler.ts';
import { nameOf, DnsRcode, DnsType } from '../../dns/constants.ts';
import { startDnsUdp, type DnsUdpServer } from '../../net/dns-udp.ts';
import { startDnsTcp, type DnsTcpServer } from '../../net/dns-tcp.ts';
import { DEFAULT_SMD_TIMEOUT_MS, openSmdSource } from '../smd-access.ts';
import type { ConfigPos } from '../config/config-error.ts';
import type { CorefileConfig, CoresmdDnsConfig, DnsBlockConfig, QueryLogConfig } from './dns-config.ts';
import { inZone } from './directive-args.ts';
import { createForwarder, type RunningForwarder } from './forwarder.ts';
import { startHttpEndpoint, type HttpRoute, type RunningHttpEndpoint } from './http-endpoints.ts';
import { checkReadiness, readyMaxAgeFor, type Readiness, type ReadinessSource } from './readiness.ts';

export interface StartDnsOptions {
  readonly config: CorefileConfig;
  /** The process's inventory, shared with DHCP; without it each distinct SMD source gets one. */
  readonly inventory?: Inventory;
  readonly logger: Logger;
  readonly clock: Clock;
  /** For the SMD token variable; process.env in the CLI. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Readiness staleness limit; default max(5 min, 3 × cache_duration) (readiness.ts). */
  readonly readyMaxAgeMs?: number;
  /** Monotonic clock for durations; performance.now by default. */
  readonly monotonicMs?: () => number;
  /** Per upstream attempt (net/dns-upstream.ts default 2 s). */
  readonly forwardTimeoutMs?: number;
  /** RFC 7766 §6.2.3 idle timeout (net/dns-tcp.ts default 10 s). */
  readonly tcpIdleTimeoutMs?: number;
  /** Interface table for `bind IFACE` (os.networkInterfaces by default). */
  readonly interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
  /** Lookups of node and BMC names are reported here (the admin timeline); none by default. */
  readonly events?: BootEvents | undefined;
}

/** A `lookup` boot event for each question about a component's name (forward or PTR). */
function nodeLookupEvents(events: BootEvents | undefined): DnsNodeLookupObserver | undefined {
  if (events === undefined || !events.enabled) return undefined;
  return (xname, qname, qtype, rcode) => {
    const type = nameOf(DnsType, qtype);
    const result = nameOf(DnsRcode, rcode);
    events.emit({ service: 'dns', type: 'lookup', xname, summary: `${type} ${qname} → ${result}`, detail: { qname, qtype: type, rcode: result } });
  };
}

export interface DnsListenerInfo {
  readonly proto: 'udp' | 'tcp';
  readonly address: string;
  readonly port: number;
  /** The `server` metric label. */
  readonly server: string;
}

export interface RunningDns {
  readonly listeners: readonly DnsListenerInfo[];
  readonly http: readonly { readonly address: string; readonly port: number; readonly paths: readonly string[] }[];
  readonly metrics: DnsMetrics;
  /** The inventories behind coresmd: the shared one, or those startDns created (and owns). */
  readonly inventories: readonly Inventory[];
  readiness(): Readiness;
  close(): Promise<void>;
}

/** A start-up failure that names the Corefile position responsible. */
export class DnsStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsStartError';
  }
}

const WILDCARD = '::';
const WILDCARD_V4 = '0.0.0.0';
const PLUGIN_CORESMD = 'coresmd';

function where(file: string, p: ConfigPos): string {
  return `${file}:${p.line}:${p.col}`;
}

/** `bind` entries → addresses; [] means the wildcard. */
function bindAddresses(block: DnsBlockConfig, file: string, ifaces: () => NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  const out: string[] = [];
  for (const b of block.bind) {
    if (b.kind === 'address') {
      out.push(b.address);
      continue;
    }
    const list = ifaces()[b.name];
    if (list === undefined) throw new DnsStartError(`${where(file, b)}: bind: no interface named '${b.name}'`);
    // Link-local IPv6 needs a scope to bind; CoreDNS skips those too.
    for (const a of list) if (!(a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80:'))) out.push(parseIp(a.address)?.text ?? a.address);
  }
  return [...new Set(out)];
}

function serverLabel(host: string, port: number): string {
  if (host === WILDCARD) return `dns://:${port}`;
  return host.includes(':') ? `dns://[${host}]:${port}` : `dns://${host}:${port}`;
}

function queryLogOf(cfg: QueryLogConfig | undefined): DnsQueryLog | undefined {
  if (cfg === undefined) return undefined;
  return { matches: (key, rcode, answers) => cfg.names.some((n) => inZone(key, n)) && cfg.classes.has(classifyReply(rcode, answers)) };
}

interface Group {
  readonly host: string;
  readonly port: number;
  readonly server: string;
  readonly blocks: DnsServerBlock[];
  readonly coresmd: { zones: InventoryZones; inventory: Inventory }[];
  /** The first key that asked for this listener, for error messages. */
  readonly at: ConfigPos;
}

export async function startDns(options: StartDnsOptions): Promise<RunningDns> {
  const { config, logger, clock } = options;
  const log = logger.child({ component: 'dns' });
  const file = config.file;
  const env = options.env ?? {};
  const ifaces = options.interfaces ?? networkInterfaces;
  const metrics = new DnsMetrics();
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        log.warn('error while stopping DNS', { error: e instanceof Error ? e.message : String(e) });
      }
    }
  };

  try {
    // Inventories: the shared one, or one per distinct SMD source (URL, CA, interval).
    const owned = new Map<string, Inventory>();
    const inventoryFor = (c: CoresmdDnsConfig): Inventory => {
      if (options.inventory !== undefined) return options.inventory;
      const id = `${c.smdUrl}\u0000${c.caCert ?? ''}\u0000${c.cacheDurationMs}`;
      let inv = owned.get(id);
      if (inv === undefined) {
        let source;
        try {
          source = openSmdSource({ url: c.smdUrl, timeoutMs: DEFAULT_SMD_TIMEOUT_MS, ...(c.caCert === undefined ? {} : { caCert: c.caCert }) }, env);
        } catch (e) {
          throw new DnsStartError(`${where(file, c.caCertAt ?? c)}: coresmd: ${e instanceof Error ? e.message : String(e)}`);
        }
        inv = createInventory({ source, clock, logger, refreshIntervalMs: c.cacheDurationMs });
        owned.set(id, inv);
      }
      return inv;
    };

    if (options.inventory !== undefined && config.blocks.some((b) => b.coresmd !== undefined)) {
      log.info('coresmd uses the process inventory; smd_url, ca_cert and cache_duration of the Corefile are not used for polling');
    }
    const readinessSources: ReadinessSource[] = [];
    const groups = new Map<string, Group>();
    for (const block of config.blocks) {
      const hosts = bindAddresses(block, file, ifaces);
      const nsAddresses = hosts.map((h) => parseIp(h)).filter((ip): ip is IpAddress => ip !== undefined);
      let coresmd: { zones: InventoryZones; inventory: Inventory } | undefined;
      if (block.coresmd !== undefined) {
        const inventory = inventoryFor(block.coresmd);
        const zones = new InventoryZones({ inventory, zones: block.coresmd.zones, ttl: block.coresmd.ttl, nsAddresses, logger });
        closers.push(() => zones.close());
        coresmd = { zones, inventory };
        readinessSources.push({ plugin: PLUGIN_CORESMD, inventory, maxAgeMs: options.readyMaxAgeMs ?? readyMaxAgeFor(block.coresmd.cacheDurationMs) });
      }
      let forward: RunningForwarder | undefined;
      if (block.forward !== undefined) {
        const fwd = createForwarder(block.forward, options.forwardTimeoutMs === undefined ? {} : { timeoutMs: options.forwardTimeoutMs });
        closers.push(() => fwd.close());
        forward = fwd;
      }
      const queryLog = queryLogOf(block.log);
      for (const port of new Set(block.keys.map((k) => k.port))) {
        const key = block.keys.find((k) => k.port === port)!;
        const serverBlock: DnsServerBlock = {
          zones: block.keys.filter((k) => k.port === port).map((k) => k.zone),
          coresmd: coresmd?.zones,
          forward,
          queryLog,
          logErrors: block.errors,
        };
        for (const host of hosts.length === 0 ? [WILDCARD] : hosts) {
          const id = `${host}|${port}`;
          let g = groups.get(id);
          if (g === undefined) {
            g = { host, port, server: serverLabel(host, port), blocks: [], coresmd: [], at: key };
            groups.set(id, g);
          }
          g.blocks.push(serverBlock);
          if (coresmd !== undefined) g.coresmd.push(coresmd);
        }
      }
    }

    // The first refresh, before any socket answers (spec §1.3 step 3); never fatal.
    await Promise.all([...owned.values()].map((inv) => inv.start()));
    for (const inv of owned.values()) closers.push(() => inv.stop());

    const monotonicMs = options.monotonicMs ?? (() => performance.now());
    const listeners: DnsListenerInfo[] = [];
    for (const g of groups.values()) {
      for (const c of g.coresmd) {
        const off = metrics.addInventory(g.server, {
          ageSeconds: () => {
            const age = c.inventory.status().ageMs(clock.now());
            return age === undefined ? undefined : age / 1000;
          },
          sizes: () => {
            const s = c.inventory.current()?.stats;
            return s === undefined ? undefined : { interfaces: s.interfaces, components: s.components };
          },
        });
        closers.push(off);
      }
      const onNodeLookup = nodeLookupEvents(options.events);
      const handler = new DnsQueryHandler({ server: g.server, blocks: g.blocks, metrics, logger, monotonicMs, ...(onNodeLookup === undefined ? {} : { onNodeLookup }) });
      const { udp, tcp } = await listen(g.host, g.port, handler, logger, options.tcpIdleTimeoutMs, where(file, g.at));
      closers.push(() => udp.close(), () => tcp.close());
      listeners.push({ proto: 'udp', address: udp.address, port: udp.port, server: g.server }, { proto: 'tcp', address: tcp.address, port: tcp.port, server: g.server });
      log.info('DNS listening', { server: g.server, udp: `${udp.address}:${udp.port}`, tcp: `${tcp.address}:${tcp.port}`, zones: g.blocks.flatMap((b) => b.zones).join(' ') });
    }

    const readiness = (): Readiness => checkReadiness(readinessSources, clock);
    const routesByAddress = new Map<string, { host: string; port: number; routes: Map<string, HttpRoute>; at: ConfigPos }>();
    const addRoute = (ep: { host: string; port: number } & ConfigPos, path: string, route: HttpRoute): void => {
      const id = `${ep.host}|${ep.port}`;
      let e = routesByAddress.get(id);
      if (e === undefined) {
        e = { host: ep.host, port: ep.port, routes: new Map(), at: ep };
        routesByAddress.set(id, e);
      }
      if (!e.routes.has(path)) e.routes.set(path, route);
    };
    let lameduckMs = 0;
    for (const block of config.blocks) {
      if (block.prometheus !== undefined) {
        addRoute(block.prometheus, '/metrics', () => ({ status: 200, body: metrics.format(), contentType: 'text/plain; version=0.0.4; charset=utf-8' }));
      }
      if (block.ready !== undefined) {
        addRoute(block.ready, '/ready', () => {
          const r = readiness();
          return r.ready ? { status: 200, body: 'OK' } : { status: 503, body: `${r.notReady.join(', ')}\n` };
        });
      }
      if (block.health !== undefined) {
        addRoute(block.health, '/health', () => ({ status: 200, body: 'OK' }));
        lameduckMs = Math.max(lameduckMs, block.health.lameduckMs);
      }
    }
    const http: RunningHttpEndpoint[] = [];
    for (const e of routesByAddress.values()) {
      let ep: RunningHttpEndpoint;
      try {
        ep = await startHttpEndpoint({ host: e.host, port: e.port, routes: e.routes }, logger);
      } catch (err) {
        throw new DnsStartError(`${where(file, e.at)}: cannot listen on ${e.host}:${e.port}: ${err instanceof Error ? err.message : String(err)}`);
      }
      closers.push(() => ep.close());
      http.push(ep);
      log.info('DNS HTTP endpoint listening', { address: `${ep.address}:${ep.port}`, paths: ep.paths.join(' ') });
    }
    // `health { lameduck }`: keep answering for a while after a stop is asked (CoreDNS semantics).
    // closeAll runs closers last-in first-out, so this wait comes before any listener closes.
    if (lameduckMs > 0) closers.push(() => new Promise<void>((r) => clock.setTimer(lameduckMs, r)));

    const inventories = options.inventory !== undefined && readinessSources.length > 0 ? [options.inventory] : [...owned.values()];
    return {
      listeners,
      http: http.map((h) => ({ address: h.address, port: h.port, paths: h.paths })),
      metrics,
      inventories,
      readiness,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

async function listen(
  host: string,
  port: number,
  handler: DnsQueryHandler,
  logger: Logger,
  idleTimeoutMs: number | undefined,
  at: string,
): Promise<{ udp: DnsUdpServer; tcp: DnsTcpServer }> {
  const hosts = host === WILDCARD ? [WILDCARD, WILDCARD_V4] : [host];
  let lastError: unknown;
  for (const h of hosts) {
    let udp: DnsUdpServer | undefined;
    try {
      udp = await startDnsUdp({ host: h, port, handler, logger });
      const tcp = await startDnsTcp({ host: h, port: udp.port, handler, logger, ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }) });
      return { udp, tcp };
    } catch (e) {
      await udp?.close();
      lastError = e;
      const code = (e as { code?: unknown }).code;
      // No IPv6 on this host: the wildcard falls back to IPv4 only.
      if (!(h === WILDCARD && (code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL'))) break;
    }
  }
  const why = lastError instanceof Error ? lastError.message : String(lastError);
  throw new DnsStartError(`${at}: cannot listen on ${host === WILDCARD ? '*' : host}:${port}: ${why}`);
}
