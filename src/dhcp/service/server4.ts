// The DHCPv4 packet path (design.md): peek → decode → classify → stub → chain → RFC 2131 §4.3
// checks → encode into a pooled buffer → route. The transport (src/net) receives, calls
// handle(), sends the bytes along the route and releases the buffer in its send callback.
import type { BufferPool } from '../../wire/pool.ts';
import { Writer } from '../../wire/writer.ts';
import { formatIPv4 } from '../../wire/addr.ts';
import type { Clock } from '../../seams/clock.ts';
import type { Logger } from '../../seams/logger.ts';
import { noBootEvents, type BootEvents } from '../../seams/boot-events.ts';
import { noQuarantine, type Quarantine } from '../../seams/quarantine.ts';
import { Dhcp4MessageType, Dhcp4Opt, messageTypeName } from '../v4/constants.ts';
import { decodeDhcp4Request } from '../v4/decode.ts';
import { encodeDhcp4 } from '../v4/encode.ts';
import type { Dhcp4Option, Dhcp4Reply } from '../v4/model.ts';
import { u32, ipv4 } from '../v4/option-values.ts';
import { peekDhcp4 } from '../v4/view.ts';
import { runChain, type Dhcp4Handler, type Dhcp4Ingress, type Dhcp4Request } from './chain.ts';
import { classifyClient, type Dhcp4ClientInfo } from './client-info.ts';
import { newDraft, stubReplyType, type Dhcp4Decision, type Dhcp4Draft } from './draft.ts';
import { routeDhcp4Reply, type Dhcp4Route } from './route.ts';
import { Counters } from './counters.ts';
import { dropEvent4, replyEvent4, requestEvent4 } from './dhcp4-events.ts';

export interface Dhcp4ServerOptions {
  readonly handlers: readonly Dhcp4Handler[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Send buffers; a reply is dropped (and counted) when the pool is empty. */
  readonly pool: BufferPool;
  /**
   * A configured `server_id`, used on every interface. Without it the server identifier is our
   * address on the ingress interface, the only right answer on a multi-homed boot server.
   */
  readonly serverId?: number;
  /** Where each request and its outcome are reported (the admin server's timeline); none by default. */
  readonly events?: BootEvents;
  /** MACs that get no reply for now (admin quarantine); none by default. */
  readonly quarantine?: Quarantine;
}

/** What a config reload replaces: the handler chain and the configured server_id, together. */
export interface Dhcp4Chain {
  readonly handlers: readonly Dhcp4Handler[];
  readonly serverId?: number | undefined;
}

export type Dhcp4Outcome =
  | {
      readonly kind: 'reply';
      readonly route: Dhcp4Route;
      /** The encoded reply: a view of a pooled buffer; call release() once it is sent. */
      readonly payload: Uint8Array;
      release(): void;
      readonly replyType: number;
      readonly info: Dhcp4ClientInfo;
      readonly decisions: readonly Dhcp4Decision[];
    }
  | { readonly kind: 'drop'; readonly reason: string; readonly info?: Dhcp4ClientInfo; readonly decisions?: readonly Dhcp4Decision[] };

/** The reply model for a finished draft (RFC 2131 §4.3.1 Table 3 decides which fields are set). */
export function buildReply(info: Dhcp4ClientInfo, draft: Dhcp4Draft): Dhcp4Reply {
  const type = draft.messageType;
  const nak = type === Dhcp4MessageType.Nak;
  const inform = info.messageType === Dhcp4MessageType.Inform;
  const options: Dhcp4Option[] = [
    { code: Dhcp4Opt.MessageType, data: Uint8Array.of(type) },
    { code: Dhcp4Opt.ServerIdentifier, data: ipv4(draft.serverId) },
  ];
  // Table 3: no lease time in a NAK or in the ACK to an INFORM (RFC 2131 §4.3.5).
  if (!nak && !inform && draft.leaseSeconds !== undefined) {
    options.push({ code: Dhcp4Opt.IpAddressLeaseTime, data: u32(Math.min(draft.leaseSeconds, 0xffffffff)) });
  }
  if (nak) {
    const msg = draft.options.get(Dhcp4Opt.Message);
    if (msg !== undefined) options.push({ code: Dhcp4Opt.Message, data: msg });
  } else {
    for (const [code, data] of draft.options) {
      if (code === Dhcp4Opt.MessageType || code === Dhcp4Opt.ServerIdentifier || code === Dhcp4Opt.IpAddressLeaseTime) continue;
      if (code === Dhcp4Opt.ClientIdentifier || code === Dhcp4Opt.RelayAgentInformation) continue;
      options.push({ code, data });
    }
  }
  // RFC 6842 §3: the client identifier is echoed in OFFER, ACK and NAK.
  if (info.clientId !== undefined) options.push({ code: Dhcp4Opt.ClientIdentifier, data: info.clientId });
  // RFC 3046 §2.2: the relay agent information is echoed, unchanged; the encoder puts it last.
  if (info.relayAgentInfo !== undefined) options.push({ code: Dhcp4Opt.RelayAgentInformation, data: info.relayAgentInfo });
  const encoder = new TextEncoder();
  return {
    op: 2,
    htype: info.htype,
    xid: info.xid,
    flags: info.flags,
    // Table 3: ciaddr is echoed in an ACK (RENEWING, REBINDING, INFORM), 0 otherwise.
    ciaddr: type === Dhcp4MessageType.Ack ? info.ciaddr : 0,
    yiaddr: nak || inform ? 0 : draft.yiaddr,
    siaddr: nak ? 0 : draft.siaddr,
    giaddr: info.giaddr,
    chaddr: info.chaddr,
    sname: nak ? new Uint8Array(0) : encoder.encode(draft.sname),
    file: nak ? new Uint8Array(0) : encoder.encode(draft.file),
    options,
  };
}

export class Dhcp4Server {
  #chain: Dhcp4Chain;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #pool: BufferPool;
  readonly #events: BootEvents;
  readonly #quarantine: Quarantine;
  readonly counters = new Counters();

