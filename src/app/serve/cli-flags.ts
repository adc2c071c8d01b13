// Flags the appliance commands (`serve`, `dhcp`, `dns`) share.
import { flag, UsageError, type FlagSpec, type ParsedArgs } from '../cli/args.ts';
import type { CliIo } from '../cli/command.ts';
import { createLogger, parseLogLevel } from '../log.ts';
import type { Logger } from '../../seams/logger.ts';
import { parseAdminListen } from '../admin/admin-config.ts';

export const LOG_FLAGS: readonly FlagSpec[] = [
  { name: 'loglevel', aliases: ['L', 'log-level'], value: 'LEVEL', help: 'debug, info, warning, error, none (default info)' },
  { name: 'log-format', value: 'FORMAT', help: 'json (default: one JSON object per line) or logfmt' },
];

/** `--admin-listen`: where the admin API and status page listen (src/app/admin). */
export const ADMIN_FLAG: FlagSpec = {
  name: 'admin-listen',
  value: 'ADDR:PORT',
  help: 'admin API, /metrics and status page (default 127.0.0.1:9180, or the config\'s admin: listen; off disables)',
};

/** The `--admin-listen` value, checked (a bad one is a usage error, exit 2). */
export function adminListenFlag(args: ParsedArgs): string | undefined {
  const text = flag(args, 'admin-listen');
  if (text === undefined) return undefined;
  const parsed = parseAdminListen(text);
  if (typeof parsed === 'string') throw new UsageError(`--admin-listen: ${parsed}`);
  return text;
}

/** The structured logger the flags ask for, writing to stderr (journald keeps it). */
export function loggerFromFlags(args: ParsedArgs, io: CliIo): Logger {
  const level = parseLogLevel(flag(args, 'loglevel') ?? 'info');
  if (level === undefined) throw new UsageError(`unknown log level '${flag(args, 'loglevel')}'`);
  const format = flag(args, 'log-format') ?? 'json';
  if (format !== 'json' && format !== 'logfmt') throw new UsageError('--log-format must be json or logfmt');
  return createLogger({ level, format, sink: { write: (l) => io.err(l) } });
}

/** A port flag (`--dns.port`, `-dns.port`): 1-65535, `fallback` when absent. */
export function parsePort(text: string | undefined, fallback: number, name: string): number {
  const port = text === undefined ? fallback : Number(text);
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw new UsageError(`${name} must be 1-65535, got '${text}'`);
  return port;
}
