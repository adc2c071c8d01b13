// One generation of the DHCPv4 handler chain: what a config (or a reload of it) installs in the
// server with one assignment. The chain is built by buildChain4 (src/app/dhcp/chain4.ts) in the
// config's order, except bootloop, whose lease store outlives a generation (bootloop-transition.ts):
// the plugins before and after it come from buildChain4, bootloop is made here on the store the
// transition hands over.
import type { Logger } from '../../seams/logger.ts';
import type { Dhcp4Handler } from '../../dhcp/service/chain.ts';
import type { Dhcp4Chain } from '../../dhcp/service/server4.ts';
import { createBootloopHandler, type BootloopHandler } from '../../dhcp/service/bootloop/handler.ts';
import type { BootloopLeases } from '../../dhcp/service/bootloop/leases.ts';
import type { ServerSection } from '../config/coredhcp-config.ts';
import type { CoresmdConfig } from '../config/coresmd-config.ts';
import type { BootloopConfig } from '../config/bootloop-config.ts';
import { bootFileFor, buildChain4, type Chain4Deps } from '../dhcp/chain4.ts';
import type { LeasesRef } from './bootloop-transition.ts';

export interface Dhcp4Generation {
  readonly chain: Dhcp4Chain;
  /** Stops reacting to inventory swaps: called when the generation is replaced. */
  detach(): void;
  /** Closes what the handlers hold (the file plugin's watcher); the lease store is not theirs. */
  close(): Promise<void>;
}


/** A bootloop whose lease store is being reopened: requests wait for it (a drop if that fails). */
function waitingBootloop(handler: Promise<BootloopHandler>): BootloopHandler {
  return {
    name: 'bootloop',
    async handle(req, draft) {
      let h: BootloopHandler;
      try {
        h = await handler;
      } catch {
        draft.decisions.push({ plugin: 'bootloop', reason: 'lease file unavailable' });
        return 'drop';
      }
      return h.handle(req, draft);
    },
    async releaseKnown(isKnown) {
      return (await handler).releaseKnown(isKnown);
    },
  };
}

function makeBootloop(cfg: BootloopConfig, coresmd: CoresmdConfig | undefined, ref: LeasesRef, deps: Chain4Deps): BootloopHandler {
  const bootFile = bootFileFor(coresmd, deps.httpBootBase);
  const make = (leases: BootloopLeases) => createBootloopHandler({ leases, scriptPath: cfg.scriptPath, bootFile, logger: deps.logger });
  return ref.kind === 'now' ? make(ref.leases) : waitingBootloop(ref.leases.then(make));
}

function watchInventory(handler: BootloopHandler, deps: Chain4Deps, log: Logger): () => void {
  // MACs that appear in SMD leave the bootloop: their leases are released at each refresh.
  const off = deps.inventory?.onSwap((snap) => {
    handler.releaseKnown((mac) => snap.byMac(mac) !== undefined).catch((e: unknown) => {
      log.warn('cannot release bootloop leases of MACs now in SMD', { error: e instanceof Error ? e.message : String(e) });
    });
  });
  return off ?? (() => {});
}

export async function buildDhcp4Generation(section: ServerSection, deps: Chain4Deps, leases: LeasesRef | undefined): Promise<Dhcp4Generation> {
  const at = section.plugins.findIndex((p) => p.name === 'bootloop');
  const before = at === -1 ? section.plugins : section.plugins.slice(0, at);
  const after = at === -1 ? [] : section.plugins.slice(at + 1);
  const head = await buildChain4({ ...section, plugins: before }, deps);
  let tail;
  try {
    tail = await buildChain4({ ...section, plugins: after }, deps);
  } catch (e) {
    await head.close();
    throw e;
  }
  const handlers: Dhcp4Handler[] = [...head.handlers];
  let detach = (): void => {};
  const bootloop = section.plugins[at];
  if (bootloop?.name === 'bootloop' && leases !== undefined) {
    const coresmd = section.plugins.find((p) => p.name === 'coresmd')?.config as CoresmdConfig | undefined;
    const handler = makeBootloop(bootloop.config, coresmd, leases, deps);
    handlers.push(handler);
    detach = watchInventory(handler, deps, deps.logger);
  }
  handlers.push(...tail.handlers);
  const serverId = tail.serverId ?? head.serverId;
  const stopWatching = (): void => {
    detach();
    detach = () => {};
  };
  return {
    chain: { handlers, serverId },
    detach: stopWatching,
    close: async () => {
      stopWatching();
      await head.close();
      await tail.close();
    },
  };
}
