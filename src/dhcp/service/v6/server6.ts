// The DHCPv6 packet path (design.md; RFC 8415 §18.3): peek → decode (relay layers unwrapped) →
// classify → §16 discard checks → chain → answer per message type → RELAY-REPL per relay layer
// → encode into a pooled buffer → route. The transport (src/net/dhcp6-transport.ts) receives,
// calls handle(), sends along the route and releases the buffer in its send callback.
//
//   SOLICIT        the client's SMD address in an ADVERTISE, or a REPLY with Rapid Commit when
//                  it asked (§18.3.1); no address: an ADVERTISE with only Status NoAddrsAvail
//                  (§18.3.9) and a log line that says why (one per client and reason per
//                  minute, log-rate-limit.ts, so a retransmitting or flooding client does not
//                  flood the log)
//   REQUEST        REPLY: the address in its first IA_NA, NoAddrsAvail in any other (§18.3.2)
//   RENEW, REBIND  REPLY with the address; addresses the client holds that are not it come back
//                  with lifetimes 0; a client we hold nothing for gets NoBinding (RENEW,
//                  §18.3.4) or silence (REBIND: another server may hold its binding, §18.3.5)
//   CONFIRM        Success or NotOnLink from the link's prefixes; silence when they are not
//                  known or the client listed no address (§18.3.3)
//   RELEASE,       REPLY with Success (§18.3.7, §18.3.8): SMD addresses are static, so there is
//   DECLINE        nothing to free; the chain still runs so coresmd can log a DECLINE conflict
//   INFORMATION-   REPLY with the configuration options, no IA (§18.3.6)
//   REQUEST
import type { BufferPool } from '../../../wire/pool.ts';
import { Writer } from '../../../wire/writer.ts';
import type { Clock } from '../../../seams/clock.ts';
import type { Logger } from '../../../seams/logger.ts';
import { noBootEvents, type BootEvents } from '../../../seams/boot-events.ts';
import { noQuarantine, type Quarantine } from '../../../seams/quarantine.ts';
import { dropEvent6, quarantinedMac6, replyEvent6, requestEvent6 } from '../dhcp6-events.ts';
import { Dhcp6MessageType as T, Dhcp6Opt, Dhcp6Status, messageTypeName } from '../../v6/constants.ts';
import { decodeDhcp6 } from '../../v6/decode.ts';
import { formatDuid } from '../../v6/duid.ts';
import { encodeDhcp6, wrapRelayReply } from '../../v6/encode.ts';
import { peekDhcp6 } from '../../v6/message.ts';
import type { Dhcp6Option, Dhcp6Packet } from '../../v6/model.ts';
import { Counters } from '../counters.ts';
import { discardReason } from './acceptance.ts';
import { runChain6, type Dhcp6Handler, type Dhcp6Ingress, type Dhcp6Request } from './chain.ts';
import { classifyClient6, type Dhcp6ClientInfo } from './client-info.ts';
import { newDraft6, type Dhcp6Decision, type Dhcp6Draft } from './draft.ts';
import { LogRateLimit } from './log-rate-limit.ts';
import { checkOnLink } from './on-link.ts';
import { assignedIaNa, configOptions, lifetimesFor, message, statusIaNa, unsupportedIas } from './reply.ts';
import { routeDhcp6Reply, type Dhcp6Route } from './route.ts';

/** What a config reload replaces: the handler chain and the server DUID, together. */
export interface Dhcp6Chain {
  readonly handlers: readonly Dhcp6Handler[];
  /** Our DUID (Server Identifier, RFC 8415 §11): configured, or the app's default. */
  readonly serverDuid: Uint8Array;
}

