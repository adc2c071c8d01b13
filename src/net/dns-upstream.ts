// A client for one upstream DNS server, for the `forward` directive: UDP first, TCP when the
// reply is truncated (RFC 7766 §5: "a client ... MUST retry over TCP" on TC) or when the query
// came over TCP (CoreDNS forward keeps the client's transport unless told otherwise).
//
// UDP: one socket per upstream on an ephemeral port. Each query goes out under a fresh random
// ID (RFC 5452 §9.2: ID and source port are what an off-path forger has to guess), and a reply
// is accepted only from the upstream's address and port, with that ID and a question section
// identical to ours (RFC 5452 §4.2); the client's own ID is put back before the reply is
// returned. TCP: one connection per query, closed after the reply (truncated replies are rare
// and forwarded TCP is rarer still, so there is nothing to pool).

import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { Reader } from '../wire/reader.ts';
import { WireError } from '../wire/errors.ts';
import { DnsFlag } from '../dns/constants.ts';
import { DNS_HEADER_LENGTH } from '../dns/header.ts';
import { skipName } from '../dns/name.ts';

export interface DnsUpstreamOptions {
  readonly host: string;
  readonly port: number;
  /** Per attempt; CoreDNS forward's read timeout is 2 s. */
  readonly timeoutMs?: number;
}

export interface DnsUpstream {
  /** `host:port`, for logs and metrics. */
  readonly name: string;
  /** The reply to `query` with the query's own ID; rejects on timeout or transport failure. */
  exchange(query: Uint8Array, transport: 'udp' | 'tcp'): Promise<Uint8Array>;
  close(): void;
}

export const DNS_UPSTREAM_TIMEOUT_MS = 2000;
const ID_SPACE = 0x10000;
const QUESTION_FIXED = 4; // QTYPE, QCLASS

/** Where the first question ends, or -1 when the message has none or it does not parse. */
function questionEnd(msg: Uint8Array): number {
  if (msg.length < DNS_HEADER_LENGTH || ((msg[4]! << 8) | msg[5]!) < 1) return -1;
  try {
    const r = new Reader(msg, DNS_HEADER_LENGTH);
    skipName(r, 'question.name');
    r.skip(QUESTION_FIXED, 'question.type');
    return r.offset;
  } catch (e) {
    if (e instanceof WireError) return -1;
    throw e;
  }
}

