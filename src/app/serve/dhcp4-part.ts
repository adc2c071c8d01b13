// The DHCPv4 state of a running appliance: one server and its request gate for the life of the
// server4 section, the current chain generation and the bootloop lease store. Its sockets are
// elsewhere (listeners.ts): they restart on their own schedule and always feed this gate.
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import type { BootEvents } from '../../seams/boot-events.ts';
import type { Quarantine } from '../../seams/quarantine.ts';
import { BufferPool } from '../../wire/pool.ts';
import { Dhcp4Server } from '../../dhcp/service/server4.ts';
import type { BootloopTransition, OpenLeases } from './bootloop-transition.ts';
import type { Dhcp4Generation } from './dhcp4-generation.ts';
import { Dhcp4RequestGate } from './request-gate.ts';

/** Send slots and size for replies (as src/app/dhcp/run-dhcp4.ts): one Ethernet MTU each. */
const REPLY_SLOTS = 1024;
const REPLY_SLOT_BYTES = 1500;
/** How long a reload waits for the old chain's requests before closing what it held. */
const RELOAD_WAIT_MS = 10_000;

export interface Dhcp4PartDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The admin server's boot events and quarantine; none by default. */
  readonly events?: BootEvents | undefined;
  readonly quarantine?: Quarantine | undefined;
}

export class Dhcp4Part {
  readonly server: Dhcp4Server;
  readonly gate: Dhcp4RequestGate;
  readonly #deps: Dhcp4PartDeps;
  #generation: Dhcp4Generation;
  #leases: OpenLeases | undefined;

  constructor(generation: Dhcp4Generation, deps: Dhcp4PartDeps) {
    this.server = new Dhcp4Server({
      handlers: generation.chain.handlers,
      clock: deps.clock,
      logger: deps.logger,
      pool: new BufferPool(REPLY_SLOT_BYTES, REPLY_SLOTS),
      ...(deps.events === undefined ? {} : { events: deps.events }),
      ...(deps.quarantine === undefined ? {} : { quarantine: deps.quarantine }),
      ...(generation.chain.serverId === undefined ? {} : { serverId: generation.chain.serverId }),
    });
    this.gate = new Dhcp4RequestGate(this.server);
    this.#generation = generation;
    this.#deps = deps;
  }

  get leases(): OpenLeases | undefined {
    return this.#leases;
  }

  /** A new part takes the lease store its generation was built on. */
  async adopt(transition: BootloopTransition): Promise<void> {
    this.#leases = await transition.finish();
  }

  /**
   * Reload commit: installs `next` in one assignment (undefined: server4 is gone, nothing more is
   * accepted), waits for the old chain's requests, then closes what the old chain held and lets
   * the lease store move (close, open, reopen) as the transition says.
   */
  async replace(next: Dhcp4Generation | undefined, transition: BootloopTransition): Promise<void> {
    const old = this.#generation;
    const inFlight = next === undefined ? this.gate.drain() : this.gate.swap(next.chain);
    old.detach();
    if (next !== undefined) this.#generation = next;
    if (!(await inFlight.idle(RELOAD_WAIT_MS, this.#deps.clock))) {
      this.#deps.logger.warn('requests of the previous DHCP chain still running; closing its resources anyway', { inFlight: inFlight.count });
    }
    await old.close();
    this.#leases = await transition.finish();
  }

  /** SIGTERM: refuses new requests and waits (at most timeoutMs) for those in flight to be answered. */
  async drain(timeoutMs: number): Promise<boolean> {
    const inFlight = this.gate.drain();
    const drained = await inFlight.idle(timeoutMs, this.#deps.clock);
    if (!drained) this.#deps.logger.warn('drain timed out; DHCP requests still in flight are abandoned', { inFlight: inFlight.count });
    return drained;
  }

  /** Closes the chain and the lease journal (its queued writes are fsynced first). */
  async close(): Promise<void> {
    await this.#generation.close();
    await this.#leases?.leases.close();
  }
}
