// One DNS listener's request path: bytes in, reply bytes out (design.md "The packet path"). The
// transports in src/net own sockets and buffers; this owns what is answered:
//
// 1. `peekDnsQuery` looks at the header only: no header or a response → silence (miekg/dns:
//    "any reply can be used to amplify"); an opcode we do not serve → NOTIMP; a section count a
//    query cannot have → FORMERR. Both replies are header-only.
// 2. `decodeDnsQuery`: a body that does not decode → FORMERR. Only WireError comes out of it.
// 3. NOTIFY → NOTIMP (we are no secondary); EDNS version > 0 → BADVERS (RFC 6891 §6.1.3).
// 4. The server block whose zone is the longest suffix of the name takes the query (CoreDNS's
//    zone routing); none → REFUSED. Its chain is fixed: coresmd, then forward (spec §1.1 order).
// 5. coresmd answers inside its zones (answer.ts); a `next` verdict goes to `forward` when the
//    block has one covering the name, else REFUSED — never SERVFAIL for a plain miss.
// 6. The reply is encoded into the caller's buffer with the client's size limit: 512 octets
//    without EDNS, the advertised size capped at 1232 with it (RFC 6891 §6.2.5), 65535 on TCP.
//    RRsets that do not fit are dropped whole and TC is set (message.ts).
//
// Forwarded queries are the only asynchronous path; their reply arrives in a fresh buffer, is
// passed through when it fits the client's limit and re-encoded with truncation when not.
// Nothing here throws: a bug becomes a SERVFAIL and an error log line.

import type { Logger } from '../../seams/logger.ts';
import { Writer } from '../../wire/writer.ts';
import { DnsClass, DnsOpcode, DnsRcode, DnsType, nameOf } from '../constants.ts';
import { udpResponseLimit } from '../edns.ts';
import { DNS_HEADER_LENGTH, DnsHeaderView, decodeHeader, peekDnsQuery } from '../header.ts';
import { decodeDnsMessage, decodeDnsQuery, DNS_MAX_MESSAGE_LENGTH, encodeDnsResponse, type DnsEncodeResult, type DnsMessage, type DnsQuery } from '../message.ts';
import { answerQuery } from './answer.ts';
import { coresmdTypeLabel, rcodeLabel, standardTypeLabel, type DnsMetrics } from './metrics.ts';
import { headerOnlyReply, refusedReply, replyTo, servfailReply } from './reply.ts';
import type { DnsOwner, DnsZoneIndex } from './zone-index.ts';
import { FastPath, NOT_HANDLED, ownerXname } from './fast-path.ts';
import { fastCells, type FastCells } from './fast-metrics.ts';

export type DnsProto = 'udp' | 'tcp';

