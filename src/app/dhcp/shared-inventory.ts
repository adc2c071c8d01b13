// One inventory per process (design.md "The inventory"): built from the first coresmd plugin
// of the config (server4's when both sections have one, as the loader warns), shared by every
// handler and, later, by DNS. The original runs one cache and one SMD poll loop per section.
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { BootEvents } from '../../seams/boot-events.ts';
import { createInventory, type Inventory } from '../../smd/inventory.ts';
import type { CoredhcpConfig } from '../config/coredhcp-config.ts';
import type { CoresmdConfig } from '../config/coresmd-config.ts';
import { openSmdSource, type SmdAccess } from '../smd-access.ts';

export function firstCoresmdConfig(cfg: CoredhcpConfig): CoresmdConfig | undefined {
  for (const section of [cfg.server4, cfg.server6]) {
    const p = section?.plugins.find((x) => x.name === 'coresmd');
    if (p?.name === 'coresmd') return p.config;
  }
  return undefined;
}

export function smdAccessOf(c: CoresmdConfig): SmdAccess {
  return {
    url: c.svcBaseUri,
    timeoutMs: c.svcTimeoutMs,
    ...(c.caCert === '' ? {} : { caCert: c.caCert }),
    ...(c.svcToken?.kind === 'file' ? { tokenFile: c.svcToken.path } : {}),
    ...(c.svcToken?.kind === 'env' ? { tokenEnv: c.svcToken.name } : {}),
  };
}

export function inventoryFromConfig(c: CoresmdConfig, deps: { clock: Clock; logger: Logger; env: Readonly<Record<string, string | undefined>>; events?: BootEvents | undefined }): Inventory {
  return createInventory({
    events: deps.events,
    source: openSmdSource(smdAccessOf(c), deps.env),
    clock: deps.clock,
    logger: deps.logger,
    refreshIntervalMs: c.cacheValidMs,
    ...(c.cacheFile === undefined ? {} : { cacheFile: c.cacheFile }),
  });
}
