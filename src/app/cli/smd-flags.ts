// The flags every command that talks to SMD shares (`inventory`, later `explain` and `serve`).
import { flag, requireFlag, UsageError, type FlagSpec, type ParsedArgs } from './args.ts';
import { parseGoDuration } from '../config/duration.ts';
import { DEFAULT_SMD_TIMEOUT_MS, type SmdAccess } from '../smd-access.ts';

export const smdFlags: readonly FlagSpec[] = [
  { name: 'smd', value: 'URL', help: 'SMD base URL (http/https) or file:///path/inventory.json' },
  { name: 'ca-cert', value: 'FILE', help: 'trust only the CAs in this PEM bundle for https' },
  { name: 'token-file', value: 'FILE', help: 'bearer token for SMD, read from this file' },
  { name: 'token-env', value: 'VAR', help: 'bearer token for SMD, read from this environment variable' },
  { name: 'timeout', value: 'DURATION', help: 'per-request timeout, Go syntax (default 10s)' },
];

export function smdAccessFromFlags(args: ParsedArgs): SmdAccess {
  const timeout = flag(args, 'timeout');
  let timeoutMs = DEFAULT_SMD_TIMEOUT_MS;
  if (timeout !== undefined) {
    const d = parseGoDuration(timeout);
    if (!d.ok || d.ms <= 0) throw new UsageError(`--timeout: expected a positive duration like 10s, got '${timeout}'`);
    timeoutMs = d.ms;
  }
  const tokenFile = flag(args, 'token-file');
  const tokenEnv = flag(args, 'token-env');
  if (tokenFile !== undefined && tokenEnv !== undefined) throw new UsageError('--token-file and --token-env are exclusive');
  const caCert = flag(args, 'ca-cert');
  return {
    url: requireFlag(args, 'smd'),
    timeoutMs,
    ...(caCert === undefined ? {} : { caCert }),
    ...(tokenFile === undefined ? {} : { tokenFile }),
    ...(tokenEnv === undefined ? {} : { tokenEnv }),
  };
}