export interface DnsRequestContext {
  readonly proto: DnsProto;
  readonly family: 4 | 6;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/** The `forward` side of a server block; the app implements it over src/net upstream clients. */
export interface DnsForwarder {
  /** True when the directive's FROM zones cover this lookup key and `except` does not exclude it. */
  covers(key: string): boolean;
  /** Sends the query upstream; resolves with the reply (the client's ID restored), rejects on failure. */
  exchange(request: Uint8Array, proto: DnsProto): Promise<Uint8Array>;
}

/** The coresmd side of a server block: the current index, swapped on every inventory snapshot. */
export interface CoresmdZones {
  current(): DnsZoneIndex;
  readonly ttl: number;
}

export interface DnsServerBlock {
  /** Lookup keys of the block's zones, `.` for the root. */
  readonly zones: readonly string[];
  readonly coresmd: CoresmdZones | undefined;
  readonly forward: DnsForwarder | undefined;
  /** `log`: which queries get a log line; undefined logs none. */
  readonly queryLog: DnsQueryLog | undefined;
  /** `errors`: one line per failed forward or internal error. */
  readonly logErrors: boolean;
}

/** CoreDNS's response classes (plugin/pkg/response/classify.go), for `log { class … }`. */
export type DnsReplyClass = 'success' | 'denial' | 'error';

/** NOERROR with answers is success; NXDOMAIN and NOERROR without answers (NODATA) are denial. */
export function classifyReply(rcode: number, answers: number): DnsReplyClass {
  if (rcode === DnsRcode.NXDOMAIN) return 'denial';
  if (rcode === DnsRcode.NOERROR) return answers > 0 ? 'success' : 'denial';
  return 'error';
}

export interface DnsQueryLog {
  matches(key: string, rcode: number, answers: number): boolean;
}

export interface DnsQueryHandlerOptions {
  /** The `server` metric label, `dns://[bind]:port`. */
  readonly server: string;
  readonly blocks: readonly DnsServerBlock[];
  readonly metrics: DnsMetrics;
  readonly logger: Logger;
  /** Monotonic milliseconds with sub-millisecond resolution (`performance.now` in the app). */
  readonly monotonicMs: () => number;
  /**
   * Called for questions about a name that belongs to a component of the inventory (its node
   * or BMC name, or a PTR to it), answered from a coresmd zone: the boot timeline. At most once
   * per name per LOOKUP_REPORT_INTERVAL_MS: resolvers cache our answers for the TTL, so repeats
   * within seconds are retries or other clients, not a new boot stage, and a query flood must
   * not become an event flood.
   */
  readonly onNodeLookup?: DnsNodeLookupObserver | undefined;
  /** false: every query takes the general path (tests compare the two; default true). */
  readonly fastPath?: boolean;
}

export const LOOKUP_REPORT_INTERVAL_MS = 10_000;

export type DnsNodeLookupObserver = (xname: string, name: string, qtype: number, rcode: number) => void;

/** Bytes written into `out` (0: no reply), or a fresh buffer later for forwarded queries. */
export type DnsHandleResult = number | Promise<Uint8Array | undefined>;

interface Route {
  /** `.` + key, or '' for the root, for the suffix test. */
  readonly suffix: string;
  readonly key: string;
  readonly block: DnsServerBlock;
  /** The fast path's metric series, by coresmd zone label (fast-metrics.ts). */
  readonly cells: Map<string, FastCells>;
}

/** Zone label of messages that reached no server block (CoreDNS uses the same word). */
const DROPPED_ZONE = 'dropped';
const RCODE_OFFSET = 3; // low nibble of the second flags octet (RFC 1035 §4.1.1)
const ANCOUNT_OFFSET = 6; // RFC 1035 §4.1.1

export class DnsQueryHandler {
  readonly #server: string;
  readonly #routes: readonly Route[];
  readonly #metrics: DnsMetrics;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #fast: FastPath | undefined;
  readonly #onNodeLookup: DnsNodeLookupObserver | undefined;
  /** When each name was last reported (weak: an index's names go with the index). */
  readonly #reported = new WeakMap<DnsOwner, number>();

  constructor(options: DnsQueryHandlerOptions) {
    this.#server = options.server;
    this.#metrics = options.metrics;
    this.#log = options.logger.child({ component: 'dns', server: options.server });
    this.#now = options.monotonicMs;
    this.#onNodeLookup = options.onNodeLookup;
    this.#fast = options.fastPath === false ? undefined : new FastPath();
    const routes: Route[] = [];
    for (const block of options.blocks) {
      for (const key of block.zones) routes.push({ key, suffix: key === '.' ? '' : `.${key}`, block, cells: new Map() });
    }
    // Longest zone first: the most specific block wins.
    routes.sort((a, b) => b.key.length - a.key.length);
    this.#routes = routes;
  }

  handle(request: Uint8Array, ctx: DnsRequestContext, out: Uint8Array): DnsHandleResult {
    const t0 = this.#now();
    try {
      const fast = this.#fast;
      if (fast !== undefined && fast.parse(request)) {
        const n = this.#answerFast(fast, request, ctx, out, t0);
        if (n !== NOT_HANDLED) return n;
      }
      return this.#handle(request, ctx, out, t0);
    } catch (e) {
      // A bug, not hostile input: decoders return WireError results and never throw.
      this.#log.error('DNS request failed', { error: e instanceof Error ? e.message : String(e) });
      return this.#headerOnly(request, DnsRcode.SERVFAIL, ctx, out);
    }
  }

  #handle(request: Uint8Array, ctx: DnsRequestContext, out: Uint8Array, t0: number): DnsHandleResult {
    const verdict = peekDnsQuery(request);
    if (verdict === 'drop') {
      this.#metrics.dropped.inc([this.#server, request.length < DNS_HEADER_LENGTH ? 'short' : 'response']);
      return 0;
    }
    if (verdict !== 'ok') return this.#headerOnly(request, verdict === 'notimp' ? DnsRcode.NOTIMP : DnsRcode.FORMERR, ctx, out);
    const decoded = decodeDnsQuery(request);
    if (!decoded.ok) {
      if (!decoded.headerParsed) return 0;
      return this.#headerOnly(request, DnsRcode.FORMERR, ctx, out);
    }
    const query = decoded.value;
    const maxSize = this.#limit(query, ctx, out);
    // RFC 1996: NOTIFY is for secondaries; we have no zones to transfer.
    if (query.header.opcode !== DnsOpcode.QUERY) return this.#reply(query, replyTo(query, DnsRcode.NOTIMP, { aa: false }), DROPPED_ZONE, '', ctx, out, maxSize, t0);
    if (query.edns !== undefined && query.edns.version !== 0) {
      return this.#reply(query, replyTo(query, DnsRcode.BADVERS, { aa: false }), DROPPED_ZONE, '', ctx, out, maxSize, t0);
    }
    const route = this.#route(query.question.nameKey);
    if (route === undefined) return this.#reply(query, refusedReply(query), DROPPED_ZONE, '', ctx, out, maxSize, t0);
    const block = route.block;
    const zoneLabel = route.key;

