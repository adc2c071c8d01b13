// `coresmd dhcp -c FILE`: the DHCP server from a coredhcp-style config, as the original's
// `coredhcp -c FILE` (a link named `coredhcp` runs this command).
import { flag, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { loadConfigOrReport } from './load-config.ts';
import { createLogger, parseLogLevel } from '../log.ts';
import { untilStopSignal } from '../signals.ts';
import { firstCoresmdConfig, inventoryFromConfig } from '../dhcp/shared-inventory.ts';
import { startDhcp4 } from '../dhcp/run-dhcp4.ts';
import { startBootServers } from '../dhcp/boot-servers.ts';
import { systemClock } from '../../seams/clock.ts';

/** The plugins `coresmd dhcp` knows, in the order `--plugins` lists them. */
export const DHCP_PLUGINS: readonly { name: string; families: string; summary: string }[] = [
  { name: 'server_id', families: 'v4 v6', summary: 'server identifier (v4 address or v6 DUID)' },
  { name: 'dns', families: 'v4 v6', summary: 'DNS servers (option 6 / 23)' },
  { name: 'router', families: 'v4', summary: 'routers (option 3)' },
  { name: 'netmask', families: 'v4', summary: 'subnet mask (option 1)' },
  { name: 'lease_time', families: 'v4', summary: 'default lease time for the plugins after it' },
  { name: 'searchdomains', families: 'v4 v6', summary: 'domain search list (option 119 / 24)' },
  { name: 'mtu', families: 'v4', summary: 'interface MTU (option 26)' },
  { name: 'file', families: 'v4 v6', summary: 'static MAC-to-IP leases from a hosts file' },
  { name: 'coresmd', families: 'v4 v6', summary: 'leases, hostnames and boot files from SMD, with rules' },
  { name: 'bootloop', families: 'v4', summary: 'temporary leases and a reboot script for MACs SMD does not know' },
];

export const dhcpCommand: Command = {
  name: 'dhcp',
  summary: 'run the DHCP server from a coredhcp-style YAML config',
  usage: '-c FILE',
  flags: [
    { name: 'conf', aliases: ['c', 'config'], value: 'FILE', help: 'the coredhcp YAML config (server4/server6)' },
    { name: 'plugins', aliases: ['P'], help: 'list the plugins and exit' },
    { name: 'loglevel', aliases: ['L', 'log-level'], value: 'LEVEL', help: 'debug, info, warning, error, none (default info)' },
    { name: 'log-format', value: 'FORMAT', help: 'json (default) or logfmt' },
    { name: 'no-raw-socket', help: 'use only node:dgram (single-interface hosts)' },
  ],
  async run(args, io) {
    if (flag(args, 'plugins') !== undefined) {
      for (const p of DHCP_PLUGINS) io.out(`${p.name.padEnd(14)} ${p.families.padEnd(6)} ${p.summary}\n`);
      return 0;
    }
    const file = flag(args, 'conf');
    if (file === undefined) throw new UsageError('missing -c FILE');
    const level = parseLogLevel(flag(args, 'loglevel') ?? 'info');
    if (level === undefined) throw new UsageError(`unknown log level '${flag(args, 'loglevel')}'`);
    const format = flag(args, 'log-format') ?? 'json';
    if (format !== 'json' && format !== 'logfmt') throw new UsageError(`--log-format must be json or logfmt`);
    const logger = createLogger({ level, format, sink: { write: (l) => io.err(l) } });

    const cfg = loadConfigOrReport(file, io);
    if (cfg === undefined) return 1;
    for (const w of cfg.warnings) logger.warn(String(w));
    const stopped = untilStopSignal();

    const coresmd = firstCoresmdConfig(cfg);
    const inventory = coresmd === undefined ? undefined : inventoryFromConfig(coresmd, { clock: systemClock, logger, env: process.env });
    await inventory?.start();
    const closers: (() => Promise<void>)[] = [];
    try {
      // TFTP (and HTTP boot) start with the coresmd plugin, as in the original (spec §2.2).
      const boot = coresmd === undefined ? undefined : await startBootServers(coresmd, { host: '0.0.0.0', logger, clock: systemClock });
      if (boot !== undefined) closers.push(boot.close);
      if (cfg.server4 !== undefined) {
        const v4 = await startDhcp4(cfg.server4, {
          inventory,
          clock: systemClock,
          logger,
          rawSocket: flag(args, 'no-raw-socket') === undefined ? 'auto' : 'off',
          httpBootBase: boot?.httpBootBase,
        });
        closers.push(v4.close);
        const eps = v4.transport.endpoints.map((e) => `${e.address}:${e.port}`).join(' ');
        logger.info('DHCPv4 listening', { mode: v4.transport.mode, interfaces: v4.transport.interfaces.join(',') || '-', endpoints: eps });
      }
      if (cfg.server6 !== undefined) logger.warn('server6 is not served yet by this build; the DHCPv6 issue adds it');
    } catch (e) {
      logger.error('cannot start DHCP', { error: (e as Error).message });
      for (const c of closers.reverse()) await c();
      await inventory?.stop();
      return 1;
    }
    const sig = await stopped;
    logger.info('stopping', { signal: sig });
    for (const c of closers.reverse()) await c();
    await inventory?.stop();
    return 0;
  },
};
