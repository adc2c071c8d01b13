// Between the DHCPv4 transport and the server: counts the requests in flight per handler chain,
// from the moment the transport hands a datagram over until the reply's buffer comes back in the
// send callback (or the request is dropped). That is what a reload waits for before closing what
// the previous chain held (a lease journal), and what SIGTERM waits for before closing anything:
// a client that was sent an OFFER has its lease on disk.
import type { Clock } from '../../seams/clock.ts';
import type { Dhcp4Ingress } from '../../dhcp/service/chain.ts';
import type { Dhcp4Chain, Dhcp4Server } from '../../dhcp/service/server4.ts';
import type { Dhcp4PacketHandler, Dhcp4TransportOutcome } from '../../net/dhcp4-transport.ts';

/** Requests of one chain generation still in flight. */
export class InFlight {
  #count = 0;
  #waiters: (() => void)[] = [];

  get count(): number {
    return this.#count;
  }

  begin(): void {
    this.#count++;
  }

  end(): void {
    this.#count--;
    if (this.#count === 0) for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  idle(timeoutMs: number, clock: Pick<Clock, 'setTimer'>): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = clock.setTimer(timeoutMs, () => {
        this.#waiters = this.#waiters.filter((w) => w !== done);
        resolve(false);
      });
      const done = (): void => {
        timer.cancel();
        resolve(true);
      };
      this.#waiters.push(done);
    });
  }
}

const DROPPED: Dhcp4TransportOutcome = { kind: 'drop' };

export class Dhcp4RequestGate implements Dhcp4PacketHandler {
  readonly #server: Dhcp4Server;
  #current = new InFlight();
  #draining = false;
  /** Requests refused because the gate was draining. */
  refused = 0;

  constructor(server: Dhcp4Server) {
    this.#server = server;
  }

  /** Requests of the current chain in flight. */
  get inFlight(): number {
    return this.#current.count;
  }

  get draining(): boolean {
    return this.#draining;
  }

  handle(buf: Uint8Array, ingress: Dhcp4Ingress): Promise<Dhcp4TransportOutcome> {
    if (this.#draining) {
      this.refused++;
      return Promise.resolve(DROPPED);
    }
    // Dhcp4Server.handle reads its chain synchronously, so this request belongs to `tracker`.
    const tracker = this.#current;
    tracker.begin();
    let p: Promise<Dhcp4TransportOutcome>;
    try {
      p = this.#server.handle(buf, ingress);
    } catch (e) {
      tracker.end();
      throw e;
    }
    return p.then(
      (out) => {
        if (out.kind !== 'reply') {
          tracker.end();
          return out;
        }
        let released = false;
        return {
          ...out,
          release: () => {
            if (released) return;
            released = true;
            try {
              out.release();
            } finally {
              tracker.end();
            }
          },
        };
      },
      (e: unknown) => {
        tracker.end();
        throw e;
      },
    );
  }

  /** Installs `chain` for the next request; returns the requests still running on the old one. */
  swap(chain: Dhcp4Chain): InFlight {
    const old = this.#current;
    this.#current = new InFlight();
    this.#server.setChain(chain);
    return old;
  }

  /** Refuses every new request from now on; returns the requests still in flight. */
  drain(): InFlight {
    this.#draining = true;
    return this.#current;
  }
}
