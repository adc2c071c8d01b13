// The SMD test double's state and its write rules, as SMD applies them (spec coresmd-dns §3.2,
// §3.3, §3.5, §5.19, §5.20; OpenCHAMI/smd cmd/smd/smd-api.go). Methods throw SimProblem with
// SMD's status and detail, so tests can drive the store directly or over HTTP.
//
// Approximations (documented, not guessed silently):
// - Detail strings SMD builds from hms-base errors are paraphrased where the source was not
//   read (bad State/Flag, bad NID, empty IP); the ones quoted in the spec are exact.
// - POST /State/Components without Force leaves existing components untouched; with Force it
//   overwrites State, Flag, Subtype, NetType, Arch and Class (smd-api.go doComponentsPost).
// - Nodes posted without a NID get none (a real SMD may assign one from NodeMaps).
// - Results are in insertion order (SMD has no ORDER BY, so any order is faithful).

import { normalizeHmsType, normalizeXname, verifyXname } from '../../smd/xname.ts';
import type { RawComponent, RawEthernetInterface, RawInventory } from '../../smd/types.ts';
import { SimProblem } from './problem.ts';

/** Query parameters with lowercased names, values in order (repeats mean OR). */
export type Query = Readonly<Record<string, readonly string[]>>;

interface IpMapping {
  IPAddress: string;
  Network?: string;
}

/** Field order is SMD's CompEthInterfaceV2 JSON order. */
export interface StoredInterface {
  ID: string;
  Description: string;
  MACAddress: string;
  LastUpdate: string;
  ComponentID: string;
  Type: string;
  IPAddresses: IpMapping[];
}

export type StoredComponent = { -readonly [K in keyof RawComponent]: RawComponent[K] };

const STATES = ['Unknown', 'Empty', 'Populated', 'Off', 'On', 'Standby', 'Halt', 'Ready'] as const;
const FLAGS = ['OK', 'Warning', 'Alert', 'Locked', 'Unknown'] as const;

