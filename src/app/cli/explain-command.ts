// `coresmd explain -c FILE --mac MAC …`: a dry run of the DHCPv4 path for one client. It loads
// the config and the inventory exactly as `coresmd dhcp` would, feeds a synthetic request
// through the real handler chain and server core, and prints as JSON the reply that would be
// sent and which plugin and rule decided it. Nothing is sent and no lease is written: bootloop
// works on a copy of its lease file. `--v6` does the same for the server6 section, with a
// client given by MAC (DUID-LL and an EUI-64 link-local source), by DUID, or both.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, UsageError, type ParsedArgs } from './args.ts';
import type { CliIo, Command } from './command.ts';
import { loadConfigOrReport } from './load-config.ts';
import { createLogger } from '../log.ts';
import { buildChain4 } from '../dhcp/chain4.ts';
import { firstCoresmdConfig, inventoryFromConfig } from '../dhcp/shared-inventory.ts';
import { describeReply, describeReply6, syntheticRequest, syntheticRequest6 } from '../dhcp/explain.ts';
import { BufferPool } from '../../wire/pool.ts';
import { formatIPv4, formatIPv6, macToBytes, parseIPv4, parseIPv6, parseMac } from '../../wire/addr.ts';
import { systemClock } from '../../seams/clock.ts';
import { Dhcp4Server } from '../../dhcp/service/server4.ts';
import { Dhcp4MessageType } from '../../dhcp/v4/constants.ts';
import { readIpv4Interfaces } from '../../net/interfaces.ts';
import type { CoredhcpConfig } from '../config/coredhcp-config.ts';
import { buildChain6 } from '../dhcp/chain6.ts';
import { defaultServerDuid } from '../dhcp/run-dhcp6.ts';
import { Dhcp6MessageType } from '../../dhcp/v6/constants.ts';
import { formatDuid, parseDuid } from '../../dhcp/v6/duid.ts';
import { Dhcp6Server } from '../../dhcp/service/v6/server6.ts';
import { interfaceOfSource, readIpv6Interfaces } from '../../net/dhcp6-interfaces.ts';
import { multicastInterfaces } from '../../net/dhcp6-listeners.ts';

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

function ipFlag(text: string | undefined, name: string): number {
  if (text === undefined) return 0;
  const v = parseIPv4(text);
  if (v === undefined) throw new UsageError(`--${name}: not an IPv4 address: '${text}'`);
  return v;
}

