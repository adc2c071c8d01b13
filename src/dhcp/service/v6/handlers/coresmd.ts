// The `coresmd` plugin, DHCPv6 side (spec coresmd-dhcp §6): a client whose MAC SMD knows gets
// its first IPv6 address from SMD, its rule-driven hostname as a Client FQDN (39), and a boot
// file URL (59); the chain stops. Anything else falls through with a reason the server core
// logs ("gets no address: …").
//
// Deliberate differences from the original (v0.6.3), each a bug there (docs/differences.md):
// - MAC candidates: option 79, then the EUI-64 source address, then DUID-LL/LLT, for direct and
//   relayed clients alike (client-info.ts); each is looked up until one is in SMD.
// - Relayed clients get the address and the boot URL too (upstream skips both when relayed).
// - The rules run, `ignore` included, even when SMD has no IPv6 address for the node (upstream
//   falls through before evaluating them); `subnet:` rules match the leased IPv6 address.
// - Option 39 holds one DNS name (07 nid0001 09 openchami 07 cluster 00), not one per label.
// - Option 59 by architecture (option 61), as for DHCPv4: `tftp://[<our address on that link>]/
//   ipxe-x86_64.efi` for arch 7 and 9 and the matching binary for the others, an http:// URL
//   plus vendor class `HTTPClient` for UEFI HTTP boot, the BSS script URL for iPXE. Upstream
//   sends `tftp://[<debug text of its DUID>]:69/ipxe.efi`, which is not an address. The address
//   is one the boot servers listen on for that link (`listensOn6`: TFTP binds one socket per
//   address, so one added after start is not named until they restart).
// - The handler's own config is used, not the last section's (spec §2.2).
import type { IpAddress } from '../../../../wire/addr.ts';
import { EncodeError } from '../../../../wire/errors.ts';
import type { Logger, LogFields } from '../../../../seams/logger.ts';
import { createBootPolicy, type BootPolicy } from '../../../../boot/policy.ts';
import type { InterfaceRecord, Snapshot } from '../../../../smd/snapshot.ts';
import { Dhcp6MessageType as T, Dhcp6Opt, messageTypeName } from '../../../v6/constants.ts';
import { dnsNameByteLength } from '../../../v6/dns-name.ts';
import { text, vendorClass } from '../../../v6/option-values.ts';
import { evaluate6, type RuleDecision6 } from '../../rules/evaluate.ts';
import { makeRuleTarget, type Rule, type RuleLog } from '../../rules/rule.ts';
import type { Dhcp6Handler, Dhcp6Ingress, Dhcp6Request, Dhcp6Verdict } from '../chain.ts';
import type { Dhcp6ClientInfo } from '../client-info.ts';
import type { Dhcp6Draft } from '../draft.ts';

/** IANA enterprise number of Intel, under which UEFI sends and expects `HTTPClient` (UEFI spec, HTTP Boot). */
export const UEFI_ENTERPRISE_NUMBER = 343;
const HTTP_CLIENT = vendorClass(UEFI_ENTERPRISE_NUMBER, ['HTTPClient']);
const DEFAULT_TFTP_PORT = 69;

export interface Coresmd6HandlerOptions {
  readonly inventory: () => Snapshot | undefined;
  readonly rules: readonly Rule[];
  readonly ruleLog: RuleLog;
  readonly domain: string;
  /** Valid and preferred lifetime, seconds (lease_time rounded, spec §10.13). */
  readonly leaseSeconds: number;
  /** `ipxe_base_uri`: BSS, for the boot-script URL given to iPXE. */
  readonly ipxeBaseUri: string;
  /** The TFTP server's port; other than 69 it appears in the URL (`tftp://[a]:1069/…`). */
  readonly tftpPort?: number;
  /**
   * HTTP boot base for one of our addresses (unbracketed IPv6 text), e.g. `http://[2001:db8::1]:8080`;
   * undefined when HTTP boot does not listen on IPv6.
   */
  readonly httpBootBase?: (serverAddress: string) => string | undefined;
  /**
   * Whether the boot servers listen on our address `address` (RFC 5952 text, no zone) on link
   * `ifname`; the boot URL names the first that does. Unset: any address of ours.
   */
  readonly listensOn6?: (address: string, ifname: string) => boolean;
  readonly logger: Logger;
}

