// What the operator asks of a running appliance, from process signals (only the app layer
// installs signal handlers, house style §5.1): SIGHUP reloads (`systemctl reload`, ExecReload),
// as does SIGUSR1 (CoreDNS's reload signal, for `coredns` command lines); SIGTERM and SIGINT
// stop. Signals are queued, so one that arrives during a reload is not lost.

export type ApplianceAction = 'reload' | 'stop';

export interface ApplianceRequest {
  readonly action: ApplianceAction;
  readonly signal: string;
}

export interface SignalSource {
  /** The next request, in arrival order. */
  next(): Promise<ApplianceRequest>;
  /** Removes the handlers. */
  close(): void;
}

export const SIGNAL_ACTIONS: Readonly<Record<string, ApplianceAction>> = { SIGHUP: 'reload', SIGUSR1: 'reload', SIGTERM: 'stop', SIGINT: 'stop' };

/** A queue of requests; `push` is what a signal handler (or a test) calls. */
export class RequestQueue implements SignalSource {
  readonly #pending: ApplianceRequest[] = [];
  #waiter: ((r: ApplianceRequest) => void) | undefined;
  #onClose: () => void;

  constructor(onClose: () => void = () => {}) {
    this.#onClose = onClose;
  }

  push(r: ApplianceRequest): void {
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      w(r);
    } else {
      this.#pending.push(r);
    }
  }

  next(): Promise<ApplianceRequest> {
    const r = this.#pending.shift();
    if (r !== undefined) return Promise.resolve(r);
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  close(): void {
    this.#onClose();
    this.#onClose = () => {};
  }
}

/** Handlers for SIGHUP, SIGUSR1, SIGTERM and SIGINT until close(). */
export function processSignals(): SignalSource {
  const handlers = new Map<NodeJS.Signals, () => void>();
  const queue = new RequestQueue(() => {
    for (const [sig, h] of handlers) process.off(sig, h);
  });
  for (const [sig, action] of Object.entries(SIGNAL_ACTIONS)) {
    const h = (): void => queue.push({ action, signal: sig });
    handlers.set(sig as NodeJS.Signals, h);
    process.on(sig as NodeJS.Signals, h);
  }
  return queue;
}
