// What DHCPv4 and DHCPv6 boot events say alike about the handler and rule that decided a
// request (src/seams/boot-events.ts): the `(plugin, rule r)` of a reply's summary, the decision
// fields of its detail, and the whole event of a request that got no reply.
import type { BootEventDetail, BootEventInput } from '../../seams/boot-events.ts';
import type { Dhcp4Decision } from './draft.ts';

/** Where the reply's address came from: SMD, a bootloop lease, or another plugin by name. */
export function sourceOf(decision: Dhcp4Decision | undefined): string | undefined {
  if (decision === undefined) return undefined;
  return decision.plugin === 'coresmd' ? 'smd' : decision.plugin;
}

const ruleOf = (by: Dhcp4Decision | undefined): string | undefined => (by?.rule === undefined || by.rule === '' ? undefined : by.rule);

/** ` (coresmd, rule nodes)`, the end of a reply's summary; '' without a decision. */
export function decidedByText(by: Dhcp4Decision | undefined): string {
  if (by === undefined) return '';
  const rule = ruleOf(by);
  return ` (${by.plugin}${rule === undefined ? '' : `, rule ${rule}`})`;
}

/** The decision fields of a reply event's detail. */
export function decisionDetail(by: Dhcp4Decision | undefined): BootEventDetail {
  return { plugin: by?.plugin, rule: ruleOf(by), reason: by?.reason, source: sourceOf(by) };
}

/** `by` is the last decision of the chain (the one that dropped it), if any. */
export function dropEvent(service: 'dhcp4' | 'dhcp6', reason: string, request: string, mac: string | undefined, by: Dhcp4Decision | undefined, extra: BootEventDetail): BootEventInput {
  const quarantined = reason === 'quarantined';
  const rule = ruleOf(by);
  const why = by === undefined ? reason : `${reason}: ${by.plugin}${rule === undefined ? '' : ` rule ${rule}`}: ${by.reason}`;
  return {
    service,
    type: quarantined ? 'quarantined' : 'ignored',
    mac,
    summary: quarantined ? `${request} not answered: MAC is quarantined` : `${request} not answered (${why})`,
    detail: { request, reason, plugin: by?.plugin, rule, decision: by?.reason, ...extra },
  };
}