interface Found {
  readonly rec: InterfaceRecord;
  readonly mac: string;
  readonly source: string;
}

/** What the rules decided for one SMD record: a pure function of the record and the config. */
interface RecordDecision {
  readonly mac: string;
  readonly lease: (IpAddress & { readonly family: 6 }) | undefined;
  readonly decision: RuleDecision6;
  /** The rule log lines (rule_log), message and fields, built once. */
  readonly ruleLines: readonly (readonly [string, LogFields])[];
}

class Coresmd6Handler implements Dhcp6Handler {
  readonly name = 'coresmd';
  readonly #o: Coresmd6HandlerOptions;
  readonly #ruleCtx: { readonly globalDomain: string; readonly ruleLog: RuleLog };
  /** Per address of ours: the policy and the HTTP boot base it was built with. */
  readonly #policies = new Map<string, { readonly base: string | undefined; readonly policy: BootPolicy }>();
  readonly #log: Logger;
  readonly #tftpPort: string;
  /**
   * The rules' decision per SMD record. Records are immutable and replaced with each snapshot,
   * and rules, domain and rule_log are this handler's, so the decision holds until the record
   * goes (a WeakMap: it goes with its snapshot). A booting node asks several times (SOLICIT,
   * REQUEST, then RENEW), and the rules took about 8 % of the CPU per exchange (BENCHMARKS.md, "DHCPv6 load").
   */
  readonly #decisions = new WeakMap<InterfaceRecord, RecordDecision>();

  constructor(o: Coresmd6HandlerOptions) {
    if (!Number.isInteger(o.leaseSeconds) || o.leaseSeconds < 1 || o.leaseSeconds > 0xffffffff) {
      throw new RangeError(`coresmd: lease time ${o.leaseSeconds} s is not between 1 s and 2^32-1 s`);
    }
    this.#o = o;
    this.#ruleCtx = Object.freeze({ globalDomain: o.domain, ruleLog: o.ruleLog });
    this.#tftpPort = o.tftpPort === undefined || o.tftpPort === DEFAULT_TFTP_PORT ? '' : `:${o.tftpPort}`;
    this.#log = o.logger.child({ plugin: 'coresmd', family: 6 });
    // Option 59 is a URL (RFC 5970 §3.1): refuse one that cannot be sent at start-up (text()
    // throws EncodeError), not on every packet.
    const probe = createBootPolicy({ ipxeBaseUri: o.ipxeBaseUri })({ arch: 7, isIpxe: true, isHttpClient: false, mac: '00:00:00:00:00:00' });
    if (probe.kind === 'script') text(probe.url);
  }

