// `coresmd dns -conf FILE`: the DNS server from a Corefile, as the original's `coredns -conf
// FILE` (a link named `coredns` runs this command). Flags follow CoreDNS: `-conf`, `-dns.port`,
// `-plugins`, `-quiet`; without `-conf`, `./Corefile` is read as CoreDNS does.
import { existsSync } from 'node:fs';
import { flag, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { createLogger, parseLogLevel } from '../log.ts';
import { untilStopSignal } from '../signals.ts';
import { ConfigErrors } from '../config/config-error.ts';
import { readCorefile, DNS_DEFAULT_PORT } from '../dns/corefile-config.ts';
import { DNS_DIRECTIVES } from '../dns/directives.ts';
import { DnsStartError, startDns } from '../dns/start-dns.ts';
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
    { name: 'loglevel', aliases: ['L', 'log-level'], value: 'LEVEL', help: 'debug, info, warning, error, none (default info)' },
    { name: 'log-format', value: 'FORMAT', help: 'json (default) or logfmt' },
  ],
  details: 'Directives: coresmd, forward, bind, prometheus, ready, health, log, errors (see -plugins).',
  async run(args, io) {
    if (flag(args, 'plugins') !== undefined) {
      for (const d of DNS_DIRECTIVES) io.out(`${d.name.padEnd(11)} ${d.summary}\n`);
      return 0;
    }
    const file = flag(args, 'conf') ?? (existsSync('Corefile') ? 'Corefile' : undefined);
    if (file === undefined) throw new UsageError('missing -conf FILE (and no ./Corefile)');
    const portText = flag(args, 'dns.port');
    const defaultPort = portText === undefined ? DNS_DEFAULT_PORT : Number(portText);
    if (!(Number.isInteger(defaultPort) && defaultPort >= 1 && defaultPort <= 65535)) throw new UsageError(`-dns.port must be 1-65535, got '${portText}'`);
    const level = parseLogLevel(flag(args, 'loglevel') ?? 'info');
    if (level === undefined) throw new UsageError(`unknown log level '${flag(args, 'loglevel')}'`);
    const format = flag(args, 'log-format') ?? 'json';
    if (format !== 'json' && format !== 'logfmt') throw new UsageError('--log-format must be json or logfmt');
    const logger = createLogger({ level, format, sink: { write: (l) => io.err(l) } });

    let config;
    try {
      config = readCorefile(file, { env: process.env, defaultPort });
    } catch (e) {
      if (!(e instanceof ConfigErrors)) throw e;
      for (const err of e.errors) io.err(`error: ${String(err)}\n`);
      for (const w of e.warnings) io.err(`warning: ${String(w)}\n`);
      io.err(`${file}: ${e.errors.length} error(s); the configuration is not valid\n`);
      return 1;
    }
    for (const w of config.warnings) logger.warn(String(w));
    // Listen for the stop signal before announcing readiness, so a stop right after it works.
    const stopped = untilStopSignal();
    let dns;
    try {
      dns = await startDns({ config, logger, clock: systemClock, env: process.env });
    } catch (e) {
      if (!(e instanceof DnsStartError)) throw e;
      io.err(`error: ${e.message}\n`);
      return 1;
    }
    if (flag(args, 'quiet') === undefined) {
      for (const l of dns.listeners) io.out(`${l.server} ${l.proto} ${l.address}:${l.port}\n`);
    }
    const sig = await stopped;
    logger.info('stopping', { signal: sig });
    await dns.close();
    return 0;
  },
};
