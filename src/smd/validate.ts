// Runtime validation of untrusted SMD bodies (spec coresmd-dns §1.4, §5.11; coresmd-dhcp §4.1).
//
// Decisions, in one place:
// - Keys match case-insensitively, like Go's encoding/json: `macaddress` fills MACAddress, and
//   when several spellings of one key appear the last one wins. Go also folds the Kelvin sign
//   (U+212A) to `k` and long s (U+017F) to `s`; so do we. SMD itself always sends exact keys.
// - Fields upstream coresmd decodes are checked as Go checks them: a wrong JSON type fails the
//   whole body (a string or fractional NID included). JSON.parse cannot tell `1.0` from `1`,
//   so `1.0` is accepted as NID 1 where Go would fail.
// - Fields only we read (State, Enabled, Role, LastUpdate, …) are best effort: a wrong type
//   drops that field, because upstream would never have failed a refresh over it.
// - A `null` or missing body list (the interfaces array, `Components`) is an error, where Go
//   decodes it as empty: an inventory is never silently emptied. A null or missing
//   `IPAddresses` is `[]` as in Go: an empty per-interface list cannot wipe anything.
// - Nothing here interprets values (MAC and IP syntax): the snapshot does, and skips garbage.

import { SmdError, SmdErrorCode } from './errors.ts';
import type { RawComponent, RawEthernetInterface, RawIpAddressMapping } from './types.ts';

