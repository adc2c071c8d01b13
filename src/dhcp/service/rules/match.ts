// MatchIface (internal/rule), spec §3.3: every condition the rule has must hold (AND); within
// a type or subnet list any entry is enough (OR). A rule without conditions matches everything.
import { cidrContains } from '../../../wire/addr.ts';
import type { Rule, RuleTarget } from './rule.ts';

export function matchRule(rule: Rule, target: RuleTarget): boolean {
  const m = rule.match;
  if (m.types !== undefined && m.types.size > 0 && !m.types.has(target.type)) return false;
  if (m.subnets.length > 0) {
    // Only the first address counts: it is the one DHCPv4 assigns (spec §3.3, §5.1 step 2).
    const first = target.ips[0];
    if (first === undefined || !m.subnets.some((c) => cidrContains(c, first))) return false;
  }
  const id = m.id.trim();
  if (id !== '') {
    if (target.componentId !== id) return false;
  } else if (m.idSet !== undefined && !m.idSet.match(target.componentId)) {
    return false;
  }
  return true;
}
