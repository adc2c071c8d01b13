// What `coresmd serve`, `coresmd dhcp` and `coresmd dns` do once their flags are read: load and
// validate the config files (every error with file:line:col, exit 1, nothing started), start the
// appliance, then serve until asked to stop, reloading on SIGHUP (SIGUSR1 too), draining on
// SIGTERM (and SIGINT), exit 0. The admin server (src/app/admin) starts beside it unless
// `--admin-listen off` or `admin: {listen: off}` says not to.
import type { CliIo } from '../cli/command.ts';
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import { Appliance } from './appliance.ts';
import { loadServeConfig, type Env, type ServeFiles } from './serve-config.ts';
import { processSignals, type SignalSource } from './signal-source.ts';
import { AdminSettingsError, resolveAdminSettings, type AdminSettings } from '../admin/admin-settings.ts';
import { createAdminRuntime, type AdminRuntime } from '../admin/admin-runtime.ts';
import { applianceSources } from '../admin/appliance-sources.ts';
import type { AdminServer } from '../admin/server.ts';
import type { AdminSources } from '../admin/sources.ts';

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
  /** `--admin-listen`: ADDR:PORT or off; wins over the config's `admin: listen`. */
  readonly adminListen?: string | undefined;
  /**
   * When the default admin address (not one given by flag or config) is taken, listen on a free
   * port of the same host instead of running without (the demo).
   */
  readonly adminAnyPortFallback?: boolean;
  /** Called once everything listens (the `coredns` start-up lines), with the admin server if it runs. */
  readonly started?: (app: Appliance, admin: AdminServer | undefined) => void;
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
  let adminSettings: AdminSettings;
  try {
    adminSettings = resolveAdminSettings(o.adminListen, loaded.config.dhcp);
  } catch (e) {
    if (!(e instanceof AdminSettingsError)) throw e;
    io.err(`error: ${e.message}\n`);
    return 1;
  }
  const admin = adminSettings.kind === 'on' ? createAdminRuntime(o.clock) : undefined;
  let app: Appliance | undefined;
  let stopping = false;
  // The admin server listens first: a taken address stops the start before DHCP answers anyone.
  let adminServer: AdminServer | undefined;
  if (admin !== undefined && adminSettings.kind === 'on') {
    adminServer = await listenAdmin(admin, adminSettings, applianceSources(() => app, { stopping: () => stopping }), o);
    if (adminServer === undefined && adminSettings.explicit) return 1;
  }
  // Signals are queued from before the start, so a stop right after the start-up lines works.
  const signals = o.signals ?? processSignals();
  try {
    app = await Appliance.start(loaded.config, {
      logger,
      clock: o.clock,
      env: o.env,
      ...(admin === undefined ? {} : { events: admin.events, quarantine: admin.quarantine }),
      ...(o.rawSocket === undefined ? {} : { rawSocket: o.rawSocket }),
      ...(o.bootHost === undefined ? {} : { bootHost: o.bootHost }),
      ...(o.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: o.drainTimeoutMs }),
    });
  } catch (e) {
    signals.close();
    await admin?.close();
    logger.error('cannot start', { error: e instanceof Error ? e.message : String(e) });
    return 1;
  }
  o.started?.(app, adminServer);
  logger.info('ready', { dhcp: o.files.dhcp, dns: o.files.dns, pid: process.pid });
  for (;;) {
    const r = await signals.next();
    if (r.action === 'stop') {
      logger.info('stopping', { signal: r.signal });
      break;
    }
    logger.info('reload requested', { signal: r.signal });
    const before = JSON.stringify(app.config.dhcp?.admin ?? null);
    const result = await app.reload();
    if (result.ok && JSON.stringify(app.config.dhcp?.admin ?? null) !== before) {
      logger.warn('admin: changes to the admin section take effect at the next start, not on reload');
    }
  }
  stopping = true;
  const { drained } = await app.stop();
  await admin?.close();
  signals.close();
  logger.info('stopped', { drained });
  return 0;
}

/** Starts the admin HTTP server; undefined (logged) when it cannot listen. */
async function listenAdmin(
  admin: AdminRuntime,
  s: Extract<AdminSettings, { kind: 'on' }>,
  sources: AdminSources,
  o: RunApplianceOptions,
): Promise<AdminServer | undefined> {
  const at = (port: number) => ({ host: s.host, port, token: s.token, sources, logger: o.logger });
  try {
    return await admin.listen(at(s.port));
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    if (s.explicit) {
      o.logger.error('cannot start the admin server', { address: `${s.host}:${s.port}`, error });
      return undefined;
    }
    if (o.adminAnyPortFallback === true) {
      try {
        return await admin.listen(at(0));
      } catch (e2) {
        o.logger.warn('admin server not started', { error: e2 instanceof Error ? e2.message : String(e2) });
        return undefined;
      }
    }
    o.logger.warn('admin server not started: its default address is not available; set --admin-listen or admin: listen', { address: `${s.host}:${s.port}`, error });
    return undefined;
  }
}