  #policy(serverAddress: string): BootPolicy {
    const cached = this.#policies.get(serverAddress);
    // A policy built without an HTTP boot base (none configured, or its server restarting) asks
    // for the base again; building one costs more than the question.
    if (cached !== undefined && (cached.base !== undefined || this.#o.httpBootBase === undefined)) return cached.policy;
    const base = this.#o.httpBootBase?.(serverAddress);
    if (cached !== undefined && base === cached.base) return cached.policy;
    const policy = createBootPolicy(base === undefined ? { ipxeBaseUri: this.#o.ipxeBaseUri } : { ipxeBaseUri: this.#o.ipxeBaseUri, httpBootBase: base });
    // One entry per address of ours: bounded by the host's interfaces.
    this.#policies.set(serverAddress, { base, policy });
    return policy;
  }

  handle(req: Dhcp6Request, draft: Dhcp6Draft): Dhcp6Verdict {
    const { info } = req;
    const snapshot = this.#o.inventory();
    if (snapshot === undefined) {
      draft.miss = 'no SMD inventory yet';
      return 'next';
    }
    if (info.macCandidates.length === 0) {
      draft.miss = `no MAC address: the DUID (${info.duidText || 'none'}) carries none, and there is no relay option 79 or EUI-64 source address`;
      return 'next';
    }
    const found = lookup(snapshot, info);
    if (found === undefined) {
      draft.miss = `MAC ${info.macCandidates.map((c) => `${c.mac} (${c.source})`).join(', ')} not in SMD`;
      return 'next';
    }
    const { rec, mac } = found;
    const comp = rec.component;
    if (comp === undefined) {
      draft.miss = `SMD interface ${mac} belongs to no known component (ComponentID '${rec.componentId}')`;
      return 'next';
    }
    const { lease, decision, ruleLines } = this.#decide(rec, comp, mac);
    for (const [msg, fields] of ruleLines) this.#log.info(msg, fields);
    if (!decision.respond) {
      draft.decisions.push({ plugin: this.name, rule: decision.ignoredBy ?? '', reason: `ignore rule matched ${comp.id}` });
      return 'drop';
    }
    if (lease === undefined) {
      draft.miss = `SMD has no IPv6 address for ${comp.id} (MAC ${mac}, addresses ${ipsText(rec.ips) || 'none'})`;
      return 'next';
    }
    if (info.messageType === T.Decline) this.#checkDecline(info, lease, comp.id);
    draft.lease = { address: lease.bytes, text: lease.text };
    draft.leaseSeconds = this.#o.leaseSeconds;
    this.#setFqdn(draft, decision.hostname, mac);
    const boot = this.#setBoot(req, draft, mac);
    const matched = decision.matched.join(',');
    const reason = `SMD ${comp.id} → ${lease.text}`;
    draft.decisions.push(matched === '' ? { plugin: this.name, reason } : { plugin: this.name, rule: matched, reason });
    this.#logAssignment(info, found, comp.id, lease, decision.hostname, boot, req.ingress);
    return 'send';
  }

  #decide(rec: InterfaceRecord, comp: NonNullable<InterfaceRecord['component']>, mac: string): RecordDecision {
    const known = this.#decisions.get(rec);
    if (known !== undefined && known.mac === mac) return known;
    const lease = firstIPv6(rec.ips);
    // Rules run whether or not there is an IPv6 address, so `ignore` always works.
    const target = makeRuleTarget(comp.id, comp.type, comp.nid ?? 0, lease === undefined ? rec.ips : [lease, ...rec.ips.filter((ip) => ip !== lease)], mac);
    const decision = evaluate6(target, this.#o.rules, this.#ruleCtx);
    const fields: LogFields = { comp_id: target.componentId, comp_nid: target.nid, comp_type: target.type, mac: target.mac, ips: ipsText(target.ips) };
    const ruleLines = decision.logs.map((l) => [`rule[${l.ruleIndex}] (${l.ruleName}) ${l.event}`, fields] as const);
    const d: RecordDecision = { mac, lease, decision, ruleLines };
    this.#decisions.set(rec, d);
    return d;
  }

  #setFqdn(draft: Dhcp6Draft, hostname: string, mac: string): void {
    try {
      dnsNameByteLength(hostname, 'options[39]');
      draft.fqdn = hostname;
    } catch (e) {
      if (!(e instanceof EncodeError)) throw e;
      this.#log.error('hostname cannot be sent as a DNS name; option 39 left out', { mac, hostname, error: e.message });
    }
  }

  /** Sets option 59 (and 16 for HTTP boot); returns the URL, or '' with the reason logged. */
  #setBoot(req: Dhcp6Request, draft: Dhcp6Draft, mac: string): string {
    const { info } = req;
    const server = serverAddressFor(req.ingress, this.#o.listensOn6);
    const choice = this.#policy(server ?? '')({ arch: info.arch, isIpxe: info.isIpxe, isHttpClient: info.isHttpClient, mac });
    let url: string;
    switch (choice.kind) {
      case 'script':
        url = choice.url;
        break;
      case 'tftp':
      case 'http':
        if (server === undefined) {
          this.#log.debug('no address of ours that the boot servers listen on is on the ingress link: no boot URL', { mac, ifname: req.ingress.ifname });
          return '';
        }
        url = choice.kind === 'tftp' ? `tftp://[${server}]${this.#tftpPort}/${choice.file}` : choice.url;
        if (choice.kind === 'http') draft.options.set(Dhcp6Opt.VendorClass, HTTP_CLIENT);
        break;
      case 'none':
        this.#log.debug('no boot file for this client', { mac, reason: choice.reason });
        return '';
    }
    draft.options.set(Dhcp6Opt.BootfileUrl, text(url));
    return url;
  }

  /** RFC 8415 §18.3.8: a DECLINE of the SMD address means another host holds it. */
  #checkDecline(info: Dhcp6ClientInfo, lease: IpAddress & { family: 6 }, compId: string): void {
    if (!info.iaNa.some((ia) => ia.addresses.some((a) => a.text === lease.text))) return;
    this.#log.error('client declined its SMD address: address conflict', { mac: info.mac, address: lease.text, comp_id: compId });
  }

  #logAssignment(info: Dhcp6ClientInfo, found: Found, compId: string, lease: IpAddress, hostname: string, boot: string, ingress: Dhcp6Ingress): void {
    const committed = info.messageType === T.Request || info.messageType === T.Renew || info.messageType === T.Rebind || (info.messageType === T.Solicit && info.rapidCommit);
    const fields: LogFields = {
      type: messageTypeName(info.messageType),
      comp_id: compId,
      mac: found.mac,
      mac_source: found.source,
      duid: info.duidText,
      assigned_ipv6: lease.text,
      assigned_hostname: hostname,
      lease_duration: `${this.#o.leaseSeconds}s`,
      relayed: info.relays.length > 0,
      ifname: ingress.ifname,
      boot,
    };
    if (committed) this.#log.info('DHCPv6 assignment', fields);
    else this.#log.debug('DHCPv6 assignment', fields);
  }
}

