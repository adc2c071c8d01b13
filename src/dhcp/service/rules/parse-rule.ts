// ParseRule and createRuleCompDict (internal/rule), spec §3.1–3.2: the text after `rule=` to a
// Rule. Every check runs in the original's order and the first failure is thrown, with the
// original's message text (spec §3.7 L); only `id_set` has a clearer message (see below).
import { parseCidr, parseIp, type Cidr } from '../../../wire/addr.ts';
import { normalizeDomainAppend } from './domain.ts';
import {
  errBadQuote,
  errDuplicateKey,
  errEmptyRule,
  errInvalidValue,
  errKeyValFormat,
  errMutualExclusion,
  errNoKey,
  errRequiredKeys,
  errUnknownKey,
  errUnsupported,
} from './errors.ts';
import { parseBoolLoose } from './loose-bool.ts';
import { checkValidNetmask } from './netmask.ts';
import type { DomainAppend, Rule, RuleLog, RuleNetmask } from './rule.ts';
import { generateRuleName } from './rule-name.ts';
import { splitCsv } from './split.ts';
import { UnquoteError, unquote } from './unquote.ts';

/** The rule keys (spec §3.1), case-sensitive. */
export const RULE_KEYS: ReadonlySet<string> = new Set([
  'cidr',
  'continue',
  'domain',
  'domain_append',
  'hostname',
  'id',
  'id_set',
  'ignore',
  'log',
  'name',
  'netmask',
  'routers',
  'subnet',
  'type',
]);

/** key → unquoted value, in written order; duplicate and unknown keys are errors. */
export function createRuleCompDict(rule: string): Map<string, string> {
  const text = rule.trim();
  if (text === '') throw errEmptyRule();
  const comps = new Map<string, string>();
  // idx counts every split part, empty ones included, as the original's range loop does.
  splitCsv(text).forEach((raw, idx) => {
    const p = raw.trim();
    if (p === '') return;
    const colon = p.indexOf(':');
    if (colon === -1) throw errKeyValFormat(idx, p);
    const key = p.slice(0, colon).trim();
    if (key === '') throw errNoKey(idx, p);
    if (!RULE_KEYS.has(key)) throw errUnknownKey(idx, key);
    let value: string;
    try {
      value = unquote(p.slice(colon + 1).trim());
    } catch (e) {
      if (e instanceof UnquoteError) throw errBadQuote(idx, p, e.message);
      throw e;
    }
    if (comps.has(key)) throw errDuplicateKey(idx, p, key);
    comps.set(key, value);
  });
  return comps;
}

const DOMAIN_APPEND_EXPECTED = "'global', 'rule', 'global|rule', 'rule|global', or 'none'";

