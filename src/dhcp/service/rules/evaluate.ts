// Evaluate4 / Evaluate6 (internal/rule), spec §3.3: runs the rules in order against one target
// and returns a decision; the caller applies it to the reply (no packets here).
//
// Deliberate differences from the original, both documented in spec §3.3:
// - An IPv6 `subnet:` never yields a DHCPv4 netmask. The original writes the first 4 bytes of
//   the implied 16-byte mask into option 1 (255.255.255.255 for a /64).
// - A rule's own `log:` replaces the global rule_log instead of only adding to it, so `log:none`
//   silences that rule and `log:info`/`log:debug` turn it on under `rule_log=none`.
import { prefixToMask } from '../../../wire/addr.ts';
import { lookupHostname } from './domain.ts';
import { matchRule } from './match.ts';
import type { Rule, RuleLog, RuleTarget } from './rule.ts';

/** The fallback pattern used when no rule set a hostname (rule.DefaultPattern). */
export const DEFAULT_HOSTNAME_PATTERN = 'unknown-{04d}';

export interface RuleContext {
  /** The coresmd `domain` key. */
  readonly globalDomain: string;
  /** The coresmd `rule_log` key; '' behaves as info. */
  readonly ruleLog: RuleLog;
}

export interface RuleLogEntry {
  /**
   * The rule_log level that asked for this entry: 'info' for matches and ignores, 'debug' for
   * non-matches. Every returned entry is meant to be logged (the original logs them at INFO).
   */
  readonly level: 'info' | 'debug';
  readonly ruleIndex: number;
  readonly ruleName: string;
  readonly event: 'matched' | 'not-matched' | 'ignored';
}

export interface RuleDecision6 {
  /** false only when an `ignore` rule matched: drop the request, stop the chain. */
  readonly respond: boolean;
  readonly ignoredBy?: string;
  /** The FQDN to send; '' when respond is false. Never empty otherwise (fallback applied). */
  readonly hostname: string;
  /** Names of the rules that matched, in order (the ignoring one included). */
  readonly matched: readonly string[];
  readonly logs: readonly RuleLogEntry[];
}

export interface RuleDecision4 extends RuleDecision6 {
  /** Option 3, replacing any earlier value; absent when no matching rule set routers. */
  readonly routers?: readonly number[];
  /** Option 1 as an unsigned 32-bit mask; absent when no matching rule gave an IPv4 mask. */
  readonly netmask?: number;
}

function effectiveLog(rule: Rule, ctx: RuleContext): RuleLog {
  if (rule.log !== '') return rule.log;
  return ctx.ruleLog === '' ? 'info' : ctx.ruleLog;
}

export function evaluate4(target: RuleTarget, rules: readonly Rule[], ctx: RuleContext): RuleDecision4 {
  return run(target, rules, ctx, true);
}

export function evaluate6(target: RuleTarget, rules: readonly Rule[], ctx: RuleContext): RuleDecision6 {
  const { respond, ignoredBy, hostname, matched, logs } = run(target, rules, ctx, false);
  return ignoredBy === undefined ? { respond, hostname, matched, logs } : { respond, ignoredBy, hostname, matched, logs };
}

function run(target: RuleTarget, rules: readonly Rule[], ctx: RuleContext, v4: boolean): RuleDecision4 {
  const logs: RuleLogEntry[] = [];
  const matched: string[] = [];
  let hostname = '';
  let routers: readonly number[] | undefined;
  let netmask: number | undefined;

  for (const [ruleIndex, rule] of rules.entries()) {
    const level = effectiveLog(rule, ctx);
    const ruleName = rule.name;
    if (!matchRule(rule, target)) {
      if (level === 'debug') logs.push({ level: 'debug', ruleIndex, ruleName, event: 'not-matched' });
      continue;
    }
    matched.push(ruleName);
    const loud = level === 'info' || level === 'debug';
    if (loud) logs.push({ level: 'info', ruleIndex, ruleName, event: 'matched' });

    // ignore wins at once: nothing from this or earlier rules is used (spec §3.3 step 1).
    if (rule.action.ignore) {
      if (loud) logs.push({ level: 'info', ruleIndex, ruleName, event: 'ignored' });
      return { respond: false, ignoredBy: ruleName, hostname: '', matched, logs };
    }

    const pattern = rule.action.hostname.trim();
    if (pattern !== '') hostname = lookupHostname(pattern, ctx.globalDomain, target, rule);

    if (v4) {
      if (rule.action.routers.length > 0) routers = rule.action.routers;
      // An explicit netmask/cidr is always 32 bits; a subnet-implied one counts only when it
      // came from an IPv4 subnet (fix: the original sends 255.255.255.255 for `subnet:fd00::/64`).
      let mask = rule.action.netmask;
      if (mask === undefined || mask.bits !== 32) {
        const first = rule.match.subnets[0];
        mask = first !== undefined && first.family === 4 && first.prefix > 0 ? { bits: 32, ones: first.prefix } : undefined;
      }
      if (mask !== undefined) netmask = prefixToMask(mask.ones);
    }

    if (!rule.action.continue) break;
  }

  // Fallback (spec §3.3): option 12 / the FQDN is always present in a reply.
  if (hostname.trim() === '') hostname = lookupHostname(DEFAULT_HOSTNAME_PATTERN, ctx.globalDomain, target);
  const decision: { -readonly [K in keyof RuleDecision4]: RuleDecision4[K] } = { respond: true, hostname, matched, logs };
  if (routers !== undefined) decision.routers = routers;
  if (netmask !== undefined) decision.netmask = netmask;
  return decision;
}
