// What `coresmd serve`, `coresmd dhcp` and `coresmd dns` do once their flags are read: load and
// validate the config files (every error with file:line:col, exit 1, nothing started), start the
// appliance, then serve until asked to stop, reloading on SIGHUP (SIGUSR1 too), draining on
// SIGTERM (and SIGINT), exit 0.
import type { CliIo } from '../cli/command.ts';
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import { Appliance } from './appliance.ts';
import { loadServeConfig, type Env, type ServeFiles } from './serve-config.ts';
import { processSignals, type SignalSource } from './signal-source.ts';

export interface RunApplianceOptions {
  readonly files: ServeFiles;
  readonly io: CliIo;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly env: Env;
  readonly rawSocket?: 'auto' | 'off';
  readonly bootHost?: string;
  readonly drainTimeoutMs?: number;
  /** Process signals by default. */
  readonly signals?: SignalSource;
  /** Called once everything listens (the `coredns` start-up lines). */
  readonly started?: (app: Appliance) => void;
}

export async function runAppliance(o: RunApplianceOptions): Promise<number> {
  const { io, logger } = o;
  const loaded = loadServeConfig(o.files, o.env);
  if (!loaded.ok) {
    for (const f of loaded.failures) for (const e of f.errors) io.err(`error: ${e}\n`);
    for (const w of loaded.warnings) io.err(`warning: ${w}\n`);
    for (const f of loaded.failures) {
      const n = f.errors.length;
      io.err(f.runtime ? `${f.file}: ${n} error(s) found outside the file; the configuration cannot start\n` : `${f.file}: ${n} error(s); the configuration is not valid\n`);
    }
    return 1;
  }
  // Signals are queued from before the start, so a stop right after the start-up lines works.
  const signals = o.signals ?? processSignals();
  let app: Appliance;
  try {
    app = await Appliance.start(loaded.config, {
      logger,
      clock: o.clock,
      env: o.env,
      ...(o.rawSocket === undefined ? {} : { rawSocket: o.rawSocket }),
      ...(o.bootHost === undefined ? {} : { bootHost: o.bootHost }),
      ...(o.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: o.drainTimeoutMs }),
    });
  } catch (e) {
    signals.close();
    logger.error('cannot start', { error: e instanceof Error ? e.message : String(e) });
    return 1;
  }
  o.started?.(app);
  logger.info('ready', { dhcp: o.files.dhcp, dns: o.files.dns, pid: process.pid });
  for (;;) {
    const r = await signals.next();
    if (r.action === 'stop') {
      logger.info('stopping', { signal: r.signal });
      break;
    }
    logger.info('reload requested', { signal: r.signal });
    await app.reload();
  }
  const { drained } = await app.stop();
  signals.close();
  logger.info('stopped', { drained });
  return 0;
}