/** Parses one rule; throws RuleError. Unnamed rules get the generated `rule-xxxxxxxx` name. */
export function parseRule(text: string): Rule {
  const comps = createRuleCompDict(text);
  const get = (k: string): string | undefined => comps.get(k);

  // 1. log: '' inherits the global rule_log later (spec §2.2).
  let log: RuleLog = '';
  const logValue = get('log');
  if (logValue !== undefined && logValue !== '') {
    if (logValue !== 'info' && logValue !== 'debug' && logValue !== 'none') {
      throw errInvalidValue('log', logValue, "'info', 'debug', or 'none'");
    }
    log = logValue;
  }

  // 2. name: generated at the end when empty.
  const name = get('name') ?? '';

  // 3. hostname
  const hostname = get('hostname') ?? '';

  // 4. routers: IPv4 only; an empty item (a trailing `|`) fails like any bad address.
  const routers: number[] = [];
  const routersValue = get('routers');
  if (routersValue !== undefined && routersValue !== '') {
    for (const item of routersValue.split('|')) {
      const ip = parseIp(item.trim());
      if (ip === undefined || ip.family !== 4) throw errInvalidValue('routers', item, 'valid IPv4 address');
      routers.push(ip.v4);
    }
  }

  // 5. netmask / cidr: mutually exclusive even when empty; an empty value is an error.
  let netmask: RuleNetmask | undefined;
  const netmaskValue = get('netmask');
  const cidrValue = get('cidr');
  if (netmaskValue !== undefined && cidrValue !== undefined) throw errMutualExclusion('netmask', 'cidr');
  if (netmaskValue !== undefined) netmask = parseNetmaskValue(netmaskValue);
  else if (cidrValue !== undefined) netmask = parseCidrValue(cidrValue);

  // 6. domain: `none` belongs to domain_append.
  let domain = '';
  const domainValue = get('domain');
  if (domainValue !== undefined && domainValue !== '') {
    if (domainValue.trim().toLowerCase() === 'none') {
      throw errInvalidValue('domain', domainValue, 'a domain name (or use domain_append:none)');
    }
    domain = domainValue;
  }

  // 7–8. continue, ignore: loose booleans; empty means not set.
  const cont = looseBoolKey('continue', get('continue'));
  const ignore = looseBoolKey('ignore', get('ignore'));

  // 9. domain_append
  let domainAppend: DomainAppend = '';
  const daValue = get('domain_append');
  if (daValue !== undefined && daValue !== '') {
    const norm = normalizeDomainAppend(daValue);
    if (norm === undefined) throw errInvalidValue('domain_append', daValue, DOMAIN_APPEND_EXPECTED);
    domainAppend = norm;
  }

  // 10. type: present means at least one non-empty item.
  let types: Set<string> | undefined;
  const typeValue = get('type');
  if (typeValue !== undefined) {
    types = new Set(
      typeValue
        .split('|')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    );
    if (types.size === 0) throw errInvalidValue('type', typeValue, 'at least one type');
  }

  // 11. subnet: canonical masked networks; the first one implies the netmask when none was
  // given, even a 16-byte IPv6 one (spec §3.2 #11; evaluate4 keeps it out of option 1).
  const subnets: Cidr[] = [];
  const subnetValue = get('subnet');
  if (subnetValue !== undefined && subnetValue !== '') {
    for (const item of subnetValue.split('|')) {
      const cidr = parseCidr(item.trim());
      if (cidr === undefined) throw errInvalidValue('subnet', item, 'network subnet (e.g. 172.16.0.0/21)');
      subnets.push(cidr);
    }
    const first = subnets[0];
    if (netmask === undefined && first !== undefined && first.prefix > 0) {
      netmask = { bits: first.family === 4 ? 32 : 128, ones: first.prefix };
    }
  }

  // 12. at least one action; a subnet-implied netmask counts.
  if (hostname.trim() === '' && routers.length === 0 && !ignore && netmask === undefined) {
    throw errRequiredKeys('hostname', 'routers', 'netmask', 'ignore');
  }

  // 13. id
  const id = get('id') ?? '';

  // 14. id_set: reserved, never implemented upstream (CompileIDSet always fails). We say so
  // plainly instead of the original's "expected valid ID set" text, which reads like a typo.
  const idSetValue = get('id_set');
  if (idSetValue !== undefined && idSetValue !== '') {
    throw errUnsupported(
      'id_set',
      `key "id_set" is reserved but not supported yet (got ${JSON.stringify(idSetValue)}); match with id: or type: instead`,
    );
  }
  // 15. id + id_set exclusion is unreachable: step 14 already failed.

  const rule: Rule = {
    name,
    log,
    match: { types, subnets, id, idSet: undefined },
    action: { hostname, domain, domainAppend, netmask, routers, continue: cont, ignore },
  };
  return freezeRule(name.trim() === '' ? { ...rule, name: generateRuleName(rule) } : rule);
}

function parseNetmaskValue(value: string): RuleNetmask {
  const ip = parseIp(value);
  if (ip === undefined) throw errInvalidValue('netmask', value, 'valid IPv4 address');
  const unspecified = ip.family === 4 ? ip.v4 === 0 : ip.bytes.every((b) => b === 0);
  if (unspecified) throw errInvalidValue('netmask', value, 'specific, usable IPv4 address');
  if (ip.family !== 4) throw errInvalidValue('netmask', value, 'valid IPv4 address');
  const bytes = Uint8Array.of(ip.v4 >>> 24, (ip.v4 >>> 16) & 255, (ip.v4 >>> 8) & 255, ip.v4 & 255);
  if (!checkValidNetmask(bytes)) throw errInvalidValue('netmask', value, 'valid IPv4 netmask');
  let ones = 0;
  for (let m = ip.v4; m & 0x80000000; m = (m << 1) >>> 0) ones++;
  return { bits: 32, ones };
}

// strconv.Atoi: optional sign, decimal digits (leading zeros fine), int64 range.
const GO_ATOI = /^[+-]?[0-9]+$/;

function parseCidrValue(value: string): RuleNetmask {
  if (!GO_ATOI.test(value) || BigInt(value) > 0x7fffffffffffffffn || BigInt(value) < -0x8000000000000000n) {
    throw errInvalidValue('cidr', value, 'integer');
  }
  const n = Number(value);
  if (n <= 0 || n > 32) throw errInvalidValue('cidr', value, 'valid IPv4 bit width between 1 and 32, inclusive');
  return { bits: 32, ones: n };
}

function looseBoolKey(key: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  const b = parseBoolLoose(value);
  if (b === undefined) throw errInvalidValue(key, value, 'boolean');
  return b;
}

function freezeRule(r: Rule): Rule {
  return Object.freeze({
    ...r,
    match: Object.freeze({ ...r.match, subnets: Object.freeze([...r.match.subnets]) }),
    action: Object.freeze({ ...r.action, routers: Object.freeze([...r.action.routers]) }),
  });
}
