// The boot event of a DHCP request that got no reply (DHCPv4 and DHCPv6 alike): quarantined, or
// ignored with the handler and rule that decided (src/seams/boot-events.ts).
import type { BootEventDetail, BootEventInput } from '../../seams/boot-events.ts';
import type { Dhcp4Decision } from './draft.ts';

/** `by` is the last decision of the chain (the one that dropped it), if any. */
export function dropEvent(service: 'dhcp4' | 'dhcp6', reason: string, request: string, mac: string | undefined, by: Dhcp4Decision | undefined, extra: BootEventDetail): BootEventInput {
  const quarantined = reason === 'quarantined';
  const rule = by?.rule === undefined || by.rule === '' ? undefined : by.rule;
  const why = by === undefined ? reason : `${reason}: ${by.plugin}${rule === undefined ? '' : ` rule ${rule}`}: ${by.reason}`;
  return {
    service,
    type: quarantined ? 'quarantined' : 'ignored',
    mac,
    summary: quarantined ? `${request} not answered: MAC is quarantined` : `${request} not answered (${why})`,
    detail: { request, reason, plugin: by?.plugin, rule, decision: by?.reason, ...extra },
  };
}
