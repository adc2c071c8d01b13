// The dry run behind `coresmd explain` and GET /api/v1/explain: a synthetic client request
// through the real handler chain and server core of a server4 (or server6) section, reported as
// JSON: the reply that would be sent and which plugin and rule decided it. Nothing is sent and
// no lease is written: bootloop works on a copy of its lease file in a scratch directory.
//
// Input comes from a name → text getter, so the CLI's flags (`--user-class`) and the admin
// API's query (`user_class`) share one parser; bad input is a UsageError (exit 2, HTTP 400).
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './args.ts';
import { createLogger } from '../log.ts';
import { buildChain4, type Chain4Deps } from '../dhcp/chain4.ts';
import { buildChain6, type Chain6Deps } from '../dhcp/chain6.ts';
import { defaultServerDuid } from '../dhcp/run-dhcp6.ts';
import { describeReply, describeReply6, syntheticRequest, syntheticRequest6 } from '../dhcp/explain.ts';
import type { ServerSection } from '../config/coredhcp-config.ts';
import { BufferPool } from '../../wire/pool.ts';
import { formatIPv4, formatIPv6, macToBytes, parseIPv4, parseIPv6, parseMac } from '../../wire/addr.ts';
import { systemClock } from '../../seams/clock.ts';
import type { Inventory } from '../../smd/inventory.ts';
import { Dhcp4Server } from '../../dhcp/service/server4.ts';
import { Dhcp4MessageType } from '../../dhcp/v4/constants.ts';
import { readIpv4Interfaces } from '../../net/interfaces.ts';
import { Dhcp6MessageType } from '../../dhcp/v6/constants.ts';
import { formatDuid, parseDuid } from '../../dhcp/v6/duid.ts';
import { Dhcp6Server } from '../../dhcp/service/v6/server6.ts';
import { interfaceOfSource, readIpv6Interfaces, type Ipv6Interface } from '../../net/dhcp6-interfaces.ts';
import { multicastInterfaces } from '../../net/dhcp6-listeners.ts';

/** Reads one input by its flag name (`user-class`); undefined when absent. */
export type ExplainInputs = (name: string) => string | undefined;

export interface ExplainResult {
  /** The JSON report. */
  readonly report: Record<string, unknown>;
  /** True when a reply would be sent. */
  readonly replied: boolean;
}

export interface ExplainDeps {
  readonly inventory: Inventory | undefined;
  /** The running HTTP boot server's URLs, when there is one (the appliance; the CLI has none). */
  readonly chain4?: Pick<Chain4Deps, 'httpBootBase'>;
  readonly chain6?: Pick<Chain6Deps, 'httpBootBase' | 'listensOn6'>;
}

const TYPES: Readonly<Record<string, number>> = { discover: Dhcp4MessageType.Discover, request: Dhcp4MessageType.Request, inform: Dhcp4MessageType.Inform };
const TYPES6: Readonly<Record<string, number>> = {
  solicit: Dhcp6MessageType.Solicit,
  request: Dhcp6MessageType.Request,
  confirm: Dhcp6MessageType.Confirm,
  renew: Dhcp6MessageType.Renew,
  rebind: Dhcp6MessageType.Rebind,
  release: Dhcp6MessageType.Release,
  decline: Dhcp6MessageType.Decline,
  'information-request': Dhcp6MessageType.InformationRequest,
};

function ipv4Input(get: ExplainInputs, name: string): number {
  const text = get(name);
  if (text === undefined) return 0;
  const v = parseIPv4(text);
  if (v === undefined) throw new UsageError(`--${name}: not an IPv4 address: '${text}'`);
  return v;
}

function ipv6Input(get: ExplainInputs, name: string): Uint8Array | undefined {
  const text = get(name);
  if (text === undefined) return undefined;
  const v = parseIPv6(text);
  if (v === undefined) throw new UsageError(`--${name}: not an IPv6 address: '${text}'`);
  return v;
}

function archInput(get: ExplainInputs): number | undefined {
  const text = get('arch');
  if (text === undefined) return undefined;
  const arch = Number(text);
  if (!(text.trim() !== '' && Number.isInteger(arch) && arch >= 0 && arch <= 0xffff)) throw new UsageError(`--arch: expected 0–65535, got '${text}'`);
  return arch;
}

function macInput(get: ExplainInputs): string | undefined {
  const text = get('mac');
  if (text === undefined) return undefined;
  const mac = parseMac(text);
  if (mac === undefined) throw new UsageError(`--mac: not a MAC address: '${text}'`);
  return mac;
}