export const explainCommand: Command = {
  name: 'explain',
  summary: 'dry run: print the DHCPv4 (or, with --v6, DHCPv6) reply a client would get, and which plugin and rule decided it',
  usage: '-c FILE --mac MAC [--giaddr IP] [--arch N] [--user-class S] [--iface NAME]\n       -c FILE --v6 (--mac MAC | --duid DUID) [--relay IPV6] [--arch N] [--user-class S] [--iface NAME]',
  flags: [
    { name: 'conf', aliases: ['c', 'config'], value: 'FILE', help: 'the coredhcp YAML config' },
    { name: 'mac', value: 'MAC', help: 'the client hardware address (any common form)' },
    { name: 'giaddr', value: 'IP', help: 'pretend the request came through a relay with this address' },
    { name: 'arch', value: 'N', help: 'client architecture (option 93): 0 BIOS, 7 UEFI x64, 11 ARM64, 16 x64 HTTP…' },
    { name: 'user-class', value: 'S', help: 'user class (option 77), e.g. iPXE' },
    { name: 'vendor-class', value: 'S', help: 'vendor class (option 60), e.g. PXEClient or HTTPClient' },
    { name: 'iface', value: 'NAME', help: 'the interface the request arrives on (default: the first non-loopback one)' },
    { name: 'type', value: 'TYPE', help: 'discover (default), request or inform; with --v6: solicit (default), request, confirm, renew, rebind, release, decline, information-request' },
    { name: 'requested-ip', value: 'IP', help: 'option 50, for --type request; with --v6, an address the client holds (IAADDR)' },
    { name: 'v6', help: 'explain the server6 section: a DHCPv6 request' },
    { name: 'duid', value: 'DUID', help: 'with --v6: the client DUID (LL <mac>, LLT <mac>, EN <n> <hex>, UUID <uuid> or hex); default DUID-LL of --mac' },
    { name: 'relay', value: 'IPV6', help: 'with --v6: pretend the request came through a relay whose link-address is IPV6' },
    { name: 'rapid-commit', help: 'with --v6: the SOLICIT asks for Rapid Commit' },
  ],
  details: 'Exit status: 0 a reply would be sent, 3 the request would be dropped, 1 config or SMD error, 2 bad usage.',
  async run(args, io) {
    const file = flag(args, 'conf');
    if (file === undefined) throw new UsageError('missing -c FILE');
    if (flag(args, 'v6') !== undefined) return explain6(args, io, file);
    const macText = flag(args, 'mac');
    if (macText === undefined) throw new UsageError('missing --mac MAC');
    const mac = parseMac(macText);
    if (mac === undefined) throw new UsageError(`--mac: not a MAC address: '${macText}'`);
    const type = TYPES[(flag(args, 'type') ?? 'discover').toLowerCase()];
    if (type === undefined) throw new UsageError('--type must be discover, request or inform');
    const archText = flag(args, 'arch');
    const arch = archText === undefined ? undefined : Number(archText);
    if (arch !== undefined && !(Number.isInteger(arch) && arch >= 0 && arch <= 0xffff)) throw new UsageError(`--arch: expected 0–65535, got '${archText}'`);
    const giaddr = ipFlag(flag(args, 'giaddr'), 'giaddr');
    const requestedIp = ipFlag(flag(args, 'requested-ip'), 'requested-ip');

    const logs: string[] = [];
    const logger = createLogger({ level: 'info', format: 'logfmt', sink: { write: (l) => logs.push(l) } });
    const cfg = loadConfigOrReport(file, io);
    if (cfg === undefined) return 1;
    if (cfg.server4 === undefined) {
      io.err(`${file}: no server4 section to explain\n`);
      return 1;
    }
    const ifaces = readIpv4Interfaces().filter((i) => !i.loopback || flag(args, 'iface') === i.name);
    const ifname = flag(args, 'iface') ?? ifaces[0]?.name ?? '';
    const iface = ifaces.find((i) => i.name === ifname);
    if (flag(args, 'iface') !== undefined && iface === undefined) throw new UsageError(`--iface: no IPv4 interface named '${ifname}'`);
    const primary = iface?.addresses[0];

    const coresmd = firstCoresmdConfig(cfg);
    const inventory = coresmd === undefined ? undefined : inventoryFromConfig(coresmd, { clock: systemClock, logger, env: process.env });
    if (inventory !== undefined) {
      const outcome = await inventory.refreshNow();
      if (!outcome.ok) {
        io.err(`coresmd explain: inventory: ${outcome.error.message} (${outcome.error.code})\n`);
        return 1;
      }
    }
    const scratch = mkdtempSync(join(tmpdir(), 'coresmd-explain-'));
    try {
      const chain = await buildChain4(cfg.server4, {
        inventory,
        clock: systemClock,
        logger,
        leaseFileFor: (path) => {
          const copy = join(scratch, 'leases');
          if (existsSync(path)) copyFileSync(path, copy);
          return copy;
        },
      });
      const server = new Dhcp4Server({
        handlers: chain.handlers,
        clock: systemClock,
        logger,
        pool: new BufferPool(1500, 1),
        ...(chain.serverId === undefined ? {} : { serverId: chain.serverId }),
      });
      const userClass = flag(args, 'user-class');
      const vendorClass = flag(args, 'vendor-class');
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
        serverAddress: primary?.address ?? 0,
        serverPrefix: primary?.prefix ?? 0,
        srcAddress: giaddr,
        srcPort: giaddr === 0 ? 68 : 67,
        broadcast: giaddr === 0,
      });
      const report = {
        request: { type: (flag(args, 'type') ?? 'discover').toUpperCase(), mac, giaddr: formatIPv4(giaddr), arch: arch ?? null, userClass: userClass ?? null, iface: ifname || null },
        ...describeReply(outcome),
        log: logs.map((l) => l.trim()).filter((l) => !l.includes('bootloop leases loaded')),
      };
      if (outcome.kind === 'reply') outcome.release();
      io.out(JSON.stringify(report, null, 2) + '\n');
      await chain.close();
      return outcome.kind === 'reply' ? 0 : 3;
    } finally {
      await inventory?.stop();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

function archFlag(args: ParsedArgs): number | undefined {
  const text = flag(args, 'arch');
  if (text === undefined) return undefined;
  const arch = Number(text);
  if (!(Number.isInteger(arch) && arch >= 0 && arch <= 0xffff)) throw new UsageError(`--arch: expected 0–65535, got '${text}'`);
  return arch;
}

function ipv6Flag(args: ParsedArgs, name: string): Uint8Array | undefined {
  const text = flag(args, name);
  if (text === undefined) return undefined;
  const v = parseIPv6(text);
  if (v === undefined) throw new UsageError(`--${name}: not an IPv6 address: '${text}'`);
  return v;
}

/** The modified EUI-64 link-local address of a MAC (RFC 4291 Appendix A), as a client forms it. */
function eui64LinkLocal(mac: string): Uint8Array {
  const m = macToBytes(mac)!;
  return Uint8Array.of(0xfe, 0x80, 0, 0, 0, 0, 0, 0, m[0]! ^ 2, m[1]!, m[2]!, 0xff, 0xfe, m[3]!, m[4]!, m[5]!);
}

async function explain6(args: ParsedArgs, io: CliIo, file: string): Promise<number> {
  const macText = flag(args, 'mac');
  const mac = macText === undefined ? undefined : parseMac(macText);
  if (macText !== undefined && mac === undefined) throw new UsageError(`--mac: not a MAC address: '${macText}'`);
  const duidText = flag(args, 'duid');
  const duid = duidText === undefined ? (mac === undefined ? undefined : parseDuid(`LL ${mac}`)) : parseDuid(duidText);
  if (duidText !== undefined && duid === undefined) throw new UsageError(`--duid: not a DUID: '${duidText}' (LL <mac>, LLT <mac>, EN <n> <hex>, UUID <uuid> or hex)`);
  const typeName = (flag(args, 'type') ?? 'solicit').toLowerCase();
  const type = TYPES6[typeName];
  if (type === undefined) throw new UsageError(`--type with --v6 must be one of ${Object.keys(TYPES6).join(', ')}`);
  if (duid === undefined && type !== Dhcp6MessageType.InformationRequest) throw new UsageError('--v6 needs --mac MAC or --duid DUID');
  const arch = archFlag(args);
  const relay = ipv6Flag(args, 'relay');
  const address = ipv6Flag(args, 'requested-ip');

  const logs: string[] = [];
  const logger = createLogger({ level: 'info', format: 'logfmt', sink: { write: (l) => logs.push(l) } });
  const cfg: CoredhcpConfig | undefined = loadConfigOrReport(file, io);
  if (cfg === undefined) return 1;
  if (cfg.server6 === undefined) {
    io.err(`${file}: no server6 section to explain\n`);
    return 1;
  }
  const interfaces = readIpv6Interfaces();
  const ifname = flag(args, 'iface');
  const src = mac === undefined ? parseIPv6('fe80::1')! : eui64LinkLocal(mac);
  const iface =
    ifname !== undefined
      ? interfaces.find((i) => i.name === ifname)
      : relay !== undefined
        ? interfaceOfSource(interfaces, formatIPv6(relay))
        : multicastInterfaces(interfaces)[0];
  if (ifname !== undefined && iface === undefined) throw new UsageError(`--iface: no IPv6 interface named '${ifname}'`);

  const coresmd = firstCoresmdConfig(cfg);
  const inventory = coresmd === undefined ? undefined : inventoryFromConfig(coresmd, { clock: systemClock, logger, env: process.env });
  try {
    if (inventory !== undefined) {
      const outcome = await inventory.refreshNow();
      if (!outcome.ok) {
        io.err(`coresmd explain: inventory: ${outcome.error.message} (${outcome.error.code})\n`);
        return 1;
      }
    }
    const chain = buildChain6(cfg.server6, { inventory, clock: systemClock, logger });
    const serverDuid = chain.serverDuid ?? defaultServerDuid(interfaces, iface === undefined ? [] : [iface.name]) ?? parseDuid('LL 02:00:00:00:00:01')!;
    const server = new Dhcp6Server({ handlers: chain.handlers, serverDuid, clock: systemClock, logger, pool: new BufferPool(4096, 1) });
    const userClass = flag(args, 'user-class');
    const vendorClassText = flag(args, 'vendor-class');
    const packet = syntheticRequest6({
      type,
      duid,
      serverDuid,
      ...(address === undefined ? {} : { address }),
      ...(arch === undefined ? {} : { arch }),
      ...(userClass === undefined ? {} : { userClass }),
      ...(vendorClassText === undefined ? {} : { vendorClass: vendorClassText }),
      ...(flag(args, 'rapid-commit') === undefined ? {} : { rapidCommit: true }),
      ...(relay === undefined ? {} : { relay: { linkAddress: relay, peerAddress: src } }),
    });
    const name = iface?.name ?? '';
    const srcText = relay !== undefined ? formatIPv6(relay) : `${formatIPv6(src)}${name === '' ? '' : `%${name}`}`;
    const outcome = await server.handle(packet, { ifname: name, srcAddress: srcText, srcPort: relay === undefined ? 546 : 547, serverAddresses: iface?.addresses ?? [] });
    const report = {
      request: {
        type: typeName.toUpperCase(),
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
    io.out(JSON.stringify(report, null, 2) + '\n');
    await chain.close();
    return outcome.kind === 'reply' ? 0 : 3;
  } finally {
    await inventory?.stop();
  }
}
