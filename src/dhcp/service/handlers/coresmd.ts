// The `coresmd` plugin, DHCPv4 side (spec coresmd-dhcp §1.4, §5): a client whose chaddr SMD
// knows gets its SMD address, a rule-driven hostname/routers/netmask, option 17 and a boot file,
// and the chain stops. Anything else falls through to later plugins (file, bootloop).
//
// Deliberate differences from the original (v0.6.3), each a bug there:
// - The lease is the first *IPv4* address (candidate-ips.ts); upstream takes IPList[0] whatever
//   its family (an IPv6-first interface got yiaddr 0.0.0.0) and panics on an empty list.
// - Relay subnets: longest prefix wins instead of Go map order; RFC 3527 link selection counts
//   as the relay address; directly attached clients prefer the ingress interface's subnet.
// - `subnet:` rules match the lease address (the target's first IP); upstream matches entry 0
//   of the list, which need not be the address it leases.
// - Arch 9 gets ipxe-x86_64.efi, UEFI HTTP boot (HTTPClient, arches 15/16/18/19) gets an
//   http:// URL and option 60 echoed, and PXE ROMs also get the name in the BOOTP `file` field
//   (src/boot/policy.ts). A malformed option 93 no longer crashes the process (client-info.ts).
// - A DECLINE of an SMD address is logged as an error: two hosts hold the same address.
// - Options come from the handler's own config (upstream reads package globals).
import { formatIPv4, ipv4FromBytes, type Cidr, type IpAddress } from '../../../wire/addr.ts';
import { EncodeError } from '../../../wire/errors.ts';
import type { Logger, LogFields } from '../../../seams/logger.ts';
import { createBootPolicy, type BootPolicy } from '../../../boot/policy.ts';
import type { Snapshot, InterfaceRecord } from '../../../smd/snapshot.ts';
import { Dhcp4ClientArch, Dhcp4HType, Dhcp4MessageType, Dhcp4Opt, IpxeOpt, messageTypeName } from '../../v4/constants.ts';
import { ipv4, ipv4List, text } from '../../v4/option-values.ts';
import type { Dhcp4Handler, Dhcp4Request, Dhcp4Verdict } from '../chain.ts';
import type { Dhcp4ClientInfo } from '../client-info.ts';
import type { Dhcp4Draft } from '../draft.ts';
import { evaluate4, type RuleDecision4 } from '../rules/evaluate.ts';
import { makeRuleTarget, type Rule, type RuleLog, type RuleTarget } from '../rules/rule.ts';
import { CandidateSelector, firstIPv4 } from './candidate-ips.ts';

export interface CoresmdHandlerOptions {
  /** The current SMD snapshot; undefined until the first refresh succeeded. */
  readonly inventory: () => Snapshot | undefined;
  /** In config order, log levels already inherited. */
  readonly rules: readonly Rule[];
  readonly ruleLog: RuleLog;
  /** The global `domain` key. */
  readonly domain: string;
  /** Option 51 for SMD clients, whole seconds (lease_time truncated, spec §5.1 step 3). */
  readonly leaseSeconds: number;
  /** `ipxe_base_uri`: BSS, for the boot-script URL given to iPXE. */
  readonly ipxeBaseUri: string;
  /**
   * Where the iPXE binaries are served over HTTP; UEFI HTTP boot clients get nothing without it.
   * A function gets our address on the ingress interface (siaddr), so each subnet is sent to the
   * HTTP server address it can reach.
   */
  readonly httpBootBase?: string | ((serverAddress: number) => string);
  /** The subnet context: every rule's `subnet:` (spec §2.2, §5.3). */
  readonly subnets: readonly Cidr[];
  readonly logger: Logger;
}

/** Option 175 with sub-option no-pxedhcp = 1. */
export const IPXE_NO_PXEDHCP = Uint8Array.of(IpxeOpt.NoPxeDhcp, 1, 1);

/** What was handed out, for the assignment log. */
interface Assignment {
  readonly rec: InterfaceRecord;
  readonly lease: IpAddress;
  readonly hostname: string;
  readonly serverIp: string;
  /** Option 67 as sent, or ''. */
  readonly boot: string;
}

/** Relay addresses warned about at most once each; a bound, since giaddr is the sender's word. */
const MAX_WARNED_RELAYS = 1024;

/** UEFI HTTP boot: the offer must carry vendor class `HTTPClient` or firmware ignores it. */
const HTTP_CLIENT = text('HTTPClient');