type Json = Record<string, unknown>;

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function shapeError(path: string, expected: string, found: unknown): SmdError {
  return new SmdError(SmdErrorCode.Shape, `${path}: expected ${expected}, found ${kindOf(found)}`, { field: path });
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's encoding/json key folding (foldName): ASCII case plus the two special folds. */
function foldKey(k: string): string {
  return k.replace(/\u212a/g, 'k').replace(/\u017f/g, 's').toLowerCase();
}

/** Known keys of one object kind: exact spellings and their folded forms. */
interface KeySet {
  readonly exact: ReadonlySet<string>;
  readonly folded: ReadonlyMap<string, string>;
}

function keySet(names: readonly string[]): KeySet {
  return { exact: new Set(names), folded: new Map(names.map((n) => [n.toLowerCase(), n])) };
}

/**
 * Returns an object whose properties use the canonical spellings. The common case (every key
 * already exact, as SMD sends them) returns `obj` itself without copying.
 */
function canonical(obj: Json, keys: KeySet): Json {
  for (const k in obj) {
    if (!keys.exact.has(k)) return refold(obj, keys);
  }
  return obj;
}

function refold(obj: Json, keys: KeySet): Json {
  const out: Json = Object.create(null) as Json;
  // for…in follows JSON order, so a later spelling of the same key overwrites an earlier one (Go).
  for (const k in obj) {
    const name = keys.exact.has(k) ? k : keys.folded.get(foldKey(k));
    if (name !== undefined) out[name] = obj[k];
  }
  return out;
}

const INTERFACE_KEYS = keySet(['ID', 'Description', 'MACAddress', 'LastUpdate', 'ComponentID', 'Type', 'IPAddresses']);
const IP_KEYS = keySet(['IPAddress', 'Network']);
const COMPONENT_KEYS = keySet([
  'ID', 'Type', 'State', 'Flag', 'Enabled', 'SoftwareStatus', 'Role', 'SubRole', 'NID',
  'Subtype', 'NetType', 'Arch', 'Class', 'ReservationDisabled', 'Locked',
]);
const COMPONENTS_BODY_KEYS = keySet(['Components']);

//------------ field readers -----------------------------------------------------

/** Required string (upstream decodes it; a missing key is an error here, see the header). */
function requiredString(o: Json, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw shapeError(`${path}.${key}`, 'string', v);
  return v;
}

/** String that Go decodes: absent or null → `fallback`; any other non-string fails. */
function checkedString(o: Json, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw shapeError(`${path}.${key}`, 'string', v);
  return v;
}

function looseString(o: Json, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

function looseBoolean(o: Json, key: string): boolean | undefined {
  const v = o[key];
  return typeof v === 'boolean' ? v : undefined;
}

/** Writes `value` under `key` only when defined (exactOptionalPropertyTypes: absent ≠ undefined). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

//------------ entries -------------------------------------------------------------

// Each validator returns its input object unchanged when it is already clean (exact keys, right
// types, nothing to drop), which is what SMD sends: a 100,000-interface refresh then allocates
// no copies. Anything that needs fixing is copied into SMD's key order instead.

/** Absent, or of the given JSON type: a field that needs no fixing. */
function clean(o: Json, key: string, type: 'string' | 'boolean'): boolean {
  const v = o[key];
  return v === undefined || typeof v === type;
}

function validateIp(item: unknown, path: string): RawIpAddressMapping {
  if (!isObject(item)) throw shapeError(path, 'object', item);
  const o = canonical(item, IP_KEYS);
  const address = requiredString(o, 'IPAddress', path);
  const network = checkedString(o, 'Network', path);
  if (o === item && o['Network'] !== null && network !== '') return item as unknown as RawIpAddressMapping;
  const out: { IPAddress: string; Network?: string } = { IPAddress: address };
  if (network !== undefined && network !== '') out.Network = network;
  return out;
}

/** Validates every element with `check`; returns `list` itself when no element was replaced. */
function validateList<T>(list: unknown[], check: (item: unknown, path: string) => T, name: string): T[] {
  let copy: T[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const v = check(item, `${name}[${i}]`);
    if (copy !== undefined) copy.push(v);
    else if ((v as unknown) !== item) {
      copy = list.slice(0, i) as T[];
      copy.push(v);
    }
  }
  return copy ?? (list as T[]);
}

function validateInterface(item: unknown, path: string): RawEthernetInterface {
  if (!isObject(item)) throw shapeError(path, 'object', item);
  const o = canonical(item, INTERFACE_KEYS);
  const mac = requiredString(o, 'MACAddress', path);
  const componentId = checkedString(o, 'ComponentID', path) ?? '';
  const type = checkedString(o, 'Type', path);
  const description = checkedString(o, 'Description', path);
  const rawIps = o['IPAddresses'];
  let ips: RawIpAddressMapping[] = [];
  if (rawIps !== undefined && rawIps !== null) {
    if (!Array.isArray(rawIps)) throw shapeError(`${path}.IPAddresses`, 'array', rawIps);
    ips = validateList(rawIps, validateIp, `${path}.IPAddresses`);
  }
  if (
    o === item && ips === rawIps && typeof o['ComponentID'] === 'string' &&
    clean(o, 'Type', 'string') && clean(o, 'Description', 'string') && clean(o, 'ID', 'string') && clean(o, 'LastUpdate', 'string')
  ) {
    return item as unknown as RawEthernetInterface;
  }
  // Key order is SMD's emitted order (spec coresmd-dns §3.2), so JSON.stringify reproduces it.
  const out: Record<string, unknown> = {};
  put(out, 'ID', looseString(o, 'ID'));
  put(out, 'Description', description);
  out['MACAddress'] = mac;
  put(out, 'LastUpdate', looseString(o, 'LastUpdate'));
  out['ComponentID'] = componentId;
  put(out, 'Type', type);
  out['IPAddresses'] = ips;
  return out as unknown as RawEthernetInterface;
}

function validateNid(o: Json, path: string): number | undefined {
  const v = o['NID'];
  if (v === undefined || v === null) return undefined;
  // Go decodes NID into int64: a string, a fraction or an out-of-range number fails the body.
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw shapeError(`${path}.NID`, 'integer', v);
  return v;
}

const COMPONENT_STRINGS = ['State', 'Flag', 'SoftwareStatus', 'Role', 'SubRole', 'Subtype', 'NetType', 'Arch', 'Class'] as const;
const COMPONENT_BOOLEANS = ['Enabled', 'ReservationDisabled', 'Locked'] as const;

function validateComponent(item: unknown, path: string): RawComponent {
  if (!isObject(item)) throw shapeError(path, 'object', item);
  const o = canonical(item, COMPONENT_KEYS);
  const id = requiredString(o, 'ID', path);
  const type = requiredString(o, 'Type', path);
  const nid = validateNid(o, path);
  if (
    o === item && o['NID'] !== null &&
    COMPONENT_STRINGS.every((k) => clean(o, k, 'string')) && COMPONENT_BOOLEANS.every((k) => clean(o, k, 'boolean'))
  ) {
    return item as unknown as RawComponent;
  }
  // Key order is hms-base Component's (spec coresmd-dns §3.3).
  const out: Record<string, unknown> = { ID: id, Type: type };
  put(out, 'State', looseString(o, 'State'));
  put(out, 'Flag', looseString(o, 'Flag'));
  put(out, 'Enabled', looseBoolean(o, 'Enabled'));
  put(out, 'SoftwareStatus', looseString(o, 'SoftwareStatus'));
  put(out, 'Role', looseString(o, 'Role'));
  put(out, 'SubRole', looseString(o, 'SubRole'));
  put(out, 'NID', nid);
  put(out, 'Subtype', looseString(o, 'Subtype'));
  put(out, 'NetType', looseString(o, 'NetType'));
  put(out, 'Arch', looseString(o, 'Arch'));
  put(out, 'Class', looseString(o, 'Class'));
  put(out, 'ReservationDisabled', looseBoolean(o, 'ReservationDisabled'));
  put(out, 'Locked', looseBoolean(o, 'Locked'));
  return out as unknown as RawComponent;
}

//------------ bodies --------------------------------------------------------------

/** A list of EthernetInterfaces (the bare array SMD returns). `name` prefixes error paths. */
export function validateEthernetInterfaces(body: unknown, name = 'EthernetInterfaces'): RawEthernetInterface[] {
  if (!Array.isArray(body)) throw shapeError(name, 'array', body);
  return validateList(body, validateInterface, name);
}

/** A list of Components (the array inside SMD's `{"Components": [...]}`). */
export function validateComponents(list: unknown, name = 'Components'): RawComponent[] {
  if (!Array.isArray(list)) throw shapeError(name, 'array', list);
  return validateList(list, validateComponent, name);
}

/** The body of `GET /hsm/v2/State/Components`: an object whose `Components` is an array. */
export function validateComponentsBody(body: unknown): RawComponent[] {
  if (!isObject(body)) {
    throw new SmdError(SmdErrorCode.Shape, `Components body: expected object, found ${kindOf(body)}`, { field: 'Components' });
  }
  return validateComponents(canonical(body, COMPONENTS_BODY_KEYS)['Components']);
}

/** Looks up `key` case-insensitively (Go rules) in a document object; for wrapper formats. */
export function getFolded(obj: Json, key: string): unknown {
  let found: unknown;
  const want = foldKey(key);
  for (const k in obj) if (k === key || foldKey(k) === want) found = obj[k];
  return found;
}

export { isObject, kindOf };
