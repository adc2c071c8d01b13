// HMS xnames (spec coresmd-dns §3.6): normalization and type recognition as SMD does them on
// write, so the simulator stores what a real SMD would. Patterns are hms-xname's recognition
// table (xnametypes/hmstypes.go, v1.4.0), physical component types only: the query-only
// specials (`s0`, `all`, partitions, `sms#`) are not component IDs.

const PATTERNS: readonly (readonly [type: string, re: RegExp])[] = [
  ['CDU', /^d([0-9]+)$/],
  ['CDUMgmtSwitch', /^d([0-9]+)w([0-9]+)$/],
  ['CabinetCDU', /^x([0-9]{1,4})d([0-1])$/],
  ['CabinetPDUController', /^x([0-9]{1,4})m([0-3])$/],
  ['CabinetPDU', /^x([0-9]{1,4})m([0-3])p([0-7])$/],
  ['CabinetPDUNic', /^x([0-9]{1,4})m([0-3])i([0-3])$/],
  ['CabinetPDUOutlet', /^x([0-9]{1,4})m([0-3])p([0-7])j([1-9][0-9]*)$/],
  ['CabinetPDUPowerConnector', /^x([0-9]{1,4})m([0-3])p([0-7])v([1-9][0-9]*)$/],
  ['CEC', /^x([0-9]{1,4})e([0-1])$/],
  ['Cabinet', /^x([0-9]{1,4})$/],
  ['CabinetBMC', /^x([0-9]{1,4})b(0)$/],
  ['Chassis', /^x([0-9]{1,4})c([0-7])$/],
  ['ChassisBMC', /^x([0-9]{1,4})c([0-7])b(0)$/],
  ['ChassisBMCNic', /^x([0-9]{1,4})c([0-7])b(0)i([0-3])$/],
  ['CMMFpga', /^x([0-9]{1,4})c([0-7])f(0)$/],
  ['CMMRectifier', /^x([0-9]{1,4})c([0-7])t([0-9])$/],
  ['ComputeModule', /^x([0-9]{1,4})c([0-7])s([0-9]+)$/],
  ['StorageGroup', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)n([0-9]+)g([0-9]+)$/],
  ['Drive', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)n([0-9]+)g([0-9]+)k([0-9]+)$/],
  ['NodeFpga', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)f(0)$/],
  ['NodeBMC', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)$/],
  ['NodeBMCNic', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)i([0-3])$/],
  ['NodeEnclosure', /^x([0-9]{1,4})c([0-7])s([0-9]+)e([0-9]+)$/],
  ['NodeEnclosurePowerSupply', /^x([0-9]{1,4})c([0-7])s([0-9]+)e([0-9]+)t([0-9]+)$/],
  ['NodePowerConnector', /^x([0-9]{1,4})c([0-7])s([0-9]+)[jv]([1-2])$/],
  ['HSNBoard', /^x([0-9]{1,4})c([0-7])r([0-9]+)e([0-9]+)$/],
  ['Node', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)n([0-9]+)$/],
  ['VirtualNode', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)n([0-9]+)v([0-9]+)$/],
  ['NodeNic', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)n([0-9]+)i([0-3])$/],
  ['NodeHsnNic', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)n([0-9]+)h([0-3])$/],
  ['NodeAccel', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)n([0-9]+)a([0-9]+)$/],
  ['NodeAccelRiser', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)n([0-9]+)r([0-7])$/],
  ['Memory', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)n([0-9]+)d([0-9]+)$/],
  ['Processor', /^x([0-9]{1,4})c([0-7])s([0-9]+)b([0-9]+)n([0-9]+)p([0-3])$/],
  ['RouterModule', /^x([0-9]{1,4})c([0-7])r([0-9]+)$/],
  ['RouterFpga', /^x([0-9]{1,4})c([0-7])r([0-9]+)f([01])$/],
  ['RouterTOR', /^x([0-9]{1,4})c([0-7])r([0-9]+)t([0-9]+)$/],
  ['RouterTORFpga', /^x([0-9]{1,4})c([0-7])r([0-9]+)t([0-9]+)f([0-1])$/],
  ['RouterBMC', /^x([0-9]{1,4})c([0-7])r([0-9]+)b([0-9]+)$/],
  ['RouterBMCNic', /^x([0-9]{1,4})c([0-7])r([0-9]+)b([0-9]+)i([0-3])$/],
  ['RouterPowerConnector', /^x([0-9]{1,4})c([0-7])r([0-9]+)v([1-2])$/],
  ['HSNAsic', /^x([0-9]{1,4})c([0-7])r([0-9]+)a([0-3])$/],
  ['HSNConnector', /^x([0-9]{1,4})c([0-7])r([0-9]+)j([1-9][0-9]*)$/],
  ['HSNConnectorPort', /^x([0-9]{1,4})c([0-7])r([0-9]+)j([1-9][0-9]*)p([012])$/],
  ['HSNLink', /^x([0-9]{1,4})c([0-7])r([0-9]+)a([0-3])l([0-9]+)$/],
  ['MgmtSwitch', /^x([0-9]{1,4})c([0-7])w([1-9][0-9]*)$/],
  ['MgmtSwitchConnector', /^x([0-9]{1,4})c([0-7])w([1-9][0-9]*)j([1-9][0-9]*)$/],
  ['MgmtHLSwitchEnclosure', /^x([0-9]{1,4})c([0-7])h([1-9][0-9]*)$/],
  ['MgmtHLSwitch', /^x([0-9]{1,4})c([0-7])h([1-9][0-9]*)s([1-9])$/],
];

/** Every HMS type name, keyed by its lowercase form (SMD matches `type=` filters case-insensitively). */
const TYPES_BY_LOWER: ReadonlyMap<string, string> = new Map(PATTERNS.map(([t]) => [t.toLowerCase(), t]));

/** SMD's NormalizeHMSCompID: trim, lowercase, strip leading zeros from each number (`X01C0` → `x1c0`). */
export function normalizeXname(id: string): string {
  return id.trim().toLowerCase().replace(/(^|[^0-9])0+(?=[0-9])/g, '$1');
}

/** HMS type of a normalized xname (`Node`, `NodeBMC`, …), or undefined for invalid IDs. */
export function xnameType(normalized: string): string | undefined {
  for (const [type, re] of PATTERNS) if (re.test(normalized)) return type;
  return undefined;
}

/** Normalizes and checks in one step: the canonical ID and its type, or undefined. */
export function verifyXname(id: string): { id: string; type: string } | undefined {
  const norm = normalizeXname(id);
  const type = xnameType(norm);
  return type === undefined ? undefined : { id: norm, type };
}

/** Canonical spelling of an HMS type name given in any case, or undefined. */
export function normalizeHmsType(type: string): string | undefined {
  return TYPES_BY_LOWER.get(type.trim().toLowerCase());
}