/** A checked DHCPv4 explain request, ready to run. */
export interface Explain4Request {
  readonly typeName: string;
  readonly type: number;
  readonly mac: string;
  readonly arch: number | undefined;
  readonly giaddr: number;
  readonly requestedIp: number;
  readonly userClass: string | undefined;
  readonly vendorClass: string | undefined;
  readonly ifname: string;
  readonly serverAddress: number;
  readonly serverPrefix: number;
}

/** Checks the inputs of `explain` (DHCPv4); throws UsageError for bad input. */
export function parseExplain4(get: ExplainInputs): Explain4Request {
  const mac = macInput(get);
  if (mac === undefined) throw new UsageError('missing --mac MAC');
  const typeName = (get('type') ?? 'discover').toLowerCase();
  const type = TYPES[typeName];
  if (type === undefined) throw new UsageError('--type must be discover, request or inform');
  const arch = archInput(get);
  const giaddr = ipv4Input(get, 'giaddr');
  const requestedIp = ipv4Input(get, 'requested-ip');
  const ifaceName = get('iface');
  const ifaces = readIpv4Interfaces().filter((i) => !i.loopback || ifaceName === i.name);
  const ifname = ifaceName ?? ifaces[0]?.name ?? '';
  const iface = ifaces.find((i) => i.name === ifname);
  if (ifaceName !== undefined && iface === undefined) throw new UsageError(`--iface: no IPv4 interface named '${ifname}'`);
  const primary = iface?.addresses[0];
  return {
    typeName,
    type,
    mac,
    arch,
    giaddr,
    requestedIp,
    userClass: get('user-class'),
    vendorClass: get('vendor-class'),
    ifname,
    serverAddress: primary?.address ?? 0,
    serverPrefix: primary?.prefix ?? 0,
  };
}

