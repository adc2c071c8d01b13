// `coresmd explain -c FILE --mac MAC …`: a dry run of the DHCPv4 path for one client. It loads
// the config and the inventory exactly as `coresmd dhcp` would, feeds a synthetic request
// through the real handler chain and server core, and prints as JSON the reply that would be
// sent and which plugin and rule decided it. Nothing is sent and no lease is written: bootloop
// works on a copy of its lease file. `--v6` does the same for the server6 section, with a
// client given by MAC (DUID-LL and an EUI-64 link-local source), by DUID, or both.
import { flag, UsageError } from './args.ts';
import type { CliIo, Command } from './command.ts';
import { loadConfigOrReport } from './load-config.ts';
import { explainDhcp4, explainDhcp6, parseExplain4, parseExplain6, type ExplainInputs, type ExplainResult } from './explain-dry-run.ts';
import { createLogger } from '../log.ts';
import { firstCoresmdConfig, inventoryFromConfig } from '../dhcp/shared-inventory.ts';
import { systemClock } from '../../seams/clock.ts';
import type { CoredhcpConfig, ServerSection } from '../config/coredhcp-config.ts';

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
    const get: ExplainInputs = (name) => flag(args, name);
    if (flag(args, 'v6') !== undefined) {
      const req = parseExplain6(get);
      return dryRun(file, io, 'server6', (section, inventory) => explainDhcp6(section, req, { inventory }));
    }
    const req = parseExplain4(get);
    return dryRun(file, io, 'server4', (section, inventory) => explainDhcp4(section, req, { inventory }));
  },
};

/** Loads the config and the inventory as `coresmd dhcp` would, runs `explain` and prints its report. */
async function dryRun(
  file: string,
  io: CliIo,
  key: 'server4' | 'server6',
  explain: (section: ServerSection, inventory: ReturnType<typeof inventoryFromConfig> | undefined) => Promise<ExplainResult>,
): Promise<number> {
  const cfg: CoredhcpConfig | undefined = loadConfigOrReport(file, io);
  if (cfg === undefined) return 1;
  const section = cfg[key];
  if (section === undefined) {
    io.err(`${file}: no ${key} section to explain\n`);
    return 1;
  }
  const coresmd = firstCoresmdConfig(cfg);
  const logger = createLogger({ level: 'none', format: 'logfmt', sink: { write: () => {} } });
  const inventory = coresmd === undefined ? undefined : inventoryFromConfig(coresmd, { clock: systemClock, logger, env: process.env });
  try {
    if (inventory !== undefined) {
      const outcome = await inventory.refreshNow();
      if (!outcome.ok) {
        io.err(`coresmd explain: inventory: ${outcome.error.message} (${outcome.error.code})\n`);
        return 1;
      }
    }
    const { report, replied } = await explain(section, inventory);
    io.out(JSON.stringify(report, null, 2) + '\n');
    return replied ? 0 : 3;
  } finally {
    await inventory?.stop();
  }
}
