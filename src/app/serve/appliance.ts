// The running appliance behind `coresmd serve`, `coresmd dhcp` and `coresmd dns`: DHCPv4 (with
// TFTP and HTTP boot from its coresmd plugin), DHCPv6 and DNS from the original config files, in one
// process, over one inventory with one SMD poll loop (the original runs two processes, two
// caches and twice the SMD load).
//
// Start and reload are the same three phases, from nothing or from what runs:
// 1. prepare: the new DHCP chain (rules, plugins; a new lease file opened) and the new SMD
//    source are built aside; a failure changes nothing.
// 2. listeners: the boot servers, DHCPv4 sockets, DHCPv6 and DNS restart only where their
//    settings changed, all or nothing (listener-steps.ts).
// 3. commit, which cannot fail: the server's chain is replaced in one assignment; the old chain's
//    requests finish, then what it held is closed (bootloop-transition.ts); the inventory moves
//    to the new SMD source if that changed.
// stop() drains: new DHCP requests are refused, those in flight finish (bounded wait), the lease
// journal is closed (fsynced), then every server closes.
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { BootEvents } from '../../seams/boot-events.ts';
import type { Quarantine } from '../../seams/quarantine.ts';
import { formatIPv4 } from '../../wire/addr.ts';
import type { Inventory } from '../../smd/inventory.ts';
import type { Dhcp4Server } from '../../dhcp/service/server4.ts';
import type { Dhcp4Transport } from '../../net/dhcp4-transport.ts';
import type { BootServers } from '../dhcp/boot-servers.ts';
import { firstCoresmdConfig, inventoryFromConfig, smdAccessOf } from '../dhcp/shared-inventory.ts';
import type { CoresmdConfig } from '../config/coresmd-config.ts';
import type { ServerSection } from '../config/coredhcp-config.ts';
import type { RunningDhcp6 } from '../dhcp/run-dhcp6.ts';
import type { RunningDns } from '../dns/start-dns.ts';
import { planBootloop, type BootloopTransition, type OpenLeases } from './bootloop-transition.ts';
import { Dhcp4Part } from './dhcp4-part.ts';
import { buildDhcp4Generation, type Dhcp4Generation } from './dhcp4-generation.ts';
import { applySteps, replaceStep, type ListenerStep, type Slot } from './listener-steps.ts';
import { bootHost6For, bootKey, dhcp6Key, dnsKey, startBoot, startDhcp6Part, startDnsPart, startTransport4, transportKey, type Boot6Links, type ListenerDeps, type Running } from './listeners.ts';
import type { Dhcp4RequestGate } from './request-gate.ts';
import { loadServeConfig, type Env, type ServeConfig } from './serve-config.ts';
import { SwitchableInventory } from './switchable-inventory.ts';

export const DEFAULT_DRAIN_TIMEOUT_MS = 5_000;

export interface ApplianceDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly env: Env;
  readonly rawSocket?: 'auto' | 'off';
  /** Where TFTP and HTTP boot listen (default 0.0.0.0). */
  readonly bootHost?: string;
  /** Where they also listen on IPv6 while server6 is configured (default: bootHost6For(bootHost)). */
  readonly bootHost6?: string;
  /** SIGTERM's bounded wait for DHCP requests in flight (default 5 s). */
  readonly drainTimeoutMs?: number;
  /** Where every service reports boot events (the admin server's store); none by default. */
  readonly events?: BootEvents;
  /** MACs DHCP does not answer for now (the admin quarantine); none by default. */
  readonly quarantine?: Quarantine;
}

export type ReloadResult = { readonly ok: true; readonly changed: readonly string[] } | { readonly ok: false; readonly errors: readonly string[] };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function inventoryKey(c: CoresmdConfig): string {
  return JSON.stringify({ access: smdAccessOf(c), intervalMs: c.cacheValidMs, cacheFile: c.cacheFile ?? null });
}