export interface Dhcp6ServerOptions extends Dhcp6Chain {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Send buffers; a reply is dropped (and counted) when the pool is empty. */
  readonly pool: BufferPool;
  /** Answer a SOLICIT with Rapid Commit by a REPLY (RFC 8415 §18.3.1); default true. */
  readonly rapidCommit?: boolean;
  /** At most one "gets no address" line per client and reason in this many ms (default 60 000). */
  readonly noAddressLogIntervalMs?: number;
  /** Where each request and its outcome are reported (the admin timeline); none by default. */
  readonly events?: BootEvents;
  /** MACs that get no reply for now (admin quarantine); none by default. */
  readonly quarantine?: Quarantine;
}

export type Dhcp6Outcome =
  | {
      readonly kind: 'reply';
      readonly route: Dhcp6Route;
      /** The encoded reply (RELAY-REPL when relayed): a view of a pooled buffer; release() once sent. */
      readonly payload: Uint8Array;
      release(): void;
      /** ADVERTISE or REPLY (the inner message). */
      readonly replyType: number;
      readonly info: Dhcp6ClientInfo;
      readonly decisions: readonly Dhcp6Decision[];
    }
  | { readonly kind: 'drop'; readonly reason: string; readonly info?: Dhcp6ClientInfo; readonly decisions?: readonly Dhcp6Decision[] };

/** An answer before encoding: the inner message's type and its options after the identifiers. */
interface Answer {
  readonly type: number;
  readonly body: readonly Dhcp6Option[];
}

const NO_ADDRESS = 'no address for this client';
/** Clients whose "gets no address" line is being held back at once; see log-rate-limit.ts. */
const NO_ADDRESS_LOG_KEYS = 10_000;

export class Dhcp6Server {
  #chain: Dhcp6Chain;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #pool: BufferPool;
  readonly #rapidCommit: boolean;
  readonly counters = new Counters();
  readonly #noAddressLog: LogRateLimit;
  readonly #events: BootEvents;
  readonly #quarantine: Quarantine;

  constructor(options: Dhcp6ServerOptions) {
    this.#events = options.events ?? noBootEvents;
    this.#quarantine = options.quarantine ?? noQuarantine;
    this.#chain = { handlers: options.handlers, serverDuid: options.serverDuid };
    this.#clock = options.clock;
    this.#log = options.logger.child({ component: 'dhcp6' });
    this.#pool = options.pool;
    this.#rapidCommit = options.rapidCommit ?? true;
    this.#noAddressLog = new LogRateLimit(options.clock, options.noAddressLogIntervalMs ?? 60_000, NO_ADDRESS_LOG_KEYS);
  }

  /** Replaces chain and DUID in one assignment (config reload); requests in flight keep theirs. */
  setChain(chain: Dhcp6Chain): void {
    this.#chain = chain;
  }

  get serverDuid(): Uint8Array {
    return this.#chain.serverDuid;
  }

  #drop(reason: string, info?: Dhcp6ClientInfo, decisions?: readonly Dhcp6Decision[]): Dhcp6Outcome {
    this.counters.inc(`dropped{reason="${reason}"}`);
    if (info !== undefined && this.#events.enabled) this.#events.emit(dropEvent6(reason, info, decisions));
    return { kind: 'drop', reason, ...(info === undefined ? {} : { info }), ...(decisions === undefined ? {} : { decisions }) };
  }

