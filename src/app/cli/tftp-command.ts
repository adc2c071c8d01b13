// `coresmd tftp --root DIR [--listen ADDR:PORT] [--listen6 ADDR] [--single-port]`: the TFTP server alone, the
// same one `coresmd dhcp` starts from the coresmd plugin's tftp_dir/tftp_port/single_port.
import { flag, parseHostPort, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { createLogger, parseLogLevel } from '../log.ts';
import { untilStopSignal } from '../signals.ts';
import { DEFAULT_MAX_TRANSFERS, DEFAULT_TFTP_FALLBACK_DESCRIPTION, startTftp } from '../tftp/start-tftp.ts';
import { systemClock } from '../../seams/clock.ts';
import { parseIPv6 } from '../../wire/addr.ts';

/** `::1`, `::`, or a link-local address with its zone (`fe80::1%eth0`). */
const isIP6 = (text: string): boolean => parseIPv6(text.replace(/%[^%]+$/, '')) !== undefined;

function positiveInt(text: string, flagName: string, max: number): number {
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new UsageError(`--${flagName} must be an integer from 1 to ${max}, got '${text}'`);
  return n;
}

export const tftpCommand: Command = {
  name: 'tftp',
  summary: 'run the read-only TFTP server (iPXE binaries, the reboot script) on its own',
  usage: '--root DIR [--listen ADDR:PORT] [--listen6 ADDR] [--single-port] [--max-transfers N]',
  flags: [
    { name: 'root', value: 'DIR', help: `directory to serve (coresmd tftp_dir); when missing, ${DEFAULT_TFTP_FALLBACK_DESCRIPTION} is served` },
    { name: 'listen', value: 'ADDR:PORT', help: 'where to listen (default 0.0.0.0:69: every local IPv4 address)' },
    { name: 'listen6', value: 'ADDR', help: 'also listen on this IPv6 address, on the same port (:: for every local IPv6 address)' },
    { name: 'single-port', help: 'run every transfer on the listening port (NAT, containers; coresmd single_port)' },
    { name: 'max-transfers', value: 'N', help: `concurrent transfers; requests beyond are dropped until one ends (default ${DEFAULT_MAX_TRANSFERS})` },
    { name: 'timeout', value: 'SECONDS', help: 'retransmission timeout when the client asks for none (default 1)' },
    { name: 'log-level', aliases: ['loglevel'], value: 'LEVEL', help: 'debug, info, warn, error (default info)' },
    { name: 'log-format', value: 'FORMAT', help: 'logfmt (default) or json' },
  ],
  details: [
    'Serves read requests in octet and netascii mode with blksize, tsize, timeout and windowsize',
    '(RFC 2347-2349, 7440). The name `default` is always the built-in `#!ipxe reboot` script, and',
    '`autoexec.ipxe` without a file is an empty file (EFI iPXE then boots as if it had none).',
    'Names with `..`, a leading `/`, a backslash or NUL, and symlinks out of the root get error 2.',
  ].join('\n'),
  async run(args, io) {
    const root = flag(args, 'root');
    if (root === undefined) throw new UsageError('missing --root DIR');
    const listen = parseHostPort(flag(args, 'listen') ?? '0.0.0.0:69', '0.0.0.0');
    const maxTransfersText = flag(args, 'max-transfers');
    const maxTransfers = maxTransfersText === undefined ? DEFAULT_MAX_TRANSFERS : positiveInt(maxTransfersText, 'max-transfers', 65535);
    const timeoutText = flag(args, 'timeout');
    const timeoutS = timeoutText === undefined ? undefined : positiveInt(timeoutText, 'timeout', 255);
    const level = parseLogLevel(flag(args, 'log-level') ?? 'info');
    if (level === undefined) throw new UsageError(`unknown log level '${flag(args, 'log-level')}'`);
    const format = flag(args, 'log-format') ?? 'logfmt';
    if (format !== 'json' && format !== 'logfmt') throw new UsageError('--log-format must be json or logfmt');
    const logger = createLogger({ level, format, sink: { write: (l) => io.err(l) } });
    const singlePort = flag(args, 'single-port') !== undefined;
    const host6 = flag(args, 'listen6');
    if (host6 !== undefined && !isIP6(host6)) throw new UsageError(`--listen6 expects an IPv6 address, not '${host6}'`);

    let tftp;
    try {
      tftp = await startTftp({
        root,
        listen,
        singlePort,
        ...(host6 === undefined ? {} : { host6 }),
        maxTransfers,
        logger,
        clock: systemClock,
        ...(timeoutS === undefined ? {} : { defaultTimeoutMs: timeoutS * 1000 }),
      });
    } catch (e) {
      io.err(`coresmd tftp: ${(e as Error).message}\n`);
      return 1;
    }
    // Listen for the stop signal before announcing readiness, so a stop right after the banner works.
    const stopped = untilStopSignal();
    const at = tftp.endpoints.map((e) => (e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`)).join(' ');
    io.out(`tftp listening on ${at} (root ${root}${singlePort ? ', single port' : ''})\n`);
    const sig = await stopped;
    logger.info('stopping', { signal: sig });
    await tftp.close();
    return 0;
  },
};