/** What the rules decided for one SMD record and the addresses a request selected from it. */
interface RecordDecision4 {
  readonly mac: string;
  readonly lease: IpAddress;
  /** The record's addresses the request's subnet selected (elements are the snapshot's objects). */
  readonly selected: readonly IpAddress[];
  readonly target: RuleTarget;
  readonly decision: RuleDecision4;
}

function sameElements<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

class CoresmdHandler implements Dhcp4Handler {
  readonly name = 'coresmd';
  readonly #inventory: () => Snapshot | undefined;
  readonly #rules: readonly Rule[];
  readonly #ruleCtx: { readonly globalDomain: string; readonly ruleLog: RuleLog };
  readonly #leaseSeconds: number;
  readonly #boot: BootPolicy;
  /** Per server address, when httpBootBase depends on it (one entry per served interface). */
  readonly #bootByServer = new Map<number, BootPolicy>();
  /**
   * The rules' decision per SMD record, for the addresses the request selected. Records are
   * immutable and replaced with each snapshot, and rules, domain and rule_log are this
   * handler's, so a decision holds until its record goes (a WeakMap: it goes with its snapshot).
   * A booting node asks at least twice (DISCOVER, REQUEST; iPXE twice more), and the rules were
   * the biggest part of this handler (BENCHMARKS.md "DHCPv4 load", profile).
   */
  readonly #decisions = new WeakMap<InterfaceRecord, RecordDecision4>();
  readonly #httpBootBaseFor: ((serverAddress: number) => string) | undefined;
  readonly #ipxeBaseUri: string;
  readonly #selector: CandidateSelector;
  readonly #log: Logger;
  readonly #warnedRelays = new Set<number>();