  async handle(buf: Uint8Array, ingress: Dhcp6Ingress): Promise<Dhcp6Outcome> {
    const chain = this.#chain;
    this.counters.inc('received');
    if (!peekDhcp6(buf)) return this.#drop('not-a-request');
    const decoded = decodeDhcp6(buf);
    if (!decoded.ok) {
      this.counters.inc(`malformed{code="${decoded.error.code}"}`);
      this.#log.debug('malformed packet dropped', { code: decoded.error.code, field: decoded.error.field, offset: decoded.error.offset, from: ingress.srcAddress });
      return this.#drop('malformed');
    }
    const info = classifyClient6(decoded.value, ingress.srcAddress);
    this.counters.inc(`requests{type="${messageTypeName(info.messageType)}"}`);
    if (this.#events.enabled) this.#events.emit(requestEvent6(info, ingress.ifname));
    const held = quarantinedMac6(info, this.#quarantine);
    if (held !== undefined) {
      this.#log.info('request from a quarantined MAC not answered', { mac: held, type: messageTypeName(info.messageType), duid: info.duidText });
      return this.#drop('quarantined', info);
    }
    const discard = discardReason(info, chain.serverDuid);
    if (discard !== undefined) {
      this.#log.debug('request discarded (RFC 8415 §16)', { type: messageTypeName(info.messageType), reason: discard, duid: info.duidText, from: ingress.srcAddress });
      return this.#drop(discard, info);
    }
    const req: Dhcp6Request = { info, ingress, receivedAt: this.#clock.now() };
    const draft = newDraft6();
    const result = await runChain6(chain.handlers, req, draft);
    if (result.verdict === 'drop') return this.#drop('handler-drop', info, draft.decisions);
    const answer = this.#answer(req, draft);
    if (typeof answer === 'string') return this.#drop(answer, info, draft.decisions);
    return this.#encode(req, draft, answer, chain.serverDuid);
  }

  /** The reply for each message type (see the header), or a drop reason. */
  #answer(req: Dhcp6Request, draft: Dhcp6Draft): Answer | string {
    const { info } = req;
    switch (info.messageType) {
      case T.Solicit:
        return this.#solicit(req, draft);
      case T.Request:
      case T.Renew:
      case T.Rebind:
        return this.#bind(req, draft);
      case T.Confirm:
        return this.#confirm(req);
      case T.Release:
      case T.Decline: {
        const what = info.messageType === T.Release ? 'released' : 'declined';
        return { type: T.Reply, body: [{ code: Dhcp6Opt.StatusCode, status: Dhcp6Status.Success, message: `${what}; addresses from SMD stay reserved for this client` }] };
      }
      case T.InformationRequest:
        return { type: T.Reply, body: configOptions(draft) };
      default:
        return 'unsupported-type';
    }
  }

  #solicit(req: Dhcp6Request, draft: Dhcp6Draft): Answer {
    const { info } = req;
    const lease = draft.lease;
    const first = info.iaNa[0];
    if (lease !== undefined && first !== undefined) {
      const t = lifetimesFor(draft.leaseSeconds ?? 0);
      const ias: Dhcp6Option[] = info.iaNa.map((ia, i) => (i === 0 ? assignedIaNa(ia, lease, t, false) : statusIaNa(ia.iaid, Dhcp6Status.NoAddrsAvail, 'one address per client')));
      const rapid = info.rapidCommit && this.#rapidCommit;
      const body: Dhcp6Option[] = [...ias, ...unsupportedIas(info)];
      if (rapid) body.push({ code: Dhcp6Opt.RapidCommit, data: new Uint8Array(0) });
      body.push(...configOptions(draft));
      return { type: rapid ? T.Reply : T.Advertise, body };
    }
    if (info.iaNa.length === 0 && info.iaTa.length === 0 && info.iaPd.length === 0) {
      // No IA at all: nothing to refuse; the client only gets the configuration.
      return { type: T.Advertise, body: configOptions(draft) };
    }
    // §18.3.9: no address for any IA: ADVERTISE with only the identifiers and NoAddrsAvail.
    const why = this.#noAddress(req, draft);
    return { type: T.Advertise, body: [{ code: Dhcp6Opt.StatusCode, status: Dhcp6Status.NoAddrsAvail, message: why }] };
  }

  #bind(req: Dhcp6Request, draft: Dhcp6Draft): Answer | string {
    const { info } = req;
    const lease = draft.lease;
    const type = info.messageType;
    if (lease === undefined) {
      if (type === T.Rebind) {
        this.#noAddress(req, draft);
        return 'rebind-unknown-client';
      }
      const why = this.#noAddress(req, draft);
      const status = type === T.Renew ? Dhcp6Status.NoBinding : Dhcp6Status.NoAddrsAvail;
      return { type: T.Reply, body: [...info.iaNa.map((ia) => statusIaNa(ia.iaid, status, why)), ...unsupportedIas(info), ...configOptions(draft)] };
    }
    const t = lifetimesFor(draft.leaseSeconds ?? 0);
    const ias = info.iaNa.map((ia, i) => (i === 0 ? assignedIaNa(ia, lease, t, true) : statusIaNa(ia.iaid, Dhcp6Status.NoAddrsAvail, 'one address per client')));
    return { type: T.Reply, body: [...ias, ...unsupportedIas(info), ...configOptions(draft)] };
  }

