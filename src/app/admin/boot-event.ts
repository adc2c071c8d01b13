// A boot event as the admin store keeps it: what a service reported (src/seams/boot-events.ts)
// with a sequence number, a time, and the MAC and xname filled in where the store knows them.
// Its JSON shape is the API contract (docs/admin-api.md "BootEvent").
import type { BootEventDetail, BootService } from '../../seams/boot-events.ts';

export interface BootEvent {
  /** 1, 2, 3, … in the order the store received them; the SSE `id`. */
  readonly seq: number;
  /** Epoch milliseconds (Clock seam). */
  readonly at: number;
  readonly service: BootService;
  readonly type: string;
  readonly mac: string | undefined;
  readonly xname: string | undefined;
  readonly ip: string | undefined;
  readonly summary: string;
  readonly detail: BootEventDetail | undefined;
}

export interface BootEventJson {
  readonly seq: number;
  readonly at: string;
  readonly service: BootService;
  readonly type: string;
  readonly mac?: string;
  readonly xname?: string;
  readonly ip?: string;
  readonly summary: string;
  readonly detail?: Record<string, unknown>;
}

/** ISO-8601 with milliseconds, as every time in the admin API. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Detail without its undefined fields (JSON drops them anyway; the object stays small). */
function compactDetail(d: BootEventDetail): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const k in d) {
    const v = d[k];
    if (v === undefined) continue;
    out[k] = v;
    any = true;
  }
  return any ? out : undefined;
}

export function bootEventJson(e: BootEvent): BootEventJson {
  const detail = e.detail === undefined ? undefined : compactDetail(e.detail);
  return {
    seq: e.seq,
    at: isoTime(e.at),
    service: e.service,
    type: e.type,
    ...(e.mac === undefined ? {} : { mac: e.mac }),
    ...(e.xname === undefined ? {} : { xname: e.xname }),
    ...(e.ip === undefined ? {} : { ip: e.ip }),
    summary: e.summary,
    ...(detail === undefined ? {} : { detail }),
  };
}