  constructor(o: CoresmdHandlerOptions) {
    if (!Number.isInteger(o.leaseSeconds) || o.leaseSeconds < 0 || o.leaseSeconds > 0xffffffff) {
      throw new RangeError(`coresmd: lease time ${o.leaseSeconds} s is not a u32`);
    }
    this.#inventory = o.inventory;
    this.#rules = o.rules;
    this.#ruleCtx = Object.freeze({ globalDomain: o.domain, ruleLog: o.ruleLog });
    this.#leaseSeconds = o.leaseSeconds;
    const { ipxeBaseUri, httpBootBase } = o;
    this.#ipxeBaseUri = ipxeBaseUri;
    this.#httpBootBaseFor = typeof httpBootBase === 'function' ? httpBootBase : undefined;
    const staticBase = typeof httpBootBase === 'string' ? httpBootBase : this.#httpBootBaseFor?.(0);
    this.#boot = createBootPolicy(staticBase === undefined ? { ipxeBaseUri } : { ipxeBaseUri, httpBootBase: staticBase });
    // Option 67 is NVT ASCII (RFC 2132 §9.5): refuse URLs that cannot be sent, at start-up
    // (text() throws EncodeError), rather than on every packet.
    const probe = { arch: Dhcp4ClientArch.EfiX64Http, isHttpClient: true, mac: '00:00:00:00:00:00' };
    for (const c of [this.#boot({ ...probe, isIpxe: true }), this.#boot({ ...probe, isIpxe: false })]) {
      if (c.kind === 'script' || c.kind === 'http') text(c.url);
    }
    this.#selector = new CandidateSelector(o.subnets);
    this.#log = o.logger.child({ plugin: 'coresmd' });
  }

  #bootPolicy(serverAddress: number): BootPolicy {
    if (this.#httpBootBaseFor === undefined) return this.#boot;
    let p = this.#bootByServer.get(serverAddress);
    if (p === undefined) {
      p = createBootPolicy({ ipxeBaseUri: this.#ipxeBaseUri, httpBootBase: this.#httpBootBaseFor(serverAddress) });
      this.#bootByServer.set(serverAddress, p);
    }
    return p;
  }

  handle(req: Dhcp4Request, draft: Dhcp4Draft): Dhcp4Verdict {
    const { info } = req;
    if (draft.messageType === 0) return this.#notice(info);

    const snapshot = this.#inventory();
    if (snapshot === undefined) {
      this.#log.debug('no SMD inventory yet; passing', { mac: info.mac });
      return 'next';
    }
    const rec = lookup(snapshot, info);
    if (rec === undefined) {
      this.#log.debug('MAC not in SMD; passing', { mac: info.mac });
      return 'next';
    }
    const comp = rec.component;
    if (comp === undefined) {
      this.#log.debug('SMD interface has no known component; passing', { mac: info.mac, comp_id: rec.componentId });
      return 'next';
    }

    // RFC 3527 §3: link selection names the client's subnet when giaddr cannot (it is then the
    // relay's own address on another link).
    const relay = info.linkSelection ?? (info.giaddr !== 0 ? info.giaddr : undefined);
    const sel = this.#selector.select(rec.ips, relay, req.ingress);
    if (sel.source === 'relay-unmatched') this.#warnRelay(relay!, info);
    const lease = firstIPv4(sel.ips);
    if (lease === undefined) {
      this.#log.debug('no IPv4 address in SMD for this request; passing', {
        mac: info.mac,
        comp_id: comp.id,
        comp_ips: ipsText(rec.ips),
        subnet: sel.subnet?.text,
        relay: relay === undefined ? undefined : formatIPv4(relay),
      });
      return 'next';
    }

    const { target, decision } = this.#decide(rec, sel.ips, lease, info.mac);
    this.#logRules(decision, target);
    if (!decision.respond) {
      draft.decisions.push({ plugin: this.name, rule: decision.ignoredBy ?? '', reason: `ignore rule matched ${comp.id}` });
      return 'drop';
    }

    draft.yiaddr = lease.v4;
    draft.leaseSeconds = this.#leaseSeconds;
    this.#setHostname(draft, decision.hostname, info);
    if (decision.routers !== undefined) draft.options.set(Dhcp4Opt.Router, ipv4List(decision.routers));
    if (decision.netmask !== undefined) draft.options.set(Dhcp4Opt.SubnetMask, ipv4(decision.netmask));
    // Spec §5.1 step 5: the iPXE binaries' embedded script chains tftp://${root-path}:69/config.ipxe.
    const serverIp = formatIPv4(draft.siaddr);
    draft.options.set(Dhcp4Opt.RootPath, text(serverIp));

    const boot = this.#bootPolicy(draft.siaddr)(info);
    let bootText: string;
    switch (boot.kind) {
      case 'script':
        draft.options.set(Dhcp4Opt.BootfileName, text(boot.url));
        // We are the only DHCP server for this client: iPXE may skip its ~3 s wait for
        // ProxyDHCP offers (iPXE dhcp.h DHCP_EB_NO_PXEDHCP; found in the VM boot test).
        draft.options.set(Dhcp4Opt.Ipxe, IPXE_NO_PXEDHCP);
        bootText = boot.url;
        break;
      case 'tftp':
        draft.options.set(Dhcp4Opt.BootfileName, text(boot.file));
        // Legacy PXE ROMs read the BOOTP header's `file` rather than option 67 (RFC 2131 §2).
        draft.file = boot.file;
        bootText = boot.file;
        break;
      case 'http':
        draft.options.set(Dhcp4Opt.BootfileName, text(boot.url));
        draft.options.set(Dhcp4Opt.VendorClassIdentifier, HTTP_CLIENT);
        bootText = boot.url;
        break;
      case 'none':
        this.#log.debug('no boot file for this client', { mac: info.mac, comp_id: comp.id, reason: boot.reason });
        bootText = '';
        break;
    }

    const matched = decision.matched.join(',');
    const reason = `SMD ${comp.id} → ${lease.text}`;
    draft.decisions.push(matched === '' ? { plugin: this.name, reason } : { plugin: this.name, rule: matched, reason });
    this.#logAssignment(info, draft, { rec, lease, hostname: decision.hostname, serverIp, boot: bootText });
    return 'send';
  }

  /** RELEASE and DECLINE (no reply): SMD addresses are static, so only a conflict matters. */
  #notice(info: Dhcp4ClientInfo): Dhcp4Verdict {
    if (info.messageType !== Dhcp4MessageType.Decline) return 'next';
    const snapshot = this.#inventory();
    const rec = snapshot === undefined ? undefined : lookup(snapshot, info);
    if (rec === undefined) return 'next';
    // A known node declining some other address (one bootloop lent it before SMD knew it) is
    // the lender's business.
    const declined = info.requestedIp;
    if (declined !== undefined && !rec.ips.some((ip) => ip.family === 4 && ip.v4 === declined)) return 'next';
    // RFC 2131 §4.3.3: the client found the address in use. Another host holds the address SMD
    // gives this node: an inventory or cabling problem that only an admin can fix.
    this.#log.error('client declined its SMD address: address conflict', {
      mac: info.mac,
      address: declined === undefined ? undefined : formatIPv4(declined),
      comp_id: rec.componentId,
      comp_ips: ipsText(rec.ips),
    });
    return 'next';
  }

  #setHostname(draft: Dhcp4Draft, hostname: string, info: Dhcp4ClientInfo): void {
    try {
      draft.options.set(Dhcp4Opt.HostName, text(hostname));
    } catch (e) {
      // A hostname pattern with non-ASCII text: send the rest of the reply without option 12.
      if (!(e instanceof EncodeError)) throw e;
      this.#log.error('hostname cannot be sent (not ASCII); option 12 left out', { mac: info.mac, hostname });
    }
  }

  #warnRelay(relay: number, info: Dhcp4ClientInfo): void {
    const warned = this.#warnedRelays;
    if (warned.has(relay)) return;
    const fields: LogFields = { relay: formatIPv4(relay), mac: info.mac };
    if (warned.size >= MAX_WARNED_RELAYS) {
      this.#log.debug('relay address in no rule subnet; using every SMD address', fields);
      return;
    }
    warned.add(relay);
    this.#log.warn('relay address in no rule subnet; using every SMD address (warned once per relay address)', fields);
  }

  #decide(rec: InterfaceRecord, selected: readonly IpAddress[], lease: IpAddress, mac: string): RecordDecision4 {
    const known = this.#decisions.get(rec);
    if (known !== undefined && known.mac === mac && known.lease === lease && sameElements(known.selected, selected)) return known;
    const comp = rec.component!;
    // `subnet:` rules look at the target's first address: make it the lease.
    const target = makeRuleTarget(comp.id, comp.type, comp.nid ?? 0, leaseFirst(selected, lease), mac);
    const d: RecordDecision4 = { mac, lease, selected, target, decision: evaluate4(target, this.#rules, this.#ruleCtx) };
    this.#decisions.set(rec, d);
    return d;
  }

  #logRules(decision: RuleDecision4, target: RuleTarget): void {
    if (decision.logs.length === 0) return;
    const fields: LogFields = {
      comp_id: target.componentId,
      comp_nid: target.nid,
      comp_type: target.type,
      mac: target.mac,
      ips: ipsText(target.ips),
    };
    for (const l of decision.logs) this.#log.info(`rule[${l.ruleIndex}] (${l.ruleName}) ${l.event}`, fields);
  }

  #logAssignment(info: Dhcp4ClientInfo, draft: Dhcp4Draft, a: Assignment): void {
    const { rec, lease, hostname, serverIp, boot } = a;
    // Spec §5.1 step 7's fields. ACKs are the assignments that stick; OFFERs are chatter, and so
    // is a REQUEST for another address, which the server core will NAK (RFC 2131 §4.3.2).
    const wanted = info.requestedIp ?? info.ciaddr;
    const ack =
      draft.messageType === Dhcp4MessageType.Ack &&
      info.messageType === Dhcp4MessageType.Request &&
      (wanted === 0 || wanted === draft.yiaddr);
    const comp = rec.component!;
    const fields: LogFields = {
      type: messageTypeName(draft.messageType),
      comp_id: comp.id,
      comp_nid: comp.nid,
      comp_type: comp.type,
      comp_ips: ipsText(rec.ips),
      comp_mac: rec.mac,
      assigned_ipv4: lease.text,
      assigned_hostname: hostname,
      lease_duration: `${this.#leaseSeconds}s`,
      server_ip: serverIp,
      giaddr: formatIPv4(info.giaddr),
      router_ips: addressesText(draft.options.get(Dhcp4Opt.Router)),
      netmask: addressesText(draft.options.get(Dhcp4Opt.SubnetMask)),
      boot,
    };
    if (ack) this.#log.info('DHCPv4 assignment', fields);
    else this.#log.debug('DHCPv4 assignment', fields);
  }
}