  #confirm(req: Dhcp6Request): Answer | string {
    const r = checkOnLink(req.info, req.ingress);
    switch (r.kind) {
      case 'unknown':
        this.#log.debug('CONFIRM not answered (RFC 8415 §18.3.3)', { duid: req.info.duidText, reason: r.reason });
        return 'confirm-unknown-link';
      case 'not-on-link':
        return { type: T.Reply, body: [{ code: Dhcp6Opt.StatusCode, status: Dhcp6Status.NotOnLink, message: `${r.address} is not on this link` }] };
      case 'on-link':
        return { type: T.Reply, body: [{ code: Dhcp6Opt.StatusCode, status: Dhcp6Status.Success, message: 'all addresses still on link' }] };
    }
  }

  /** Logs why the client gets no address (the "log line that says why"); returns it. */
  #noAddress(req: Dhcp6Request, draft: Dhcp6Draft): string {
    const { info } = req;
    const why = draft.miss ?? (req.info.mac === undefined ? 'no MAC address for this client' : `no plugin has an address for ${info.mac}`);
    this.counters.inc(`no_address{type="${messageTypeName(info.messageType)}"}`);
    // Keyed by client (MAC, else DUID, else address) and reason: a new reason shows at once.
    const suppressed = this.#noAddressLog.admit(`${info.mac ?? (info.duidText || info.clientAddress)}\u0000${why}`);
    if (suppressed === undefined) return why === '' ? NO_ADDRESS : why;
    this.#log.info('DHCPv6 client gets no address', {
      type: messageTypeName(info.messageType),
      reason: why,
      mac: info.mac,
      mac_source: info.macSource,
      duid: info.duidText,
      client: info.clientAddress,
      relayed: info.relays.length > 0,
      ...(suppressed === 0 ? {} : { suppressed }),
    });
    return why === '' ? NO_ADDRESS : why;
  }

  #encode(req: Dhcp6Request, draft: Dhcp6Draft, answer: Answer, serverDuid: Uint8Array): Dhcp6Outcome {
    const { info } = req;
    const buf = this.#pool.acquire();
    if (buf === undefined) return this.#drop('pool-exhausted', info, draft.decisions);
    try {
      const reply = message(answer.type, info, serverDuid, answer.body);
      const packet: Dhcp6Packet = info.relays.length === 0 ? reply : wrapRelayReply(info.relays, reply);
      const w = new Writer(buf);
      encodeDhcp6(packet, w);
      this.counters.inc(`replies{type="${messageTypeName(answer.type)}"}`);
      if (this.#events.enabled) this.#events.emit(replyEvent6(info, answer.type, draft));
      const pool = this.#pool;
      return {
        kind: 'reply',
        route: routeDhcp6Reply(info, req.ingress),
        payload: w.finish(),
        release: () => pool.release(buf),
        replyType: answer.type,
        info,
        decisions: draft.decisions,
      };
    } catch (e) {
      this.#pool.release(buf);
      this.#log.error('reply could not be encoded', { duid: info.duidText, server_duid: formatDuid(serverDuid), error: (e as Error).message });
      return this.#drop('encode-error', info, draft.decisions);
    }
  }
}
