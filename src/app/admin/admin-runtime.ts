// The admin server's state for one process: the event store every service reports into, the
// quarantine the DHCP servers ask, and the event-derived metrics. It exists before the
// appliance starts (the services take the store and the quarantine when they are built); the
// HTTP server starts once the appliance runs.
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { Snapshot } from '../../smd/snapshot.ts';
import { BootMetrics } from './boot-metrics.ts';
import { BootEventStore, type EventStoreLimits } from './event-store.ts';
import { snapshotDirectory } from './node-directory.ts';
import { QuarantineStore } from './quarantine-store.ts';
import { startAdminServer, type AdminServer } from './server.ts';
import type { AdminSources } from './sources.ts';

export interface AdminRuntime {
  readonly events: BootEventStore;
  readonly quarantine: QuarantineStore;
  readonly metrics: BootMetrics;
  /** Starts the HTTP server; the store names nodes from `sources.inventory()` from then on. */
  listen(o: { host: string; port: number; token: string | undefined; sources: AdminSources; logger: Logger }): Promise<AdminServer>;
  /** Closes the HTTP server (if it runs) and ends the quarantine timers. */
  close(): Promise<void>;
}

export function createAdminRuntime(clock: Clock, limits?: Partial<EventStoreLimits>): AdminRuntime {
  let sources: AdminSources | undefined;
  const current = (): Snapshot | undefined => sources?.inventory()?.current();
  const events = new BootEventStore({ clock, directory: snapshotDirectory(current), ...(limits === undefined ? {} : { limits }) });
  const metrics = new BootMetrics();
  events.subscribe(metrics.observe);
  const quarantine = new QuarantineStore({ clock, events });
  let server: AdminServer | undefined;
  return {
    events,
    quarantine,
    metrics,
    async listen(o) {
      sources = o.sources;
      server = await startAdminServer({ host: o.host, port: o.port, token: o.token, sources: o.sources, store: events, quarantine, bootMetrics: metrics, clock, logger: o.logger });
      return server;
    },
    async close() {
      await server?.close();
      quarantine.close();
    },
  };
}