  constructor(options: Dhcp4ServerOptions) {
    this.#chain = { handlers: options.handlers, serverId: options.serverId };
    this.#clock = options.clock;
    this.#log = options.logger.child({ component: 'dhcp4' });
    this.#pool = options.pool;
    this.#events = options.events ?? noBootEvents;
    this.#quarantine = options.quarantine ?? noQuarantine;
  }

  /**
   * Replaces the chain in one assignment (config reload). A request runs on the chain that was
   * current when handle() was called, from start to end; the next request gets the new one.
   */
  setChain(chain: Dhcp4Chain): void {
    this.#chain = chain;
  }

  #drop(reason: string, info?: Dhcp4ClientInfo, decisions?: readonly Dhcp4Decision[]): Dhcp4Outcome {
    this.counters.inc(`dropped{reason="${reason}"}`);
    if (info !== undefined && this.#events.enabled) {
      const e = dropEvent4(reason, info, decisions);
      if (e !== undefined) this.#events.emit(e);
    }
    return { kind: 'drop', reason, ...(info === undefined ? {} : { info }), ...(decisions === undefined ? {} : { decisions }) };
  }

  async handle(buf: Uint8Array, ingress: Dhcp4Ingress): Promise<Dhcp4Outcome> {
    const chain = this.#chain;
    this.counters.inc('received');
    if (!peekDhcp4(buf)) return this.#drop('not-a-request');
    const decoded = decodeDhcp4Request(buf);
    if (!decoded.ok) {
      this.counters.inc(`malformed{code="${decoded.error.code}"}`);
      this.#log.debug('malformed packet dropped', { code: decoded.error.code, field: decoded.error.field, offset: decoded.error.offset, from: formatIPv4(ingress.srcAddress) });
      return this.#drop('malformed');
    }
    const info = classifyClient(decoded.value.view, decoded.value.options, ingress.broadcast);
    // No option 53: a BOOTP client; coresmd and coredhcp serve DHCP only.
    if (info === undefined) return this.#drop('bootp');
    this.counters.inc(`requests{type="${messageTypeName(info.messageType)}"}`);
    if (this.#events.enabled) this.#events.emit(requestEvent4(info, ingress));
    if (this.#quarantine.holds(info.mac)) {
      this.#log.info('request from a quarantined MAC not answered', { mac: info.mac, type: messageTypeName(info.messageType) });
      return this.#drop('quarantined', info);
    }
    const serverAddress = chain.serverId ?? ingress.serverAddress;
    if (serverAddress === 0) return this.#drop('no-server-address', info);

    const req: Dhcp4Request = { info, ingress, receivedAt: this.#clock.now() };
    switch (info.messageType) {
      case Dhcp4MessageType.Release:
      case Dhcp4MessageType.Decline:
        return this.#notify(req, serverAddress, chain.handlers);
      case Dhcp4MessageType.Discover:
      case Dhcp4MessageType.Request:
      case Dhcp4MessageType.Inform:
        break;
      default:
        return this.#drop('unsupported-type', info);
    }
    // §4.3.2 SELECTING: a server identifier that is not ours means the client chose another
    // server; stay silent (coredhcp's server_id plugin compares siaddr instead, spec §10.10).
    if (info.state === 'selecting' && info.serverId !== serverAddress) return this.#drop('other-server-selected', info);

    const draft = newDraft(stubReplyType(info.messageType)!, serverAddress);
    const result = await runChain(chain.handlers, req, draft);
    const decisions = draft.decisions;
    switch (result.verdict) {
      case 'drop':
        return this.#drop('handler-drop', info, decisions);
      case 'nak':
        return this.#nak(req, draft, `${result.decidedBy ?? 'chain'} refused the request`);
      case 'send':
        return this.#answer(req, draft);
      case 'next':
        return this.#unclaimed(req, draft);
    }
  }

  /** RELEASE and DECLINE get no reply (RFC 2131 §4.3.3, §4.3.4), but lease owners must hear them. */
  async #notify(req: Dhcp4Request, serverAddress: number, handlers: readonly Dhcp4Handler[]): Promise<Dhcp4Outcome> {
    if (req.info.serverId !== undefined && req.info.serverId !== serverAddress) return this.#drop('other-server', req.info);
    const draft = newDraft(0, serverAddress);
    await runChain(handlers, req, draft);
    return this.#drop(req.info.messageType === Dhcp4MessageType.Release ? 'release' : 'decline', req.info, draft.decisions);
  }

  #answer(req: Dhcp4Request, draft: Dhcp4Draft): Dhcp4Outcome {
    const { info } = req;
    if (info.messageType === Dhcp4MessageType.Inform) return this.#encode(req, draft);
    if (draft.yiaddr === 0) return this.#drop('no-address', info, draft.decisions);
    if (info.messageType === Dhcp4MessageType.Request) {
      // §4.3.2: the address the client asks for (option 50, or ciaddr when renewing/rebinding)
      // must be the one it is bound to; otherwise DHCPNAK so it restarts with DISCOVER. This is
      // what moves a client from a bootloop address to its SMD address.
      const wanted = info.requestedIp ?? info.ciaddr;
      if (wanted !== 0 && wanted !== draft.yiaddr) {
        return this.#nak(req, draft, `requested ${formatIPv4(wanted)}, bound to ${formatIPv4(draft.yiaddr)}`);
      }
    }
    return this.#encode(req, draft);
  }

