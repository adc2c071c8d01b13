// The rule model (internal/rule), spec §3. Rules are immutable once parsed; the config layer
// derives a copy with the inherited log level (spec §2.2 rule_log).
import type { Cidr, IpAddress } from '../../../wire/addr.ts';

/** A rule's own `log:`; '' means "inherit the global rule_log" (spec §3.2 #1). */
export type RuleLog = '' | 'info' | 'debug' | 'none';

/** Normalised `domain_append` (spec §3.4); '' is the default mode. */
export type DomainAppend = '' | 'global' | 'rule' | 'global|rule' | 'rule|global' | 'none';

/** The reserved `id_set` matcher (spec §11): no configuration can build one yet. */
export interface IdSetMatcher {
  match(componentId: string): boolean;
  readonly text: string;
}

export interface RuleMatch {
  /** undefined matches every type; Go's nil map (spec §3.3). */
  readonly types: ReadonlySet<string> | undefined;
  /** Canonical (masked) networks; any one containing the target's first IP matches. */
  readonly subnets: readonly Cidr[];
  /** Matched after trimming; '' means no id condition. */
  readonly id: string;
  readonly idSet: IdSetMatcher | undefined;
}

/**
 * A mask as Go's net.IPMask keeps it: 4 bytes (`netmask:`, `cidr:`, an IPv4 subnet) or 16
 * bytes (implied by an IPv6 subnet, spec §3.2 #11). Always contiguous with ones > 0.
 */
export interface RuleNetmask {
  readonly bits: 32 | 128;
  readonly ones: number;
}

export interface RuleAction {
  readonly hostname: string;
  readonly domain: string;
  readonly domainAppend: DomainAppend;
  readonly netmask: RuleNetmask | undefined;
  /** IPv4 addresses as unsigned 32-bit numbers, in the written order. */
  readonly routers: readonly number[];
  readonly continue: boolean;
  readonly ignore: boolean;
}

export interface Rule {
  readonly name: string;
  readonly log: RuleLog;
  readonly match: RuleMatch;
  readonly action: RuleAction;
}

/**
 * What a rule is evaluated against: one SMD interface and its component (the original's
 * IfaceInfo). `nid` is only meaningful for Type "Node"; see makeRuleTarget.
 */
export interface RuleTarget {
  readonly componentId: string;
  readonly type: string;
  readonly nid: number;
  /** In SMD order; only the first one is matched by `subnet:` (spec §3.3). */
  readonly ips: readonly IpAddress[];
  readonly mac?: string;
}

/** Builds a target the way lookupMAC does: the NID is kept only for Type "Node" (spec §3.5). */
export function makeRuleTarget(
  componentId: string,
  type: string,
  nid: number,
  ips: readonly IpAddress[],
  mac?: string,
): RuleTarget {
  const base = { componentId, type, nid: type === 'Node' ? nid : 0, ips };
  return Object.freeze(mac === undefined ? base : { ...base, mac });
}