    if (block.coresmd !== undefined) {
      const index = block.coresmd.current();
      const answer = answerQuery(query, index, { ttl: block.coresmd.ttl });
      this.#coresmdMetrics(query, answer.facts.zone, answer.facts.hit, t0);
      if (answer.kind === 'reply' && this.#onNodeLookup !== undefined) {
        const owner = index.owner(query.question.nameKey);
        if (owner !== undefined) this.#report(owner, query.question.nameKey, query.question.type, answer.message.header.rcode, t0);
      }
      if (answer.kind === 'reply') return this.#reply(query, answer.message, zoneLabel, 'coresmd', ctx, out, maxSize, t0, block);
    }
    const fwd = block.forward;
    if (fwd !== undefined && fwd.covers(query.question.nameKey)) return this.#forward(fwd, request, query, zoneLabel, ctx, maxSize, t0, block);
    return this.#reply(query, refusedReply(query), zoneLabel, '', ctx, out, maxSize, t0, block);
  }

  /** fast-path.ts for the query it parsed, with the same metrics and log as #reply. */
  #answerFast(fast: FastPath, request: Uint8Array, ctx: DnsRequestContext, out: Uint8Array, t0: number): number {
    const q = fast.query;
    const route = this.#route(q.key);
    const block = route?.block;
    const zones = block?.coresmd;
    // `log` wants the general path's fields; a TTL other than the index's cannot be copied.
    if (zones === undefined || block!.queryLog !== undefined) return NOT_HANDLED;
    const index = zones.current();
    if (index.ttl !== zones.ttl) return NOT_HANDLED;
    const n = fast.answer(request, index, out, ctx.proto === 'tcp');
    if (n === NOT_HANDLED) return n;
    const seconds = (this.#now() - t0) / 1000;
    fastCells(route!.cells, q.metricZone, this.#metrics, this.#server, route!.key).count(q, ctx, seconds);
    if (this.#onNodeLookup !== undefined && q.owner !== undefined) this.#report(q.owner, q.key, q.qtype, q.rcode, t0);
    return n;
  }

  #report(owner: DnsOwner, key: string, qtype: number, rcode: number, now: number): void {
    const xname = ownerXname(owner, qtype);
    if (xname === undefined) return;
    const last = this.#reported.get(owner);
    if (last !== undefined && now - last < LOOKUP_REPORT_INTERVAL_MS) return;
    this.#reported.set(owner, now);
    this.#onNodeLookup!(xname, key, qtype, rcode);
  }

  #route(key: string): Route | undefined {
    for (const r of this.#routes) if (r.suffix === '' || key === r.key || key.endsWith(r.suffix)) return r;
    return undefined;
  }

  #limit(query: DnsQuery, ctx: DnsRequestContext, out: Uint8Array): number {
    const cap = Math.min(out.length, DNS_MAX_MESSAGE_LENGTH);
    return ctx.proto === 'tcp' ? cap : Math.min(cap, udpResponseLimit(query.edns));
  }

