// Loading a coredhcp config for a command: on errors, every error (and the warnings seen so
// far) is printed with its file:line:col and the command exits 1 without starting anything.
import type { CliIo } from './command.ts';
import { ConfigErrors } from '../config/config-error.ts';
import { readCoredhcpConfigFile, type CoredhcpConfig } from '../config/coredhcp-config.ts';

export function loadConfigOrReport(file: string, io: CliIo): CoredhcpConfig | undefined {
  try {
    return readCoredhcpConfigFile(file);
  } catch (e) {
    if (!(e instanceof ConfigErrors)) throw e;
    for (const err of e.errors) io.err(`error: ${String(err)}\n`);
    for (const w of e.warnings) io.err(`warning: ${String(w)}\n`);
    io.err(`${file}: ${e.errors.length} error(s); the configuration is not valid\n`);
    return undefined;
  }
}