/** chaddr → SMD interface; 6-byte Ethernet addresses take the allocation-free path. */
function lookup(snapshot: Snapshot, info: Dhcp4ClientInfo): InterfaceRecord | undefined {
  const chaddr = info.chaddr;
  return info.htype === Dhcp4HType.Ethernet && chaddr.length === 6 ? snapshot.byMacBytes(chaddr, 0, 6) : snapshot.byMac(info.mac);
}

/** The candidates with the lease first, the others after it in SMD order. */
function leaseFirst(ips: readonly IpAddress[], lease: IpAddress): readonly IpAddress[] {
  return ips[0] === lease ? ips : [lease, ...ips.filter((ip) => ip !== lease)];
}

function ipsText(ips: readonly IpAddress[]): string {
  return ips.map((ip) => ip.text).join(',');
}

/** `a.b.c.d,…` from an option value of IPv4 addresses (3, 1); '' when absent. */
function addressesText(value: Uint8Array | undefined): string {
  if (value === undefined) return '';
  const out: string[] = [];
  for (let i = 0; i + 4 <= value.length; i += 4) out.push(formatIPv4(ipv4FromBytes(value, i)));
  return out.join(',');
}

export function createCoresmdHandler(options: CoresmdHandlerOptions): Dhcp4Handler {
  return new CoresmdHandler(options);
}