function lookup(snapshot: Snapshot, info: Dhcp6ClientInfo): Found | undefined {
  for (const c of info.macCandidates) {
    const rec = snapshot.byMac(c.mac);
    if (rec !== undefined) return { rec, mac: c.mac, source: c.source };
  }
  return undefined;
}

/** The first IPv6 address that can be leased: not link-local (fe80::/10), not multicast. */
export function firstIPv6(ips: readonly IpAddress[]): (IpAddress & { readonly family: 6 }) | undefined {
  for (const ip of ips) {
    if (ip.family !== 6) continue;
    const b0 = ip.bytes[0];
    const b1 = ip.bytes[1] ?? 0;
    if (b0 === 0xff || (b0 === 0xfe && (b1 & 0xc0) === 0x80)) continue;
    return ip;
  }
  return undefined;
}

/**
 * Our address for a URL the client will fetch: a global or ULA address on the ingress link,
 * else its link-local address without the zone (a URL cannot carry one that firmware parses,
 * RFC 6874; the client, on that link, reaches it through its own interface). With `listensOn`,
 * only an address the boot servers are bound to on that link.
 */
export function serverAddressFor(ingress: Dhcp6Ingress, listensOn?: (address: string, ifname: string) => boolean): string | undefined {
  let fallback: string | undefined;
  for (const a of ingress.serverAddresses) {
    // `text` is RFC 5952 already (Dhcp6LinkAddress).
    if (listensOn !== undefined && !listensOn(a.text, ingress.ifname)) continue;
    if (!a.linkLocal) return a.text;
    fallback ??= a.text;
  }
  return fallback;
}

function ipsText(ips: readonly IpAddress[]): string {
  return ips.map((ip) => ip.text).join(',');
}

export function createCoresmd6Handler(options: Coresmd6HandlerOptions): Dhcp6Handler {
  return new Coresmd6Handler(options);
}
