// Rule.String() and generated rule names (internal/rule), spec §3.6. The text form is hashed to
// name unnamed rules, so every byte of it matters: check against the [DERIVED] table in §3.6.
import { createHash } from 'node:crypto';
import { formatIPv4 } from '../../../wire/addr.ts';
import type { Rule, RuleAction, RuleMatch } from './rule.ts';

/** Match.String(): `types:` (sorted) `,subnets:` `,id:` `,id_set:`, leading commas trimmed. */
export function formatRuleMatch(m: RuleMatch): string {
  let s = '';
  // Go's sort.Strings orders bytes; UTF-16 order agrees for the ASCII type names SMD uses.
  if (m.types !== undefined) s += `,types:${[...m.types].sort().join('|')}`;
  if (m.subnets.length > 0) s += `,subnets:${m.subnets.map((c) => c.text).join('|')}`;
  const id = m.id.trim();
  if (id !== '') s += `,id:${id}`;
  if (m.idSet !== undefined) s += `,id_set:${m.idSet.text}`;
  return s.replace(/^,+/, '');
}

/** Action.String(): continue and ignore are always present; netmask as `/ones`. */
export function formatRuleAction(a: RuleAction): string {
  let s = '';
  const hn = a.hostname.trim();
  if (hn !== '') s += `,hostname:${hn}`;
  const dom = a.domain.trim();
  if (dom !== '') s += `,domain:${dom}`;
  const da = a.domainAppend.trim();
  if (da !== '') s += `,domain_append:${da}`;
  s += `,continue:${a.continue},ignore:${a.ignore}`;
  if (a.netmask !== undefined && a.netmask.ones > 0) s += `,netmask:/${a.netmask.ones}`;
  if (a.routers.length > 0) s += `,routers:${a.routers.map(formatIPv4).join('|')}`;
  return s.replace(/^,+/, '');
}

/** Rule.String(): `name:<n>,log:<l>,<match>,<action>`. */
export function formatRule(r: Rule): string {
  return `name:${r.name},log:${r.log},${formatRuleMatch(r.match)},${formatRuleAction(r.action)}`;
}

/**
 * `rule-` + the first 4 bytes of SHA-256 over String(), computed before the name is set (it is
 * '' or, for `name:' '`, the whitespace) and while the log is the rule's own, so the name does
 * not depend on the global rule_log.
 */
export function generateRuleName(unnamed: Rule): string {
  const digest = createHash('sha256').update(formatRule(unnamed), 'utf8').digest();
  return `rule-${digest.subarray(0, 4).toString('hex')}`;
}
