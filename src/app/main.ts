// `coresmd` entry: dispatches subcommands. Every command is listed here, in help order.
import { formatFlags, parseArgs, UsageError } from './cli/args.ts';
import type { CliIo, Command } from './cli/command.ts';
import { appVersion } from './version.ts';
import { checkCommand } from './cli/check-command.ts';
import { demoCommand } from './cli/demo-command.ts';
import { dhcpCommand } from './cli/dhcp-command.ts';
import { dnsCommand } from './cli/dns-command.ts';
import { explainCommand } from './cli/explain-command.ts';
import { inventoryCommand } from './cli/inventory-command.ts';
import { serveCommand } from './cli/serve-command.ts';
import { smdSimCommand } from './cli/smd-sim-command.ts';
import { tftpCommand } from './cli/tftp-command.ts';

const commands: readonly Command[] = [serveCommand, dhcpCommand, dnsCommand, tftpCommand, explainCommand, checkCommand, inventoryCommand, smdSimCommand, demoCommand];

/** The original binaries' names: a link named `coredhcp` behaves as `coresmd dhcp`. */
const aliasCommands: Readonly<Record<string, string>> = { coredhcp: 'dhcp', coredns: 'dns' };

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

export function topUsage(cmds: readonly Command[] = commands): string {
  const width = Math.max(...cmds.map((c) => c.name.length), 7);
  return [
    'coresmd: network boot appliance for HPC clusters (DHCP, TFTP, iPXE and DNS from OpenCHAMI SMD)',
    '',
    'Usage: coresmd COMMAND [flags]',
    '',
    'Commands:',
    ...cmds.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'version'.padEnd(width)}  print the version`,
    '',
    'Run `coresmd COMMAND --help` for the flags of a command.',
    '',
  ].join('\n');
}

export function commandUsage(c: Command): string {
  const flags = formatFlags([...c.flags, { name: 'help', aliases: ['h'], help: 'show this help' }]);
  return `Usage: coresmd ${c.name} ${c.usage}\n\n${c.summary}\n\nFlags:\n${flags}\n${c.details === undefined ? '' : `\n${c.details}\n`}`;
}

export async function main(argv: readonly string[], invokedAs = 'coresmd', io: CliIo = processIo, cmds: readonly Command[] = commands): Promise<number> {
  const alias = aliasCommands[invokedAs];
  const args = alias === undefined ? argv : [alias, ...argv];
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(topUsage(cmds));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(`coresmd ${appVersion}\n`);
    return 0;
  }
  const cmd = cmds.find((c) => c.name === name);
  if (cmd === undefined) {
    io.err(`coresmd: unknown command '${name}'\n\n${topUsage(cmds)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h') || rest.includes('-help')) {
    io.out(commandUsage(cmd));
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs(rest, cmd.flags);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`coresmd ${cmd.name}: ${e.message}\n\n${commandUsage(cmd)}`);
      return 2;
    }
    throw e;
  }
  try {
    return await cmd.run(parsed, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`coresmd ${cmd.name}: ${e.message}\n\n${commandUsage(cmd)}`);
      return 2;
    }
    throw e;
  }
}