/** The DHCPv4 dry run of a server4 section. */
export async function explainDhcp4(section: ServerSection, r: Explain4Request, deps: ExplainDeps): Promise<ExplainResult> {
  const { type, mac, giaddr, requestedIp, arch, userClass, vendorClass, ifname } = r;
  const logs: string[] = [];
  const logger = createLogger({ level: 'info', format: 'logfmt', sink: { write: (l) => logs.push(l) } });
  const scratch = mkdtempSync(join(tmpdir(), 'coresmd-explain-'));
  try {
    const chain = await buildChain4(section, {
      inventory: deps.inventory,
      clock: systemClock,
      logger,
      ...deps.chain4,
      leaseFileFor: (path) => {
        const copy = join(scratch, 'leases');
        if (existsSync(path)) copyFileSync(path, copy);
        return copy;
      },
    });
    try {
      const server = new Dhcp4Server({
        handlers: chain.handlers,
        clock: systemClock,
        logger,
        pool: new BufferPool(1500, 1),
        ...(chain.serverId === undefined ? {} : { serverId: chain.serverId }),
      });
      const packet = syntheticRequest({
        type,
        mac,
        giaddr,
        requestedIp,
        ...(arch === undefined ? {} : { arch }),
        ...(userClass === undefined ? {} : { userClass }),
        ...(vendorClass === undefined ? {} : { vendorClass }),
      });
      const outcome = await server.handle(packet, {
        ifname,
        serverAddress: r.serverAddress,
        serverPrefix: r.serverPrefix,
        srcAddress: giaddr,
        srcPort: giaddr === 0 ? 68 : 67,
        broadcast: giaddr === 0,
      });
      const report = {
        request: { type: r.typeName.toUpperCase(), mac, giaddr: formatIPv4(giaddr), arch: arch ?? null, userClass: userClass ?? null, iface: ifname || null },
        ...describeReply(outcome),
        log: logs.map((l) => l.trim()).filter((l) => !l.includes('bootloop leases loaded')),
      };
      if (outcome.kind === 'reply') outcome.release();
      return { report, replied: outcome.kind === 'reply' };
    } finally {
      await chain.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The modified EUI-64 link-local address of a MAC (RFC 4291 Appendix A), as a client forms it. */
function eui64LinkLocal(mac: string): Uint8Array {
  const m = macToBytes(mac)!;
  return Uint8Array.of(0xfe, 0x80, 0, 0, 0, 0, 0, 0, m[0]! ^ 2, m[1]!, m[2]!, 0xff, 0xfe, m[3]!, m[4]!, m[5]!);
}

/** A checked DHCPv6 explain request, ready to run. */
export interface Explain6Request {
  readonly typeName: string;
  readonly type: number;
  readonly mac: string | undefined;
  readonly duid: Uint8Array | undefined;
  readonly arch: number | undefined;
  readonly relay: Uint8Array | undefined;
  readonly address: Uint8Array | undefined;
  readonly userClass: string | undefined;
  readonly vendorClass: string | undefined;
  readonly rapidCommit: boolean;
  readonly iface: Ipv6Interface | undefined;
  /** The client's source: its EUI-64 link-local address (fe80::1 without a MAC). */
  readonly src: Uint8Array;
}

/** Checks the inputs of `explain --v6`; throws UsageError for bad input. */
export function parseExplain6(get: ExplainInputs): Explain6Request {
  const mac = macInput(get);
  const duidText = get('duid');
  const duid = duidText === undefined ? (mac === undefined ? undefined : parseDuid(`LL ${mac}`)) : parseDuid(duidText);
  if (duidText !== undefined && duid === undefined) throw new UsageError(`--duid: not a DUID: '${duidText}' (LL <mac>, LLT <mac>, EN <n> <hex>, UUID <uuid> or hex)`);
  const typeName = (get('type') ?? 'solicit').toLowerCase();
  const type = TYPES6[typeName];
  if (type === undefined) throw new UsageError(`--type with --v6 must be one of ${Object.keys(TYPES6).join(', ')}`);
  if (duid === undefined && type !== Dhcp6MessageType.InformationRequest) throw new UsageError('--v6 needs --mac MAC or --duid DUID');
  const arch = archInput(get);
  const relay = ipv6Input(get, 'relay');
  const address = ipv6Input(get, 'requested-ip');
  const interfaces = readIpv6Interfaces();
  const ifname = get('iface');
  const src = mac === undefined ? parseIPv6('fe80::1')! : eui64LinkLocal(mac);
  const iface =
    ifname !== undefined
      ? interfaces.find((i) => i.name === ifname)
      : relay !== undefined
        ? interfaceOfSource(interfaces, formatIPv6(relay))
        : multicastInterfaces(interfaces)[0];
  if (ifname !== undefined && iface === undefined) throw new UsageError(`--iface: no IPv6 interface named '${ifname}'`);
  return {
    typeName,
    type,
    mac,
    duid,
    arch,
    relay,
    address,
    userClass: get('user-class'),
    vendorClass: get('vendor-class'),
    rapidCommit: get('rapid-commit') !== undefined,
    iface,
    src,
  };
}

/** The DHCPv6 dry run of a server6 section. */
export async function explainDhcp6(section: ServerSection, r: Explain6Request, deps: ExplainDeps): Promise<ExplainResult> {
  const { type, mac, duid, arch, relay, address, userClass, vendorClass, iface, src } = r;
  const interfaces = readIpv6Interfaces();
  const logs: string[] = [];
  const logger = createLogger({ level: 'info', format: 'logfmt', sink: { write: (l) => logs.push(l) } });
  const chain = buildChain6(section, { inventory: deps.inventory, clock: systemClock, logger, ...deps.chain6 });
  try {
    const serverDuid = chain.serverDuid ?? defaultServerDuid(interfaces, iface === undefined ? [] : [iface.name]) ?? parseDuid('LL 02:00:00:00:00:01')!;
    const server = new Dhcp6Server({ handlers: chain.handlers, serverDuid, clock: systemClock, logger, pool: new BufferPool(4096, 1) });
    const packet = syntheticRequest6({
      type,
      duid,
      serverDuid,
      ...(address === undefined ? {} : { address }),
      ...(arch === undefined ? {} : { arch }),
      ...(userClass === undefined ? {} : { userClass }),
      ...(vendorClass === undefined ? {} : { vendorClass }),
      ...(r.rapidCommit ? { rapidCommit: true } : {}),
      ...(relay === undefined ? {} : { relay: { linkAddress: relay, peerAddress: src } }),
    });
    const name = iface?.name ?? '';
    const srcText = relay !== undefined ? formatIPv6(relay) : `${formatIPv6(src)}${name === '' ? '' : `%${name}`}`;
    const outcome = await server.handle(packet, { ifname: name, srcAddress: srcText, srcPort: relay === undefined ? 546 : 547, serverAddresses: iface?.addresses ?? [] });
    const report = {
      request: {
        type: r.typeName.toUpperCase(),
        duid: duid === undefined ? null : formatDuid(duid),
        mac: mac ?? null,
        relay: relay === undefined ? null : formatIPv6(relay),
        arch: arch ?? null,
        userClass: userClass ?? null,
        iface: name || null,
        serverDuid: formatDuid(serverDuid),
      },
      ...describeReply6(outcome),
      log: logs.map((l) => l.trim()),
    };
    if (outcome.kind === 'reply') outcome.release();
    return { report, replied: outcome.kind === 'reply' };
  } finally {
    await chain.close();
  }
}
