// `coresmd dns -conf FILE`: the DNS server from a Corefile, as the original's `coredns -conf
// FILE` (a link named `coredns` runs this command). Flags follow CoreDNS: `-conf`, `-dns.port`,
// `-plugins`, `-quiet`; without `-conf`, `./Corefile` is read as CoreDNS does.
import { existsSync } from 'node:fs';
import { flag, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { DNS_DEFAULT_PORT } from '../dns/corefile-config.ts';
import { DNS_DIRECTIVES } from '../dns/directives.ts';
import { ADMIN_FLAG, adminListenFlag, LOG_FLAGS, loggerFromFlags, parsePort } from '../serve/cli-flags.ts';
import { runAppliance } from '../serve/run-appliance.ts';
import { systemClock } from '../../seams/clock.ts';

export const dnsCommand: Command = {
  name: 'dns',
  summary: 'run the DNS server from a Corefile (A, AAAA and PTR from SMD)',
  usage: '-conf FILE',
  flags: [
    { name: 'conf', aliases: ['c', 'config'], value: 'FILE', help: 'the Corefile (default ./Corefile)' },
    { name: 'dns.port', value: 'PORT', help: `port of server blocks written without one (default ${DNS_DEFAULT_PORT})` },
    { name: 'plugins', help: 'list the directives and exit' },
    { name: 'quiet', help: 'no start-up banner' },
    ...LOG_FLAGS,
    ADMIN_FLAG,
  ],
  details:
    'Directives: coresmd, forward, bind, prometheus, ready, health, log, errors (see -plugins).\n' +
    'SIGUSR1 (CoreDNS) or SIGHUP reloads the Corefile; an invalid one is rejected and the running one keeps serving. SIGTERM stops.',
  async run(args, io) {
    if (flag(args, 'plugins') !== undefined) {
      for (const d of DNS_DIRECTIVES) io.out(`${d.name.padEnd(11)} ${d.summary}\n`);
      return 0;
    }
    const file = flag(args, 'conf') ?? (existsSync('Corefile') ? 'Corefile' : undefined);
    if (file === undefined) throw new UsageError('missing -conf FILE (and no ./Corefile)');
    const dnsDefaultPort = parsePort(flag(args, 'dns.port'), DNS_DEFAULT_PORT, '-dns.port');
    const logger = loggerFromFlags(args, io);
    const quiet = flag(args, 'quiet') !== undefined;
    return runAppliance({
      files: { dns: file, dnsDefaultPort },
      io,
      logger,
      clock: systemClock,
      env: process.env,
      adminListen: adminListenFlag(args),
      started: (app) => {
        if (quiet) return;
        for (const l of app.dns?.listeners ?? []) io.out(`${l.server} ${l.proto} ${l.address}:${l.port}\n`);
      },
    });
  },
};
