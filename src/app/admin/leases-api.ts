// GET /api/v1/leases[?format=csv|dnsmasq]: the bootloop leases (temporary addresses of MACs SMD
// does not know) and the last SMD-backed assignment per MAC, as JSON, as CSV, or in dnsmasq's
// lease-file format (`<expiry> <mac> <ip> <hostname> <client-id>`, expiry 0 = infinite, which
// is what an SMD address is), for tools that already read dnsmasq.leases.
import { formatIPv4 } from '../../wire/addr.ts';
import type { BootloopLeases } from '../../dhcp/service/bootloop/leases.ts';
import { isoTime } from './boot-event.ts';
import type { BootEventStore } from './event-store.ts';

export interface LeaseRows {
  readonly bootloop: readonly { readonly mac: string; readonly ip: string; readonly expiresAt: number; readonly hostname: string }[];
  readonly assigned: readonly { readonly mac: string; readonly ip: string; readonly xname: string | undefined; readonly at: number; readonly service: string }[];
}

export function leaseRows(leases: BootloopLeases | undefined, store: BootEventStore): LeaseRows {
  const bootloop = leases === undefined ? [] : [...leases.store.all()].map((l) => ({ mac: l.mac, ip: formatIPv4(l.ip), expiresAt: l.expiresAt, hostname: l.hostname }));
  bootloop.sort((a, b) => a.expiresAt - b.expiresAt);
  return { bootloop, assigned: store.assignments() };
}

export function leasesJson(rows: LeaseRows): Record<string, unknown> {
  return {
    bootloop: rows.bootloop.map((l) => ({ mac: l.mac, ip: l.ip, expiresAt: isoTime(l.expiresAt) })),
    assigned: rows.assigned.map((a) => ({ mac: a.mac, ip: a.ip, xname: a.xname ?? null, at: isoTime(a.at), service: a.service })),
  };
}

/** RFC 4180: quote a field holding a comma, quote or line break. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export const CSV_HEADER = 'kind,mac,ip,xname,time,service';

/** One row per lease: kind bootloop (time = expiry) or assigned (time = when it was handed out). */
export function leasesCsv(rows: LeaseRows): string {
  const lines = [CSV_HEADER];
  for (const l of rows.bootloop) lines.push(['bootloop', l.mac, l.ip, '', isoTime(l.expiresAt), 'dhcp4'].map(csvField).join(','));
  for (const a of rows.assigned) lines.push(['assigned', a.mac, a.ip, a.xname ?? '', isoTime(a.at), a.service].map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** dnsmasq's lease file: `<expiry epoch s> <mac> <ip> <hostname|*> <client-id|*>`. */
export function leasesDnsmasq(rows: LeaseRows): string {
  const host = (h: string | undefined): string => (h === undefined || h === '' || /\s/.test(h) ? '*' : h);
  const lines: string[] = [];
  for (const l of rows.bootloop) lines.push(`${Math.floor(l.expiresAt / 1000)} ${l.mac} ${l.ip} ${host(l.hostname)} *`);
  // dnsmasq writes IPv6 leases after a `duid` line; those rows carry the IAID, which we do not
  // keep, so only IPv4 assignments are exported.
  for (const a of rows.assigned) if (!a.ip.includes(':')) lines.push(`0 ${a.mac} ${a.ip} ${host(a.xname)} *`);
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
