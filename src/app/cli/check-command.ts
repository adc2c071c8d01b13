// `coresmd check -c FILE`: load a config the way `coresmd dhcp` would, print the effective
// configuration and every warning, and exit non-zero on any error.
import { flag, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { loadConfigOrReport } from './load-config.ts';
import { formatCoredhcpConfig } from '../config/format-config.ts';
import { checkRuntime } from '../config/runtime-checks.ts';

export const checkCommand: Command = {
  name: 'check',
  summary: 'validate a coredhcp-style config and print the effective configuration',
  usage: '-c FILE',
  flags: [{ name: 'conf', aliases: ['c', 'config'], value: 'FILE', help: 'the coredhcp YAML config (server4/server6)' }],
  details: 'Errors and warnings name file:line:col and the key. Exit status: 0 valid, 1 invalid, 2 bad usage.',
  async run(args, io) {
    const file = flag(args, 'conf') ?? args.positionals[0];
    if (file === undefined) throw new UsageError('missing -c FILE');
    const cfg = loadConfigOrReport(file, io);
    if (cfg === undefined) return 1;
    const findings = checkRuntime(cfg, { env: process.env });
    io.out(formatCoredhcpConfig(cfg));
    for (const w of cfg.warnings) io.err(`warning: ${String(w)}\n`);
    for (const f of findings) io.err(`${f.level}: ${f.text}\n`);
    const errors = findings.filter((f) => f.level === 'error').length;
    if (errors > 0) {
      io.err(`${file}: ${errors} error(s) found outside the file; the configuration cannot start\n`);
      return 1;
    }
    io.err(`${file}: valid (${cfg.warnings.length + findings.length} warning(s))\n`);
    return 0;
  },
};
