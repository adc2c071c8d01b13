// `coresmd explain -c FILE --mac MAC …`: a dry run of the DHCPv4 path for one client. It loads
// the config and the inventory exactly as `coresmd dhcp` would, feeds a synthetic request
// through the real handler chain and server core, and prints as JSON the reply that would be
// sent and which plugin and rule decided it. Nothing is sent and no lease is written: bootloop
// works on a copy of its lease file.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { loadConfigOrReport } from './load-config.ts';
import { createLogger } from '../log.ts';
import { buildChain4 } from '../dhcp/chain4.ts';
import { firstCoresmdConfig, inventoryFromConfig } from '../dhcp/shared-inventory.ts';
import { describeReply, syntheticRequest } from '../dhcp/explain.ts';
import { BufferPool } from '../../wire/pool.ts';
import { formatIPv4, parseIPv4, parseMac } from '../../wire/addr.ts';
import { systemClock } from '../../seams/clock.ts';
import { Dhcp4Server } from '../../dhcp/service/server4.ts';
import { Dhcp4MessageType } from '../../dhcp/v4/constants.ts';
import { readIpv4Interfaces } from '../../net/interfaces.ts';

const TYPES: Readonly<Record<string, number>> = { discover: Dhcp4MessageType.Discover, request: Dhcp4MessageType.Request, inform: Dhcp4MessageType.Inform };

function ipFlag(text: string | undefined, name: string): number {
  if (text === undefined) return 0;
  const v = parseIPv4(text);
  if (v === undefined) throw new UsageError(`--${name}: not an IPv4 address: '${text}'`);
  return v;
}

export const explainCommand: Command = {
  name: 'explain',
  summary: 'dry run: print the DHCPv4 reply a client would get, and which plugin and rule decided it',
  usage: '-c FILE --mac MAC [--giaddr IP] [--arch N] [--user-class S] [--iface NAME]',
  flags: [
    { name: 'conf', aliases: ['c', 'config'], value: 'FILE', help: 'the coredhcp YAML config' },
    { name: 'mac', value: 'MAC', help: 'the client hardware address (any common form)' },
    { name: 'giaddr', value: 'IP', help: 'pretend the request came through a relay with this address' },
    { name: 'arch', value: 'N', help: 'client architecture (option 93): 0 BIOS, 7 UEFI x64, 11 ARM64, 16 x64 HTTP…' },
    { name: 'user-class', value: 'S', help: 'user class (option 77), e.g. iPXE' },
    { name: 'vendor-class', value: 'S', help: 'vendor class (option 60), e.g. PXEClient or HTTPClient' },
    { name: 'iface', value: 'NAME', help: 'the interface the request arrives on (default: the first non-loopback one)' },
    { name: 'type', value: 'TYPE', help: 'discover (default), request or inform' },
    { name: 'requested-ip', value: 'IP', help: 'option 50, for --type request' },
  ],
  details: 'Exit status: 0 a reply would be sent, 3 the request would be dropped, 1 config or SMD error, 2 bad usage.',
  async run(args, io) {
    const file = flag(args, 'conf');
    if (file === undefined) throw new UsageError('missing -c FILE');
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