function sameQuestion(a: Uint8Array, b: Uint8Array, end: number): boolean {
  if (b.length < end) return false;
  for (let i = DNS_HEADER_LENGTH; i < end; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Pending {
  readonly query: Uint8Array;
  readonly questionEnd: number;
  readonly clientId: number;
  readonly resolve: (reply: Uint8Array) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class UpstreamError extends Error {
  readonly code: 'ERR_UPSTREAM_TIMEOUT' | 'ERR_UPSTREAM_MALFORMED' | 'ERR_UPSTREAM_CLOSED' | 'ERR_UPSTREAM_SOCKET';
  constructor(code: UpstreamError['code'], message: string) {
    super(`${code}: ${message}`);
    this.name = 'UpstreamError';
    this.code = code;
  }
}

export function createDnsUpstream(options: DnsUpstreamOptions): DnsUpstream {
  const { host, port } = options;
  const timeoutMs = options.timeoutMs ?? DNS_UPSTREAM_TIMEOUT_MS;
  const name = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const pending = new Map<number, Pending>();
  let socket: dgram.Socket | undefined;
  let closed = false;

  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    if (p === undefined) return undefined;
    pending.delete(id);
    clearTimeout(p.timer);
    return p;
  };

  const udpSocket = (): dgram.Socket => {
    if (socket !== undefined) return socket;
    const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.on('message', (msg, rinfo) => {
      if (rinfo.port !== port || !sameAddress(rinfo.address, host) || msg.length < DNS_HEADER_LENGTH) return;
      const id = (msg[0]! << 8) | msg[1]!;
      const p = pending.get(id);
      if (p === undefined || (msg[2]! & (DnsFlag.QR >> 8)) === 0 || !sameQuestion(p.query, msg, p.questionEnd)) return;
      settle(id);
      msg.writeUInt16BE(p.clientId, 0);
      p.resolve(msg);
    });
    s.on('error', (err) => {
      for (const id of [...pending.keys()]) settle(id)?.reject(new UpstreamError('ERR_UPSTREAM_SOCKET', err.message));
      s.close();
      if (socket === s) socket = undefined;
    });
    s.unref();
    socket = s;
    return s;
  };

  const viaUdp = (query: Uint8Array): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const end = questionEnd(query);
      if (end === -1) {
        reject(new UpstreamError('ERR_UPSTREAM_MALFORMED', 'query has no question'));
        return;
      }
      let id = randomInt(ID_SPACE);
      for (let tries = 0; pending.has(id) && tries < ID_SPACE; tries++) id = (id + 1) % ID_SPACE;
      const copy = Buffer.from(query);
      copy.writeUInt16BE(id, 0);
      const timer = setTimeout(() => settle(id)?.reject(new UpstreamError('ERR_UPSTREAM_TIMEOUT', `${name} did not answer in ${timeoutMs} ms`)), timeoutMs);
      pending.set(id, { query: copy, questionEnd: end, clientId: (query[0]! << 8) | query[1]!, resolve, reject, timer });
      udpSocket().send(copy, port, host, (err) => {
        if (err !== null) settle(id)?.reject(new UpstreamError('ERR_UPSTREAM_SOCKET', err.message));
      });
    });

  const viaTcp = (query: Uint8Array): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const c = net.connect({ host, port });
      let buf: Buffer = Buffer.alloc(0);
      let done = false;
      const finish = (err: Error | undefined, reply?: Uint8Array): void => {
        if (done) return;
        done = true;
        c.destroy();
        if (err !== undefined) reject(err);
        else resolve(reply!);
      };
      c.setTimeout(timeoutMs, () => finish(new UpstreamError('ERR_UPSTREAM_TIMEOUT', `${name} (tcp) did not answer in ${timeoutMs} ms`)));
      c.on('connect', () => {
        const framed = Buffer.allocUnsafe(2 + query.length);
        framed.writeUInt16BE(query.length, 0);
        framed.set(query, 2);
        c.write(framed);
      });
      c.on('data', (chunk: Buffer) => {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        if (buf.length < 2) return;
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) return;
        const reply = buf.subarray(2, 2 + len);
        const end = questionEnd(query);
        // Same connection, so no forger to fear; still, a reply to another question is no reply.
        if (len < DNS_HEADER_LENGTH || reply[0] !== query[0] || reply[1] !== query[1] || !sameQuestion(query, reply, end)) {
          finish(new UpstreamError('ERR_UPSTREAM_MALFORMED', `${name} (tcp) answered another question`));
          return;
        }
        finish(undefined, Uint8Array.from(reply));
      });
      c.on('error', (err) => finish(new UpstreamError('ERR_UPSTREAM_SOCKET', err.message)));
      c.on('close', () => finish(new UpstreamError('ERR_UPSTREAM_CLOSED', `${name} (tcp) closed the connection`)));
    });

  return {
    name,
    async exchange(query, transport) {
      if (closed) throw new UpstreamError('ERR_UPSTREAM_CLOSED', `${name} is closed`);
      if (transport === 'tcp') return viaTcp(query);
      const reply = await viaUdp(query);
      // RFC 7766 §5 / RFC 1035 §4.2.1: a truncated UDP reply means "ask again over TCP".
      if ((reply[2]! & (DnsFlag.TC >> 8)) !== 0) return viaTcp(query);
      return reply;
    },
    close() {
      closed = true;
      for (const id of [...pending.keys()]) settle(id)?.reject(new UpstreamError('ERR_UPSTREAM_CLOSED', `${name} is closed`));
      socket?.close();
      socket = undefined;
    },
  };
}

/** An IPv4 upstream answering a dual-stack socket shows up as `::ffff:a.b.c.d`. */
function sameAddress(seen: string, configured: string): boolean {
  if (seen === configured) return true;
  if (seen.startsWith('::ffff:')) return seen.slice(7) === configured;
  return seen.toLowerCase() === configured.toLowerCase();
}
