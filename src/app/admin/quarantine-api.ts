// /api/v1/quarantine: GET lists the quarantined MACs; POST {"mac", "seconds", "reason"?} adds
// one (201), DELETE /api/v1/quarantine/{mac} ends one (204, 404 when absent). Mutations need
// the admin token (auth.ts).
import { parseMac } from '../../wire/addr.ts';
import { isoTime } from './boot-event.ts';
import { HttpError } from './http-util.ts';
import { MAX_QUARANTINE_SECONDS, type QuarantineEntry, type QuarantineStore } from './quarantine-store.ts';

const MAX_REASON_LENGTH = 200;

export function entryJson(e: QuarantineEntry): Record<string, unknown> {
  return { mac: e.mac, until: isoTime(e.until), reason: e.reason };
}

export function quarantineList(store: QuarantineStore): Record<string, unknown> {
  return { entries: store.list().map(entryJson) };
}

export function macParam(text: string): string {
  const mac = parseMac(text);
  if (mac === undefined) throw new HttpError(400, `not a MAC address: '${text}'`);
  return mac;
}

/** Checks a POST body and quarantines its MAC. */
export function quarantineAdd(store: QuarantineStore, body: unknown): QuarantineEntry {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'expected a JSON object {"mac", "seconds", "reason"?}');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (k !== 'mac' && k !== 'seconds' && k !== 'reason') throw new HttpError(400, `unknown field '${k}'; expected mac, seconds, reason`);
  if (typeof b['mac'] !== 'string') throw new HttpError(400, 'mac: expected a string such as "aa:bb:cc:dd:ee:ff"');
  const mac = macParam(b['mac']);
  const seconds = b['seconds'];
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_QUARANTINE_SECONDS) {
    throw new HttpError(400, `seconds: expected a number above 0 and at most ${MAX_QUARANTINE_SECONDS} (30 days)`);
  }
  const reason = b['reason'] ?? '';
  if (typeof reason !== 'string' || reason.length > MAX_REASON_LENGTH) throw new HttpError(400, `reason: expected a string of at most ${MAX_REASON_LENGTH} characters`);
  const entry = store.set(mac, seconds, reason);
  if (entry === undefined) throw new HttpError(507, 'the quarantine table is full; delete entries first');
  return entry;
}