function canonicalOf(list: readonly string[], value: string): string | undefined {
  const lower = value.toLowerCase();
  return list.find((s) => s.toLowerCase() === lower);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** rf.NormalizeVerifyMAC: any separators, any case, exactly 12 hex digits → `aa:bb:…`. */
export function normalizeSmdMac(mac: string): string {
  const hex = mac.toLowerCase().replace(/[:.\-]/g, '');
  if (hex.length !== 12) throw new SimProblem(400, 'MAC string has invalid length');
  if (!/^[0-9a-f]{12}$/.test(hex)) throw new SimProblem(400, 'MAC string has invalid characters');
  return hex.replace(/(..)(?!$)/g, '$1:');
}

/** Renders a component the way SMD emits it: fixed key order, empty/false/unset omitted. */
export function renderComponent(c: RawComponent): Record<string, unknown> {
  const out: Record<string, unknown> = { ID: c.ID, Type: c.Type };
  const str = (k: keyof RawComponent) => {
    const v = c[k];
    if (typeof v === 'string' && v !== '') out[k] = v;
  };
  str('State');
  str('Flag');
  if (c.Enabled !== undefined) out['Enabled'] = c.Enabled;
  str('SoftwareStatus');
  str('Role');
  str('SubRole');
  if (c.NID !== undefined) out['NID'] = c.NID;
  str('Subtype');
  str('NetType');
  str('Arch');
  str('Class');
  if (c.ReservationDisabled === true) out['ReservationDisabled'] = true;
  if (c.Locked === true) out['Locked'] = true;
  return out;
}

export class SmdStore {
  readonly #interfaces = new Map<string, StoredInterface>();
  readonly #components = new Map<string, StoredComponent>();
  readonly #now: () => Date;

  /** Loads an inventory as-is (like discovered data: MACs and IDs are not re-normalized). */
  constructor(inventory?: RawInventory, now: () => Date = () => new Date()) {
    this.#now = now;
    for (const e of inventory?.interfaces ?? []) this.#loadInterface(e);
    for (const c of inventory?.components ?? []) this.#components.set(c.ID, { ...c });
  }

  #loadInterface(e: RawEthernetInterface): void {
    const id = e.ID ?? e.MACAddress.toLowerCase().replace(/[:.\-]/g, '');
    this.#interfaces.set(id, {
      ID: id,
      Description: e.Description ?? '',
      MACAddress: e.MACAddress,
      LastUpdate: e.LastUpdate ?? this.#stamp(),
      ComponentID: e.ComponentID,
      Type: e.Type ?? (verifyXname(e.ComponentID)?.type ?? ''),
      IPAddresses: e.IPAddresses.map((m) => ({ ...m })),
    });
  }

  #stamp(): string {
    return this.#now().toISOString();
  }

  /** The current contents in the inventory document shape (for tests and dumps). */
  inventory(): RawInventory {
    return {
      interfaces: [...this.#interfaces.values()].map((i) => structuredClone(i)),
      components: [...this.#components.values()].map((c) => renderComponent(c) as unknown as RawComponent),
    };
  }

  //------------ EthernetInterfaces ----------------------------------------------

  listInterfaces(q: Query = {}): StoredInterface[] {
    const ids = q['id']?.map((v) => {
      if (v === '') throw new SimProblem(400, 'Invalid component ethernet interface ID.');
      return v.toLowerCase();
    });
    const macs = q['macaddress']?.map((v) => {
      if (v === '') throw new SimProblem(400, 'Invalid component ethernet interface MAC address.');
      return v.toLowerCase();
    });
    const compIds = q['componentid']?.map((v) => {
      if (v === '') return '';
      const x = verifyXname(v);
      if (x === undefined) throw new SimProblem(400, 'Invalid CompID.');
      return x.id;
    });
    const types = q['type']?.map((v) => {
      const t = normalizeHmsType(v);
      if (t === undefined) throw new SimProblem(400, 'Invalid HMS type.');
      return t;
    });
    const ips = q['ipaddress'];
    const networks = q['network'];
    const out: StoredInterface[] = [];
    for (const i of this.#interfaces.values()) {
      if (ids !== undefined && !ids.includes(i.ID)) continue;
      if (macs !== undefined && !macs.includes(i.MACAddress.toLowerCase())) continue;
      if (compIds !== undefined && !compIds.includes(i.ComponentID)) continue;
      if (types !== undefined && !types.includes(i.Type)) continue;
      // An empty IPAddress value selects interfaces without any address (spec §3.2).
      if (ips !== undefined && !ips.some((ip) => (ip === '' ? i.IPAddresses.length === 0 : i.IPAddresses.some((m) => m.IPAddress === ip)))) continue;
      if (networks !== undefined && !networks.some((n) => i.IPAddresses.some((m) => (m.Network ?? '') === n))) continue;
      out.push(i);
    }
    return out;
  }

  getInterface(id: string): StoredInterface {
    const found = this.#interfaces.get(id.toLowerCase());
    if (found === undefined) throw new SimProblem(404, `No such component ethernet interface: ${id.toLowerCase()}`);
    return found;
  }

  #ips(value: unknown): IpMapping[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new SimProblem(400, 'IPAddresses must be an array');
    return value.map((m: unknown) => {
      if (!isObject(m) || typeof m['IPAddress'] !== 'string' || m['IPAddress'] === '') {
        throw new SimProblem(400, 'Invalid IP address: IPAddress must be a non-empty string');
      }
      const out: IpMapping = { IPAddress: m['IPAddress'] };
      if (typeof m['Network'] === 'string' && m['Network'] !== '') out.Network = m['Network'];
      return out;
    });
  }

  #componentId(value: unknown): { id: string; type: string } {
    if (value === undefined || value === null || value === '') return { id: '', type: '' };
    const x = typeof value === 'string' ? verifyXname(value) : undefined;
    if (x === undefined) throw new SimProblem(400, 'Invalid CompEthInterface component ID');
    return x;
  }

  /** POST /Inventory/EthernetInterfaces: returns the new interface (spec §3.5). */
  createInterface(body: unknown): StoredInterface {
    if (!isObject(body)) throw new SimProblem(500, 'error decoding JSON: expected an object');
    const mac = normalizeSmdMac(typeof body['MACAddress'] === 'string' ? body['MACAddress'] : '');
    const comp = this.#componentId(body['ComponentID']);
    const id = mac.replace(/:/g, '');
    const ips = this.#ips(body['IPAddresses']);
    if (this.#interfaces.has(id)) {
      throw new SimProblem(409, 'operation would conflict with an existing component ethernet interface that has the same MAC address.');
    }
    const stored: StoredInterface = {
      ID: id,
      Description: typeof body['Description'] === 'string' ? body['Description'] : '',
      MACAddress: mac,
      LastUpdate: this.#stamp(),
      ComponentID: comp.id,
      Type: comp.type,
      IPAddresses: ips,
    };
    this.#interfaces.set(id, stored);
    return stored;
  }

  /** PATCH /Inventory/EthernetInterfaces/{id}: Description, ComponentID, IPAddresses. */
  patchInterface(id: string, body: unknown): StoredInterface {
    if (!isObject(body)) throw new SimProblem(500, 'error decoding JSON: expected an object');
    const has = (k: string) => body[k] !== undefined && body[k] !== null;
    if (!has('Description') && !has('ComponentID') && !has('IPAddresses')) {
      throw new SimProblem(400, 'Request must have at least one patch field.');
    }
    const found = this.#interfaces.get(id.toLowerCase());
    if (found === undefined) throw new SimProblem(404, 'no such component ethernet interface.');
    const comp = has('ComponentID') ? this.#componentId(body['ComponentID']) : undefined;
    const ips = has('IPAddresses') ? this.#ips(body['IPAddresses']) : undefined;
    if (typeof body['Description'] === 'string') found.Description = body['Description'];
    if (comp !== undefined) {
      found.ComponentID = comp.id;
      found.Type = comp.type;
    }
    if (ips !== undefined) found.IPAddresses = ips;
    found.LastUpdate = this.#stamp();
    return found;
  }

  deleteInterface(id: string): void {
    if (!this.#interfaces.delete(id.toLowerCase())) throw new SimProblem(404, 'no such component ethernet interface.');
  }

  deleteAllInterfaces(): number {
    const n = this.#interfaces.size;
    if (n === 0) throw new SimProblem(404, 'no entries to delete');
    this.#interfaces.clear();
    return n;
  }

  //------------ Components --------------------------------------------------------

  listComponents(q: Query = {}): Record<string, unknown>[] {
    const ids = q['id']?.map((v) => {
      const x = verifyXname(v);
      if (x === undefined) throw new SimProblem(400, 'bad query param: Argument was not a valid xname');
      return x.id;
    });
    const types = q['type']?.map((v) => {
      const t = normalizeHmsType(v);
      if (t === undefined) throw new SimProblem(400, 'bad query param: Argument was not a valid HMS Type');
      return t;
    });
    const states = q['state']?.map((v) => {
      const s = canonicalOf(STATES, v);
      if (s === undefined) throw new SimProblem(400, 'bad query param: Argument was not a valid HMS State');
      return s;
    });
    const nids = q['nid']?.map((v) => {
      if (!/^-?[0-9]+$/.test(v)) throw new SimProblem(400, 'bad query param: Argument was not a valid NID');
      return Number(v);
    });
    const roles = q['role']?.map((v) => v.toLowerCase());
    const enabled = q['enabled']?.map((v) => {
      if (!/^(true|false|1|0|t|f)$/i.test(v)) throw new SimProblem(400, 'bad query param: Argument was not a valid boolean');
      return /^(true|1|t)$/i.test(v);
    });
    const nidOnly = /^(true|1|t)$/i.test(q['nidonly']?.[0] ?? '');
    const out: Record<string, unknown>[] = [];
    for (const c of this.#components.values()) {
      if (ids !== undefined && !ids.includes(c.ID)) continue;
      if (types !== undefined && !types.includes(c.Type)) continue;
      if (states !== undefined && !states.includes(c.State ?? '')) continue;
      if (nids !== undefined && (c.NID === undefined || !nids.includes(c.NID))) continue;
      if (roles !== undefined && !roles.includes((c.Role ?? '').toLowerCase())) continue;
      if (enabled !== undefined && !enabled.includes(c.Enabled ?? true)) continue;
      if (nidOnly) {
        // Field selector `nidonly=true`: ID, Type and NID only (spec §3.3).
        out.push(c.NID === undefined ? { ID: c.ID, Type: c.Type } : { ID: c.ID, Type: c.Type, NID: c.NID });
      } else {
        out.push(renderComponent(c));
      }
    }
    return out;
  }

  getComponent(xname: string): Record<string, unknown> {
    const found = this.#components.get(normalizeXname(xname));
    if (found === undefined) throw new SimProblem(404, 'no such xname.');
    return renderComponent(found);
  }

  /** POST /State/Components: `{"Components":[...], "Force"?: bool}` (spec §3.5). */
  upsertComponents(body: unknown): number {
    if (!isObject(body)) throw new SimProblem(500, 'error decoding JSON: expected an object');
    const list = body['Components'];
    const force = body['Force'] === true;
    if (!Array.isArray(list) || list.length < 1 || !isObject(list[0]) || !list[0]['ID']) {
      throw new SimProblem(400, 'Missing Components');
    }
    // Validate everything first: SMD rejects the whole request on one bad entry.
    const incoming = list.map((item: unknown) => this.#verifyComponent(item));
    for (const c of incoming) {
      const existing = this.#components.get(c.ID);
      if (existing === undefined) {
        this.#components.set(c.ID, c);
      } else if (force) {
        for (const k of ['State', 'Flag', 'Subtype', 'NetType', 'Arch', 'Class'] as const) {
          if (c[k] !== undefined) existing[k] = c[k];
        }
      }
    }
    return incoming.length;
  }

  #verifyComponent(item: unknown): StoredComponent {
    if (!isObject(item)) throw new SimProblem(400, 'couldn\'t validate components: not an object');
    const rawId = typeof item['ID'] === 'string' ? item['ID'] : '';
    const x = verifyXname(rawId);
    if (x === undefined) throw new SimProblem(400, `couldn't validate components: xname ID '${rawId}' is invalid`);
    const state = typeof item['State'] === 'string' ? canonicalOf(STATES, item['State']) : undefined;
    if (state === undefined) {
      throw new SimProblem(400, `couldn't validate components: state '${String(item['State'] ?? '')}' is invalid for xname ID '${x.id}'`);
    }
    const flagIn = typeof item['Flag'] === 'string' ? item['Flag'] : '';
    const flag = flagIn === '' ? 'OK' : canonicalOf(FLAGS, flagIn);
    if (flag === undefined) throw new SimProblem(400, `couldn't validate components: flag '${flagIn}' is invalid for xname ID '${x.id}'`);
    const nid = item['NID'];
    if (nid !== undefined && nid !== null && !(typeof nid === 'number' && Number.isSafeInteger(nid))) {
      throw new SimProblem(500, 'error decoding JSON json: cannot unmarshal NID into an integer');
    }
    const c: StoredComponent = { ID: x.id, Type: x.type, State: state, Flag: flag };
    c.Enabled = typeof item['Enabled'] === 'boolean' ? item['Enabled'] : true;
    for (const k of ['SoftwareStatus', 'Role', 'SubRole', 'Subtype', 'NetType', 'Arch', 'Class'] as const) {
      const v = item[k];
      if (typeof v === 'string' && v !== '') c[k] = v;
    }
    if (typeof nid === 'number') c.NID = nid;
    if (x.type === 'Node' && c.Role === undefined) c.Role = 'Compute';
    return c;
  }

  #existing(xname: string): StoredComponent {
    const found = this.#components.get(normalizeXname(xname));
    if (found === undefined) throw new SimProblem(404, 'no such xname.');
    return found;
  }

  /** PATCH /State/Components/{xname}/NID: `{"NID": n}` (swagger doCompNIDPatch). */
  patchComponentNid(xname: string, body: unknown): void {
    const c = this.#existing(xname);
    const nid = isObject(body) ? body['NID'] : undefined;
    if (nid === undefined || nid === null) throw new SimProblem(400, 'missing NID');
    if (!(typeof nid === 'number' && Number.isSafeInteger(nid))) {
      throw new SimProblem(500, 'error decoding JSON json: cannot unmarshal NID into an integer');
    }
    c.NID = nid;
  }

  /** PATCH /State/Components/{xname}/Enabled: `{"Enabled": bool}`. */
  patchComponentEnabled(xname: string, body: unknown): void {
    const c = this.#existing(xname);
    const enabled = isObject(body) ? body['Enabled'] : undefined;
    if (typeof enabled !== 'boolean') throw new SimProblem(400, 'missing or invalid Enabled');
    c.Enabled = enabled;
  }

  /** PATCH /State/Components/{xname}/StateData: `{"State": s, "Flag"?: f}`; Flag defaults to OK. */
  patchComponentState(xname: string, body: unknown): void {
    const c = this.#existing(xname);
    const stateIn = isObject(body) && typeof body['State'] === 'string' ? body['State'] : '';
    const state = canonicalOf(STATES, stateIn);
    if (state === undefined) throw new SimProblem(400, `invalid State '${stateIn}'`);
    const flagIn = isObject(body) && typeof body['Flag'] === 'string' ? body['Flag'] : '';
    const flag = flagIn === '' ? 'OK' : canonicalOf(FLAGS, flagIn);
    if (flag === undefined) throw new SimProblem(400, `invalid Flag '${flagIn}'`);
    c.State = state;
    c.Flag = flag;
  }

  deleteComponent(xname: string): void {
    const x = verifyXname(xname);
    if (x === undefined) throw new SimProblem(400, 'invalid xname');
    if (!this.#components.delete(x.id)) throw new SimProblem(404, 'no such xname.');
  }

  deleteAllComponents(): number {
    const n = this.#components.size;
    if (n === 0) throw new SimProblem(404, 'no entries to delete');
    this.#components.clear();
    return n;
  }
}