export class Appliance {
  readonly #deps: ApplianceDeps;
  readonly #listenerDeps: ListenerDeps;
  readonly #log: Logger;
  readonly #inventory = new SwitchableInventory();
  #inventoryKey: string | undefined;
  #config: ServeConfig;
  #dhcp: Dhcp4Part | undefined;
  readonly #boot: Slot<Running<BootServers>> = { value: undefined };
  readonly #transport: Slot<Running<Dhcp4Transport>> = { value: undefined };
  readonly #dhcp6: Slot<Running<RunningDhcp6>> = { value: undefined };
  readonly #dns: Slot<Running<RunningDns>> = { value: undefined };
  /** Reloads and the stop run one at a time, in the order asked. */
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;

  private constructor(config: ServeConfig, deps: ApplianceDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'appliance' });
    const bootHost = deps.bootHost ?? '0.0.0.0';
    this.#listenerDeps = { logger: deps.logger, clock: deps.clock, env: deps.env, bootHost, bootHost6: deps.bootHost6 ?? bootHost6For(bootHost), rawSocket: deps.rawSocket ?? 'auto', events: deps.events, quarantine: deps.quarantine };
  }

  /** Starts everything `config` describes; on failure closes what was started and throws. */
  static async start(config: ServeConfig, deps: ApplianceDeps): Promise<Appliance> {
    const a = new Appliance(config, deps);
    await a.#inventory.start(); // nothing to poll yet: #apply attaches the SMD source
    try {
      await a.#apply(config, true);
    } catch (e) {
      await a.#closeAll();
      throw e;
    }
    return a;
  }

  get config(): ServeConfig {
    return this.#config;
  }

  /** The process inventory shared by DHCP and DNS. */
  get inventory(): SwitchableInventory {
    return this.#inventory;
  }

  get dhcp4(): { readonly server: Dhcp4Server; readonly gate: Dhcp4RequestGate; readonly transport: Dhcp4Transport | undefined; readonly leases: OpenLeases | undefined } | undefined {
    const d = this.#dhcp;
    return d === undefined ? undefined : { server: d.server, gate: d.gate, transport: this.#transport.value?.value, leases: d.leases };
  }

  get boot(): BootServers | undefined {
    return this.#boot.value?.value;
  }

  get dhcp6(): RunningDhcp6 | undefined {
    return this.#dhcp6.value?.value;
  }

  get dns(): RunningDns | undefined {
    return this.#dns.value?.value;
  }

  /** Re-reads the config files; an invalid or unusable config leaves the running one serving. */
  reload(): Promise<ReloadResult> {
    return this.#serialize(async () => {
      try {
        return await this.#reload();
      } catch (e) {
        // A bug, not a config problem: say so, and keep serving what runs.
        this.#log.error('reload failed unexpectedly; the running configuration keeps serving', { error: message(e) });
        return { ok: false, errors: [message(e)] };
      }
    });
  }

  /** Drains DHCP, closes the lease journal and every server, stops polling SMD. */
  stop(): Promise<{ drained: boolean }> {
    // New DHCP requests are refused from now on, even while a reload finishes first.
    this.#dhcp?.gate.drain();
    return this.#serialize(async () => {
      if (this.#stopped) return { drained: true };
      this.#stopped = true;
      return this.#closeAll();
    });
  }

  #serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #reload(): Promise<ReloadResult> {
    if (this.#stopped) return { ok: false, errors: ['stopped'] };
    const files = this.#config.files;
    this.#log.info('reloading the configuration', { dhcp: files.dhcp, dns: files.dns });
    const loaded = loadServeConfig(files, this.#deps.env);
    if (!loaded.ok) {
      for (const w of loaded.warnings) this.#log.warn('configuration warning', { warning: w });
      const errors = loaded.failures.flatMap((f) => f.errors);
      for (const e of errors) this.#log.error('configuration error', { error: e });
      this.#log.error('reload rejected: the new configuration is not valid; the running one keeps serving', { errors: errors.length });
      return { ok: false, errors };
    }
    try {
      const changed = await this.#apply(loaded.config, false);
      this.#config = loaded.config;
      this.#log.info('configuration reloaded', { changed: changed.join(',') || 'nothing' });
      return { ok: true, changed };
    } catch (e) {
      this.#log.error('reload failed; the running configuration keeps serving', { error: message(e) });
      return { ok: false, errors: [message(e)] };
    }
  }

  /** The three phases of the file header; returns what changed. */
  async #apply(next: ServeConfig, initial: boolean): Promise<string[]> {
    const d = this.#deps;
    const changed: string[] = [];
    for (const w of next.warnings) this.#log.warn('configuration warning', { warning: w });

    // 1. Prepare.
    const coresmd = next.dhcp === undefined ? undefined : firstCoresmdConfig(next.dhcp);
    const invKey = coresmd === undefined ? undefined : inventoryKey(coresmd);
    const invChanged = invKey !== this.#inventoryKey;
    const newSource = invChanged && coresmd !== undefined ? this.#openInventory(coresmd, next) : undefined;
    if (invChanged && initial) await this.#switchInventory(newSource, invKey, changed);
    const shared = coresmd === undefined ? undefined : this.#inventory;
    const section = next.dhcp?.server4;
    const bootloop = section?.plugins.find((p) => p.name === 'bootloop');
    const transition = await planBootloop(this.#dhcp?.leases, bootloop?.name === 'bootloop' ? bootloop.config : undefined, d);
    let generation: Dhcp4Generation | undefined;
    try {
      generation =
        section === undefined
          ? undefined
          : await buildDhcp4Generation(section, { inventory: shared, clock: d.clock, logger: d.logger, httpBootBase: this.#httpBootBase(coresmd) }, transition.ref);
    } catch (e) {
      await transition.abandon();
      throw e;
    }
    const fresh = generation !== undefined && this.#dhcp === undefined ? new Dhcp4Part(generation, d) : undefined;

    // 2. Listeners.
    const steps = this.#listenerSteps(next, coresmd, section, fresh?.gate ?? this.#dhcp?.gate, shared);
    try {
      await applySteps(steps);
    } catch (e) {
      await generation?.close();
      await transition.abandon();
      throw e;
    }
    changed.push(...steps.map((s) => s.name));

    // 3. Commit.
    await this.#commitDhcp4(generation, fresh, transition, changed);
    if (invChanged && !initial) await this.#switchInventory(newSource, invKey, changed);
    return changed;
  }

  #openInventory(c: CoresmdConfig, cfg: ServeConfig): Inventory {
    try {
      return inventoryFromConfig(c, { clock: this.#deps.clock, logger: this.#deps.logger, env: this.#deps.env, events: this.#deps.events });
    } catch (e) {
      const p = [cfg.dhcp?.server4, cfg.dhcp?.server6].flatMap((s) => s?.plugins ?? []).find((x) => x.name === 'coresmd');
      throw new Error(`${cfg.dhcp?.file ?? ''}:${p?.line ?? 1}:${p?.col ?? 1}: coresmd: ${message(e)}`, { cause: e });
    }
  }

  async #switchInventory(source: Inventory | undefined, key: string | undefined, changed: string[]): Promise<void> {
    await this.#inventory.replace(source);
    this.#inventoryKey = key;
    changed.push('inventory');
  }

  /** HTTP boot URLs name the running HTTP boot server, whichever config started it. */
  #httpBootBase(c: CoresmdConfig | undefined): ((serverAddress: number) => string) | undefined {
    if (c?.httpPort === undefined) return undefined;
    const port = c.httpPort;
    return (server) => this.#boot.value?.value.httpBootBase?.(server) ?? `http://${formatIPv4(server)}:${port}`;
  }

  /** DHCPv6 boot URLs name the running boot servers' IPv6 addresses and HTTP port. */
  readonly #boot6: Boot6Links = {
    httpBootBase: (a) => this.#boot.value?.value.httpBootBase6?.(a),
    listensOn6: (a, ifname) => this.#boot.value?.value.listensOn6(a, ifname) ?? false,
  };

  #listenerSteps(next: ServeConfig, coresmd: CoresmdConfig | undefined, section: ServerSection | undefined, gate: Dhcp4RequestGate | undefined, shared: Inventory | undefined): ListenerStep[] {
    const ld = this.#listenerDeps;
    const logger = this.#deps.logger;
    const steps: ListenerStep[] = [];
    const step = <T>(name: string, slot: Slot<Running<T>>, key: string | undefined, start: (() => Promise<Running<T>>) | undefined): void => {
      if (key === slot.value?.key) return;
      steps.push(replaceStep(name, slot, { start, restore: slot.value?.restart, close: (r) => r.close(), logger }));
    };
    const host6 = next.dhcp?.server6 === undefined ? undefined : ld.bootHost6;
    step('boot', this.#boot, coresmd === undefined ? undefined : bootKey(coresmd, host6), coresmd === undefined ? undefined : () => startBoot(coresmd, ld, host6));
    const t = section === undefined || gate === undefined ? undefined : { section, gate };
    step('dhcp4-listen', this.#transport, t === undefined ? undefined : transportKey(t.section), t === undefined ? undefined : () => startTransport4(t.section, t.gate, ld));
    const v6 = next.dhcp?.server6 === undefined || next.dhcpText === undefined ? undefined : { section: next.dhcp.server6, text: next.dhcpText };
    step('dhcp6', this.#dhcp6, v6 === undefined ? undefined : dhcp6Key(v6.text, shared !== undefined), v6 === undefined ? undefined : () => startDhcp6Part(v6.section, v6.text, shared, ld, this.#boot6));
    const dns = next.dns === undefined || next.dnsText === undefined ? undefined : { cfg: next.dns, text: next.dnsText };
    step('dns', this.#dns, dns === undefined ? undefined : dnsKey(dns.text, shared !== undefined), dns === undefined ? undefined : () => startDnsPart(dns.cfg, dns.text, shared, ld));
    return steps;
  }

  async #commitDhcp4(generation: Dhcp4Generation | undefined, fresh: Dhcp4Part | undefined, transition: BootloopTransition, changed: string[]): Promise<void> {
    if (fresh !== undefined) {
      await fresh.adopt(transition);
      this.#dhcp = fresh;
    } else if (this.#dhcp !== undefined) {
      await this.#dhcp.replace(generation, transition);
      if (generation === undefined) this.#dhcp = undefined;
    }
    if (generation !== undefined) changed.push('dhcp4-chain');
    if (transition.kind !== 'none') changed.push(`bootloop-${transition.kind}`);
  }

  async #closeAll(): Promise<{ drained: boolean }> {
    const d = this.#dhcp;
    const drained = d === undefined ? true : await d.drain(this.#deps.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
    const attempt = async (what: string, fn: () => Promise<void>): Promise<void> => {
      try {
        await fn();
      } catch (e) {
        this.#log.warn(`error while stopping ${what}`, { error: message(e) });
      }
    };
    await attempt('DHCPv4', async () => this.#transport.value?.close());
    this.#transport.value = undefined;
    await attempt('the DHCP chain and the bootloop lease journal', async () => d?.close());
    this.#dhcp = undefined;
    await attempt('DHCPv6', async () => this.#dhcp6.value?.close());
    this.#dhcp6.value = undefined;
    await attempt('DNS', async () => this.#dns.value?.close());
    this.#dns.value = undefined;
    await attempt('TFTP and HTTP boot', async () => this.#boot.value?.close());
    this.#boot.value = undefined;
    await attempt('the inventory', () => this.#inventory.stop());
    return { drained };
  }
}
