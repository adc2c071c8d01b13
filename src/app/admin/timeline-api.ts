// GET /api/v1/nodes/{mac|xname}/timeline: everything recorded about one node, oldest first:
// DHCP requests and replies (with the rule that decided), TFTP transfers, HTTP boot files, the
// second DHCP from iPXE with its boot-script URL, DNS lookups of its names. A MAC names its
// node (the SMD component that has it, whose other MACs are included); an xname names the
// component. 404 when neither the inventory nor the event store knows the id.
import { parseMac } from '../../wire/addr.ts';
import type { Snapshot } from '../../smd/snapshot.ts';
import { normalizeXname } from '../../smd/xname.ts';
import { bootEventJson } from './boot-event.ts';
import type { BootEventStore } from './event-store.ts';
import { HttpError } from './http-util.ts';

export interface NodeId {
  readonly xname: string | undefined;
  readonly macs: readonly string[];
}

/** The node an id names, from the inventory; a MAC SMD does not know stands alone. */
export function resolveNode(id: string, snapshot: Snapshot | undefined): NodeId {
  const mac = parseMac(id);
  if (mac !== undefined) {
    const comp = snapshot?.byMac(mac)?.component;
    const macs = [mac];
    for (const i of comp?.interfaces ?? []) if (!macs.includes(i.mac)) macs.push(i.mac);
    return { xname: comp?.id ?? snapshot?.byMac(mac)?.componentId, macs };
  }
  const xname = normalizeXname(id);
  if (xname === '' || /[^a-z0-9]/.test(xname)) throw new HttpError(400, `not a MAC address or an xname: '${id}'`);
  const comp = snapshot?.byXname(xname);
  return { xname, macs: comp?.interfaces.map((i) => i.mac) ?? [] };
}

export function timelineReport(id: string, snapshot: Snapshot | undefined, store: BootEventStore): Record<string, unknown> {
  const node = resolveNode(id, snapshot);
  const inInventory = node.xname !== undefined && snapshot?.byXname(node.xname) !== undefined;
  const knownMac = node.macs.some((m) => snapshot?.byMac(m) !== undefined);
  if (!inInventory && !knownMac && !store.knows(node)) throw new HttpError(404, `nothing is known of '${id}'`);
  const events = store.timeline(node);
  // A MAC SMD does not know may still have been tied to a name by an earlier event.
  const xname = node.xname ?? events.find((e) => e.xname !== undefined)?.xname;
  return { node: { xname: xname ?? null, macs: node.macs }, events: events.map(bootEventJson) };
}