  /** No handler claimed the client. */
  #unclaimed(req: Dhcp4Request, draft: Dhcp4Draft): Dhcp4Outcome {
    const { info } = req;
    switch (info.messageType) {
      case Dhcp4MessageType.Inform:
        // §4.3.5: INFORM needs no lease; the configuration options are the answer.
        return this.#encode(req, draft);
      case Dhcp4MessageType.Request:
        // §4.3.2: a client that selected our (never made) offer, or asks us directly to renew
        // an address we do not hold, is told so. INIT-REBOOT and REBINDING from unknown
        // clients get silence: another server may own them ("MUST remain silent").
        if (info.state === 'selecting' || info.state === 'renewing') return this.#nak(req, draft, 'no lease for this client');
        return this.#drop('unknown-client', info, draft.decisions);
      default:
        return this.#drop('unknown-client', info, draft.decisions);
    }
  }

  #nak(req: Dhcp4Request, draft: Dhcp4Draft, reason: string): Dhcp4Outcome {
    draft.messageType = Dhcp4MessageType.Nak;
    draft.decisions.push({ plugin: 'server', reason });
    draft.options.set(Dhcp4Opt.Message, new TextEncoder().encode(reason));
    this.#log.info('DHCPNAK', { mac: req.info.mac, reason, state: req.info.state });
    return this.#encode(req, draft);
  }

  #encode(req: Dhcp4Request, draft: Dhcp4Draft): Dhcp4Outcome {
    const { info } = req;
    const buf = this.#pool.acquire();
    if (buf === undefined) return this.#drop('pool-exhausted', info, draft.decisions);
    try {
      const w = new Writer(buf);
      const reply = buildReply(info, draft);
      const res = encodeDhcp4(reply, w, info.maxMessageSize === undefined ? {} : { maxSize: info.maxMessageSize });
      if (res.dropped.length > 0) this.#log.warn('reply options dropped to fit the client', { mac: info.mac, dropped: res.dropped.join(',') });
      this.counters.inc(`replies{type="${messageTypeName(draft.messageType)}"}`);
      if (this.#events.enabled) this.#events.emit(replyEvent4(info, draft));
      const pool = this.#pool;
      return {
        kind: 'reply',
        route: routeDhcp4Reply(info, req.ingress, draft.messageType),
        payload: w.finish(),
        release: () => pool.release(buf),
        replyType: draft.messageType,
        info,
        decisions: draft.decisions,
      };
    } catch (e) {
      this.#pool.release(buf);
      this.#log.error('reply could not be encoded', { mac: info.mac, error: (e as Error).message });
      return this.#drop('encode-error', info, draft.decisions);
    }
  }
}
