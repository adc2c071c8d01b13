// `coresmd dhcp -c FILE`: the DHCP server from a coredhcp-style config, as the original's
// `coredhcp -c FILE` (a link named `coredhcp` runs this command). The running appliance of
// `coresmd serve` with only the DHCP file: SIGHUP reloads, SIGTERM drains (src/app/serve/).
import { flag, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { ADMIN_FLAG, adminListenFlag, LOG_FLAGS, loggerFromFlags } from '../serve/cli-flags.ts';
import { runAppliance } from '../serve/run-appliance.ts';
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
    ...LOG_FLAGS,
    { name: 'no-raw-socket', help: 'use only node:dgram (single-interface hosts)' },
    ADMIN_FLAG,
  ],
  details: 'SIGHUP reloads the config (an invalid one is rejected and the running one keeps serving); SIGTERM drains and exits. See `coresmd serve --help`.',
  async run(args, io) {
    if (flag(args, 'plugins') !== undefined) {
      for (const p of DHCP_PLUGINS) io.out(`${p.name.padEnd(14)} ${p.families.padEnd(6)} ${p.summary}\n`);
      return 0;
    }
    const file = flag(args, 'conf');
    if (file === undefined) throw new UsageError('missing -c FILE');
    const logger = loggerFromFlags(args, io);
    return runAppliance({
      files: { dhcp: file },
      io,
      logger,
      clock: systemClock,
      env: process.env,
      rawSocket: flag(args, 'no-raw-socket') === undefined ? 'auto' : 'off',
      adminListen: adminListenFlag(args),
    });
  },
};
