// Fault injection for the SMD test double, so failure handling is tested against real sockets:
// a 500 problem, a slow answer, a truncated body, a reset connection. Set programmatically
// (`sim.faults.set(…)`) or over HTTP (`POST /__sim/faults` with the same JSON) when the
// simulator runs from the CLI and a script drives it.

export const FAULT_MODES = ['none', 'status500', 'slow', 'malformed', 'reset'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultSpec {
  readonly mode: FaultMode;
  /** Paths (after the base path) the fault applies to, each with its sub-paths; default all SMD paths. */
  readonly paths?: readonly string[];
  /** How many matching requests fail before the fault clears itself; default: until changed. */
  readonly times?: number;
  /** For `slow`: how long to wait before answering normally; default 2000 ms. */
  readonly delayMs?: number;
}

export const DEFAULT_SLOW_MS = 2000;

/** Checks a FaultSpec from untrusted JSON; returns an error message or the spec. */
export function parseFaultSpec(value: unknown): FaultSpec | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object';
  const v = value as Record<string, unknown>;
  const mode = v['mode'];
  if (typeof mode !== 'string' || !(FAULT_MODES as readonly string[]).includes(mode)) {
    return `mode: expected one of ${FAULT_MODES.join(', ')}`;
  }
  const spec: { mode: FaultMode; paths?: string[]; times?: number; delayMs?: number } = { mode: mode as FaultMode };
  if (v['paths'] !== undefined) {
    if (!Array.isArray(v['paths']) || !v['paths'].every((p) => typeof p === 'string' && p.startsWith('/'))) {
      return 'paths: expected an array of absolute paths';
    }
    spec.paths = v['paths'] as string[];
  }
  for (const k of ['times', 'delayMs'] as const) {
    const n = v[k];
    if (n === undefined) continue;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return `${k}: expected a non-negative integer`;
    spec[k] = n;
  }
  return spec;
}

export class FaultController {
  #spec: FaultSpec = { mode: 'none' };
  #remaining = Infinity;

  /** Replaces the active fault (`{mode: 'none'}` clears it). */
  set(spec: FaultSpec): void {
    this.#spec = spec;
    this.#remaining = spec.times ?? Infinity;
  }

  clear(): void {
    this.set({ mode: 'none' });
  }

  current(): FaultSpec {
    return this.#spec;
  }

  /** The fault to apply to a request for `path`, counting it against `times`; 'none' if none. */
  take(path: string): FaultSpec {
    const spec = this.#spec;
    if (spec.mode === 'none' || this.#remaining <= 0) return { mode: 'none' };
    if (spec.paths !== undefined && !spec.paths.some((p) => path === p || path.startsWith(`${p}/`))) return { mode: 'none' };
    this.#remaining--;
    if (this.#remaining <= 0) this.clear();
    return spec;
  }
}
