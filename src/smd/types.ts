// The subset of SMD's JSON that we read (spec coresmd-dns §3.2, §3.3), after validation.
// Keys keep SMD's spelling so a validated inventory serializes back to SMD's own shape
// (cache_file, smd-sim, examples/inventory.json). Optional keys are absent, never undefined.

/** One element of `IPAddresses` (SMD `IPAddressMapping`). */
export interface RawIpAddressMapping {
  /** Stored unvalidated by SMD: may be garbage, which the snapshot skips and counts. */
  readonly IPAddress: string;
  /** Network name (`management`, `HSN`); SMD omits it when empty. */
  readonly Network?: string;
}

/** One element of `GET /hsm/v2/Inventory/EthernetInterfaces` (SMD `CompEthInterfaceV2`). */
export interface RawEthernetInterface {
  /** MAC without separators, e.g. `525400beef01`. */
  readonly ID?: string;
  readonly Description?: string;
  /** As stored by SMD: normally lowercase colon form, but see spec coresmd-dns §5.8. */
  readonly MACAddress: string;
  readonly LastUpdate?: string;
  /** Normalized xname, or `""` when not yet associated with a component. */
  readonly ComponentID: string;
  /** HMS type derived from ComponentID, or `""`. */
  readonly Type?: string;
  readonly IPAddresses: readonly RawIpAddressMapping[];
}

/** One element of `GET /hsm/v2/State/Components` → `Components` (hms-base `Component`). */
export interface RawComponent {
  readonly ID: string;
  readonly Type: string;
  readonly State?: string;
  readonly Flag?: string;
  readonly Enabled?: boolean;
  readonly SoftwareStatus?: string;
  readonly Role?: string;
  readonly SubRole?: string;
  /** Omitted by SMD when the component has no NID; never defaulted to 0 here. */
  readonly NID?: number;
  readonly Subtype?: string;
  readonly NetType?: string;
  readonly Arch?: string;
  readonly Class?: string;
  readonly ReservationDisabled?: boolean;
  readonly Locked?: boolean;
}

/** Both lists from one fetch. A refresh is all or nothing (spec coresmd-dns §5.13). */
export interface RawInventory {
  readonly interfaces: readonly RawEthernetInterface[];
  readonly components: readonly RawComponent[];
}

/** Where inventories come from: SMD over HTTP(S) or a JSON file. */
export interface InventorySource {
  readonly kind: 'smd' | 'file';
  /** For logs and status: the URL, never credentials. */
  describe(): string;
  /** Resolves with a validated inventory or rejects with an SmdError (or a transport error). */
  fetch(): Promise<RawInventory>;
}
