// domain_append normalisation and lookupHostname (internal/rule), spec §3.4.
import { expandHostnamePattern } from './hostname.ts';
import type { DomainAppend, Rule, RuleTarget } from './rule.ts';

/**
 * Normalises a `domain_append` value: lowercased, trimmed, `|`-separated tokens from
 * {global, rule, none}, no repeats, `none` alone. Order of global/rule is kept.
 * Returns undefined when invalid (the caller builds the contract error text).
 */
export function normalizeDomainAppend(raw: string): Exclude<DomainAppend, ''> | undefined {
  const s = raw.toLowerCase().trim();
  if (s === '') return undefined;
  const seen: string[] = [];
  for (const part of s.split('|')) {
    const tok = part.trim();
    if (tok === '') continue;
    if (tok !== 'global' && tok !== 'rule' && tok !== 'none') return undefined;
    if (seen.includes(tok)) return undefined;
    seen.push(tok);
  }
  if (seen.includes('none')) return seen.length === 1 ? 'none' : undefined;
  if (seen.length === 0) return undefined;
  return seen.join('|') as 'global' | 'rule' | 'global|rule' | 'rule|global';
}

/** Trims whitespace and every leading dot: `.cluster.local` → `cluster.local` (spec §3.4 step 2). */
function cleanDomain(d: string): string {
  return d.trim().replace(/^\.+/, '');
}

/**
 * The FQDN for `pattern`: expanded with the target's NID and component ID, then the global
 * (G) and/or rule (R) domain appended per the rule's domain_append mode. Trailing dots are
 * kept (spec §3.4). `rule` undefined stands for the original's empty Rule{} (the fallback).
 */
export function lookupHostname(pattern: string, globalDomain: string, target: RuleTarget, rule?: Rule): string {
  const nid = target.type === 'Node' ? target.nid : 0;
  const h = expandHostnamePattern(pattern, nid, target.componentId);
  const g = cleanDomain(globalDomain);
  const ruleDomain = rule?.action.domain ?? '';
  const r = cleanDomain(ruleDomain);
  // Unreachable through configuration (parseRule rejects domain:none), kept for fidelity.
  if (ruleDomain.trim().toLowerCase() === 'none') return h;
  const mode = rule?.action.domainAppend ?? '';
  if (mode === 'none') return h;
  if (mode === '') {
    if (r !== '') return `${h}.${r}`;
    if (g !== '') return `${h}.${g}`;
    return h;
  }
  const parts = [h];
  for (const tok of mode.split('|')) {
    if (tok === 'global' && g !== '') parts.push(g);
    if (tok === 'rule' && r !== '') parts.push(r);
  }
  return parts.join('.');
}
