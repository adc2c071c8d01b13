// Restarting listeners on reload, all or nothing. Each step replaces one running thing (the boot
// servers, the DHCPv4 sockets, the DNS server) whose listen settings changed: it closes the old
// one (the ports may be the same) and starts the new one; if that fails it starts the old one
// again. When a step fails, the steps already applied are undone in reverse order, so a reload
// either moves every listener or leaves them all as they were.
import type { Logger } from '../../seams/logger.ts';

/** Where a running thing is kept; a step replaces `value`. */
export interface Slot<T> {
  value: T | undefined;
}

export interface ListenerStep {
  readonly name: string;
  apply(): Promise<void>;
  undo(): Promise<void>;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * A step that puts what `start` starts in `slot` in place of what it holds. `start` undefined:
 * the new config has none. `restore` restarts the old config (undefined: there was none).
 */
export function replaceStep<T>(
  name: string,
  slot: Slot<T>,
  o: { start: (() => Promise<T>) | undefined; restore: (() => Promise<T>) | undefined; close: (v: T) => Promise<void>; logger: Logger },
): ListenerStep {
  const closeCurrent = async (): Promise<void> => {
    const v = slot.value;
    slot.value = undefined;
    if (v === undefined) return;
    try {
      await o.close(v);
    } catch (e) {
      o.logger.warn(`error while stopping ${name}`, { error: message(e) });
    }
  };
  const restore = async (): Promise<void> => {
    if (o.restore === undefined) return;
    try {
      slot.value = await o.restore();
    } catch (e) {
      o.logger.error(`cannot restart ${name} with the previous configuration; it is not running`, { error: message(e) });
    }
  };
  return {
    name,
    async apply() {
      await closeCurrent();
      if (o.start === undefined) return;
      try {
        slot.value = await o.start();
      } catch (e) {
        await restore();
        throw e;
      }
    },
    async undo() {
      await closeCurrent();
      await restore();
    },
  };
}

/** Applies the steps in order; on a failure undoes the applied ones in reverse and rethrows. */
export async function applySteps(steps: readonly ListenerStep[]): Promise<void> {
  const done: ListenerStep[] = [];
  try {
    for (const s of steps) {
      await s.apply();
      done.push(s);
    }
  } catch (e) {
    for (const s of done.reverse()) await s.undo();
    throw e;
  }
}
