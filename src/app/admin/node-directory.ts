// How the timeline store names the node behind an event: the inventory's MAC → xname and
// address → MAC maps, read from the current snapshot at the moment the event arrives.
import type { Snapshot } from '../../smd/snapshot.ts';

export interface NodeDirectory {
  /** True once there is an inventory to ask; before that no MAC counts as unknown. */
  hasInventory(): boolean;
  /** The component SMD gives this MAC, if it knows the MAC. */
  xnameOfMac(mac: string): string | undefined;
  /** The MAC SMD gives this address, if any. */
  macOfIp(ip: string): string | undefined;
}

export function snapshotDirectory(current: () => Snapshot | undefined): NodeDirectory {
  return {
    hasInventory: () => current() !== undefined,
    xnameOfMac: (mac) => current()?.byMac(mac)?.componentId,
    macOfIp: (ip) => current()?.byIp(ip)[0]?.mac,
  };
}

/** No inventory: events keep what their service said. */
export const emptyDirectory: NodeDirectory = {
  hasInventory: () => false,
  xnameOfMac: () => undefined,
  macOfIp: () => undefined,
};