  #coresmdMetrics(query: DnsQuery, zone: string, hit: boolean | undefined, t0: number): void {
    const m = this.#metrics;
    const type = coresmdTypeLabel(query.question.type);
    m.coresmdRequests.inc([this.#server, zone, type]);
    if (hit === true) m.cacheHits.inc([this.#server, zone, type]);
    else if (hit === false) m.cacheMisses.inc([this.#server, zone, type]);
    m.coresmdDuration.observe([this.#server, zone], (this.#now() - t0) / 1000);
  }

  #reply(
    query: DnsQuery,
    message: DnsMessage,
    zone: string,
    plugin: string,
    ctx: DnsRequestContext,
    out: Uint8Array,
    maxSize: number,
    t0: number,
    block?: DnsServerBlock,
  ): number {
    let result: DnsEncodeResult;
    let rcode = message.header.rcode;
    try {
      result = encodeDnsResponse(message, new Writer(out, 0, maxSize), { maxSize });
    } catch (e) {
      // Only a record we built wrong gets here (an EncodeError); the client still gets an answer.
      this.#log.error('cannot encode DNS reply', { name: query.question.name, error: e instanceof Error ? e.message : String(e) });
      rcode = DnsRcode.SERVFAIL;
      result = encodeDnsResponse(servfailReply(query), new Writer(out, 0, maxSize), { maxSize });
    }
    this.#finish(query, rcode, result.answers, zone, plugin, ctx, result.length, t0, block);
    return result.length;
  }

  #headerOnly(request: Uint8Array, rcode: number, ctx: DnsRequestContext, out: Uint8Array): number {
    if (request.length < DNS_HEADER_LENGTH) return 0;
    const header = decodeHeader(new DnsHeaderView(request));
    const w = new Writer(out);
    const length = encodeDnsResponse(headerOnlyReply(header, rcode), w, { maxSize: Math.min(out.length, DNS_MAX_MESSAGE_LENGTH) }).length;
    const m = this.#metrics;
    m.requests.inc([this.#server, DROPPED_ZONE, '', ctx.proto, familyLabel(ctx), 'other']);
    m.responses.inc([this.#server, DROPPED_ZONE, '', rcodeLabel(rcode), '']);
    return length;
  }

  #forward(
    fwd: DnsForwarder,
    request: Uint8Array,
    query: DnsQuery,
    zone: string,
    ctx: DnsRequestContext,
    maxSize: number,
    t0: number,
    block: DnsServerBlock,
  ): Promise<Uint8Array | undefined> {
    return fwd.exchange(request, ctx.proto).then(
      (reply) => {
        // Whatever the upstream sent is checked like a query would be: a reply that does not
        // decode is not passed on (CoreDNS forward unpacks it too and answers SERVFAIL).
        const decoded = decodeDnsMessage(reply);
        if (!decoded.ok || !decoded.value.header.qr) {
          if (block.logErrors) this.#log.error('forward: malformed reply from upstream', { name: query.question.name });
          return this.#fresh(query, servfailReply(query), zone, ctx, maxSize, t0, block);
        }
        if (reply.length <= maxSize) {
          reply[0] = query.header.id >>> 8;
          reply[1] = query.header.id & 0xff;
          this.#finish(query, reply[RCODE_OFFSET]! & 0xf, (reply[ANCOUNT_OFFSET]! << 8) | reply[ANCOUNT_OFFSET + 1]!, zone, 'forward', ctx, reply.length, t0, block);
          return reply;
        }
        // Larger than the client may take: re-encoded, whole RRsets dropped, TC set.
        return this.#fresh(query, { ...decoded.value, header: { ...decoded.value.header, id: query.header.id } }, zone, ctx, maxSize, t0, block);
      },
      (e: unknown) => {
        if (block.logErrors) {
          this.#log.error('forward failed', { name: query.question.name, type: nameOfType(query.question.type), error: e instanceof Error ? e.message : String(e) });
        }
        return this.#fresh(query, servfailReply(query), zone, ctx, maxSize, t0, block);
      },
    );
  }

  /** Encodes `message` into a buffer of its own (the forwarded path outlives the caller's). */
  #fresh(query: DnsQuery, message: DnsMessage, zone: string, ctx: DnsRequestContext, maxSize: number, t0: number, block: DnsServerBlock): Uint8Array {
    const buf = new Uint8Array(maxSize);
    const n = this.#reply(query, message, zone, 'forward', ctx, buf, maxSize, t0, block);
    return buf.subarray(0, n);
  }

  #finish(query: DnsQuery, rcode: number, answers: number, zone: string, plugin: string, ctx: DnsRequestContext, size: number, t0: number, block?: DnsServerBlock): void {
    const m = this.#metrics;
    const type = standardTypeLabel(query.question.type);
    const seconds = (this.#now() - t0) / 1000;
    m.requests.inc([this.#server, zone, '', ctx.proto, familyLabel(ctx), type]);
    m.responses.inc([this.#server, zone, '', rcodeLabel(rcode), plugin]);
    m.duration.observe([this.#server, zone, '', type], seconds);
    if (block?.queryLog?.matches(query.question.nameKey, rcode, answers) === true) {
      const q = query.question;
      this.#log.info('query', {
        remote: ctx.remoteAddress,
        port: ctx.remotePort,
        id: query.header.id,
        type: nameOfType(q.type),
        class: nameOf(DnsClass, q.class),
        name: q.name,
        proto: ctx.proto,
        do: query.edns?.dnssecOk ?? false,
        bufsize: query.edns?.udpPayloadSize ?? 512,
        rcode: rcodeLabel(rcode),
        rsize: size,
        durationMs: Math.round(seconds * 1e6) / 1e3,
      });
    }
  }
}

function familyLabel(ctx: DnsRequestContext): string {
  // CoreDNS: 1 = IPv4, 2 = IPv6 (the IANA address family numbers).
  return ctx.family === 4 ? '1' : '2';
}

function nameOfType(type: number): string {
  const name = nameOf(DnsType, type);
  return name.startsWith('unknown') ? `TYPE${type}` : name;
}
