// The TFTP server: requests that reach a listening socket become transfers (RFC 1350 §4).
//
// What a datagram on a listening socket gets:
//
//   RRQ, octet or netascii   a transfer (OACK or DATA 1), or ERROR 1/2 when the file provider
//                            says not-found/access (path escapes included, boot/file-provider.ts)
//   RRQ, mode "mail"         ERROR 4 (RFC 1350 §5: "should not be implemented")
//   WRQ                      ERROR 2 "Access violation": the server is read-only (the original
//                            answers code 1, spec coresmd-dhcp §8.1; 2 is what the RFC means)
//   a malformed request      ERROR 4 naming the field (an unterminated string, a duplicate option)
//   anything else            ERROR 5 "Unknown transfer ID" to its sender (RFC 1350 §4), unless
//                            it is itself an ERROR or undecodable junk: those get silence
//
// Requests beyond `maxTransfers` are dropped without an answer, as dnsmasq does (src/tftp.c
// stops reading the listening socket at tftp_max). Every TFTP client retransmits its RRQ (tftp-hpa
// and iPXE after a second or so, EDK II four times), so a boot storm queues itself; an ERROR
// would instead end the boot attempt on most PXE firmware.
//
// Each client port has at most one transfer. A retransmitted RRQ (the same bytes) while its
// transfer runs is ignored: the transfer's own timer resends the OACK or DATA, and a second
// transfer would answer from a second TID (tftpd-hpa forks one; the client then ERRORs it). A
// different request from the same port replaces the running transfer: the client gave up on it
// (a UEFI size probe whose ERROR 8 was lost, then the real request from the same port).
//
// Single-port mode: transfers use the listening socket; a datagram from a client port with a
// running transfer goes to that transfer, anything else is handled as above. Normal mode: every
// transfer opens its own socket on the local address the request came to (transport.ts).
//
// blksize is clamped to what one datagram carries on the path: the interface MTU minus 20 (IPv4
// header; 40 for IPv6), 8 (UDP) and 4 (TFTP), as dnsmasq computes it; the original's single-port mode caps
// it at 512 as a side effect (spec §8.1), ours negotiates the same options in both modes.

import type { Clock } from '../../seams/clock.ts';
import type { LogFields, Logger } from '../../seams/logger.ts';
import { noBootEvents, type BootEvents } from '../../seams/boot-events.ts';
import type { FileProvider } from '../../boot/file-provider.ts';
import type { BufferPool } from '../../wire/pool.ts';
import { Writer } from '../../wire/writer.ts';
import { BLKSIZE_MAX, TftpErrorCode, TftpMode, TftpOpcode } from '../constants.ts';
import { negotiateOptions } from '../options.ts';
import { decodeTftp, encodeError, peekTftpOpcode, type TftpRequest } from '../packet.ts';
import { createBlockSource, transferSize } from './block-source.ts';
import { TftpOutcome, TftpTransfer, type TftpTransferResult } from './transfer.ts';
import { requestRefusedEvent, transferEndEvent, transferStartEvent, type TftpStartFacts } from './tftp-events.ts';
import { endpointKey, type TftpChannel, type TftpEndpoint, type TftpTransferChannel, type TftpTransport } from './transport.ts';

/** IPv4 header (RFC 791, no options) + UDP header (RFC 768) + TFTP DATA header (RFC 1350 §5). */
export const IPV4_UDP_TFTP_OVERHEAD = 20 + 8 + 4;
/** IPv6 header (RFC 8200 §3, no extension headers) + UDP + TFTP DATA header. */
export const IPV6_UDP_TFTP_OVERHEAD = 40 + 8 + 4;
/** Ethernet (RFC 894), when the transport does not know the interface's MTU. */
const DEFAULT_MTU = 1500;

export interface TftpServerOptions {
  readonly files: FileProvider;
  readonly transport: TftpTransport;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Send buffers; a slot must hold the largest packet (4 + the largest blksize). */
  readonly pool: BufferPool;
  readonly singlePort: boolean;
  /** Transfers at once, those being set up included (default 256). */
  readonly maxTransfers?: number;
  /**
   * Retransmission timeout when the client asks for none (RFC 2349 `timeout`), ms (default 1000,
   * tftpd-hpa's). Any value works here; a client's own `timeout` is whole seconds.
   */
  readonly defaultTimeoutMs?: number;
  /** Resends without progress before giving up (default 5, as the original). */
  readonly maxRetransmits?: number;
  /** Longest wait between resends once backed off, ms (default 30 000). */
  readonly maxBackoffMs?: number;
  /** Accept RFC 7440 windowsize (default true). */
  readonly windowsize?: boolean;
  /** Largest window we send (default 64: throughput levels off there, u-root PR 1966). */
  readonly maxWindowsize?: number;
  /** An upper bound for blksize below the path's (default 65464, RFC 2348). */
  readonly maxBlksize?: number;
  /** Where transfers are reported (the admin timeline); none by default. */
  readonly events?: BootEvents;
}

export interface TftpServerStats {
  readonly requests: number;
  readonly started: number;
  readonly active: number;
  readonly complete: number;
  readonly sizeProbes: number;
  readonly failed: number;
  readonly notFound: number;
  readonly accessDenied: number;
  readonly writeRequests: number;
  readonly malformed: number;
  readonly duplicateRequests: number;
  readonly busyDrops: number;
  readonly unknownTid: number;
  readonly bytesSent: number;
  /** Resends after a timeout, over every finished transfer. */
  readonly retransmits: number;
  /** Transfers the client ended with an ERROR (size probes excepted) or gave up on for a new request. */
  readonly aborts: number;
  /** Transfers that timed out or could not read their file. */
  readonly errors: number;
}

interface Session {
  readonly key: string;
  readonly client: TftpEndpoint;
  /** A copy of the request datagram, to tell a retransmission from a new request. */
  readonly request: Uint8Array;
  readonly filename: string;
  transfer: TftpTransfer | undefined;
  channel: TftpTransferChannel | undefined;
  /** Set when superseded or shut down before the transfer started. */
  cancelled: boolean;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export class TftpServer {
  readonly #o: TftpServerOptions;
  readonly #log: Logger;
  readonly #maxTransfers: number;
  readonly #sessions = new Map<string, Session>();
  #closed = false;
  #stats = {
    requests: 0,
    started: 0,
    complete: 0,
    sizeProbes: 0,
    failed: 0,
    notFound: 0,
    accessDenied: 0,
    writeRequests: 0,
    malformed: 0,
    duplicateRequests: 0,
    busyDrops: 0,
    unknownTid: 0,
    bytesSent: 0,
    retransmits: 0,
    aborts: 0,
    errors: 0,
  };
  /** Malformed requests by WireError code (metrics: dropped malformed packets by code). */
  readonly #malformedByCode = new Map<string, number>();
  readonly #events: BootEvents;

  constructor(o: TftpServerOptions) {
    this.#o = o;
    this.#log = o.logger;
    this.#maxTransfers = o.maxTransfers ?? 256;
    this.#events = o.events ?? noBootEvents;
  }

  /** Malformed requests so far, by WireError code. */
  malformedByCode(): ReadonlyMap<string, number> {
    return this.#malformedByCode;
  }

  get activeTransfers(): number {
    return this.#sessions.size;
  }

  stats(): TftpServerStats {
    return { ...this.#stats, active: this.#sessions.size };
  }

  /** A datagram that reached a listening socket `listener` from `from`. The datagram is only borrowed. */
  handleListenerDatagram(datagram: Uint8Array, from: TftpEndpoint, listener: TftpChannel): void {
    if (this.#closed) return;
    const key = endpointKey(from);
    const session = this.#sessions.get(key);
    const opcode = peekTftpOpcode(datagram);
    if (opcode !== TftpOpcode.RRQ && opcode !== TftpOpcode.WRQ) {
      if (session !== undefined) {
        // Single-port: the client's ACKs and ERRORs for its transfer. Normal mode: the client
        // wrote to port 69 instead of our TID; it is not a stranger, so no ERROR 5 either.
        if (this.#o.singlePort) session.transfer?.receive(datagram, from);
        return;
      }
      const decoded = decodeTftp(datagram);
      if (!decoded.ok || decoded.value.kind === 'error') return;
      this.#stats.unknownTid++;
      this.#sendError(listener, from, TftpErrorCode.UnknownTransferId, 'Unknown transfer ID');
      return;
    }
    this.#stats.requests++;
    const decoded = decodeTftp(datagram);
    if (!decoded.ok) {
      this.#stats.malformed++;
      this.#malformedByCode.set(decoded.error.code, (this.#malformedByCode.get(decoded.error.code) ?? 0) + 1);
      this.#log.debug('malformed TFTP request', { client: key, error: decoded.error.message });
      this.#sendError(listener, from, TftpErrorCode.IllegalOperation, `Illegal TFTP operation: ${decoded.error.field} ${decoded.error.code}`);
      return;
    }
    const req = decoded.value as TftpRequest;
    if (req.kind === 'wrq') {
      this.#stats.writeRequests++;
      this.#log.info('write request refused', { client: key, file: req.filenameText });
      this.#sendError(listener, from, TftpErrorCode.AccessViolation, 'Access violation: this server is read-only');
      return;
    }
    if (session !== undefined) {
      if (sameBytes(session.request, datagram)) {
        this.#stats.duplicateRequests++;
        return;
      }
      this.#log.debug('new request replaces the running transfer', { client: key, file: session.filename, next: req.filenameText });
      this.#endSession(session, TftpOutcome.Superseded);
    }
    if (this.#sessions.size >= this.#maxTransfers) {
      this.#stats.busyDrops++;
      this.#log.debug('transfer limit reached; request dropped (the client will retry)', { client: key, file: req.filenameText, limit: this.#maxTransfers });
      return;
    }
    const s: Session = { key, client: from, request: Uint8Array.from(datagram), filename: req.filenameText, transfer: undefined, channel: undefined, cancelled: false };
    this.#sessions.set(key, s);
    this.#start(s, req, listener).catch((e: unknown) => {
      this.#log.error('TFTP transfer setup failed', { client: key, file: s.filename, error: (e as Error).message });
      if (!s.cancelled) this.#sendError(listener, from, TftpErrorCode.NotDefined, 'Internal error');
      this.#forget(s);
    });
  }

  /** Ends every transfer (telling each client) and refuses new requests. */
  close(): void {
    this.#closed = true;
    for (const s of [...this.#sessions.values()]) this.#endSession(s, TftpOutcome.Shutdown, 'Server shutting down');
  }

  async #start(s: Session, req: TftpRequest, listener: TftpChannel): Promise<void> {
    const o = this.#o;
    const fields: LogFields = { client: s.key, file: s.filename, mode: req.mode };
    if (req.mode === TftpMode.Mail) {
      this.#sendError(listener, s.client, TftpErrorCode.IllegalOperation, 'Illegal TFTP operation: mail mode is not supported');
      this.#forget(s);
      return;
    }
    const mode = req.mode;
    const resolved = await o.files.resolve(s.filename);
    if (s.cancelled) return;
    if (!resolved.ok) {
      const notFound = resolved.code === 'not-found';
      if (notFound) this.#stats.notFound++;
      else this.#stats.accessDenied++;
      this.#log.info(notFound ? 'file not found' : 'access refused', { ...fields, reason: resolved.message });
      if (this.#events.enabled) this.#events.emit(requestRefusedEvent(s.client, s.filename, notFound ? TftpErrorCode.FileNotFound : TftpErrorCode.AccessViolation, resolved.message));
      this.#sendError(
        listener,
        s.client,
        notFound ? TftpErrorCode.FileNotFound : TftpErrorCode.AccessViolation,
        notFound ? 'File not found' : `Access violation: ${resolved.message}`,
      );
      this.#forget(s);
      return;
    }
    const file = resolved.file;
    const wantsTsize = req.options.some(([name]) => name === 'tsize');
    const fileSize = mode === 'octet' || wantsTsize ? await transferSize(o.files, file, mode) : undefined;
    if (s.cancelled) return;
    const local = listener.local.address;
    const mtu = o.transport.mtu(local) ?? DEFAULT_MTU;
    const overhead = local.includes(':') ? IPV6_UDP_TFTP_OVERHEAD : IPV4_UDP_TFTP_OVERHEAD;
    const maxBlksize = Math.min(mtu - overhead, o.pool.slotSize - 4, o.maxBlksize ?? BLKSIZE_MAX);
    const negotiated = negotiateOptions(req.options, {
      maxBlksize,
      ...(fileSize === undefined ? {} : { fileSize }),
      allowWindowsize: o.windowsize ?? true,
      maxWindowsize: o.maxWindowsize ?? 64,
      defaultTimeoutS: 1, // unused: see timeoutMs below
    });
    const clientTimeout = negotiated.accepted.some(([name]) => name === 'timeout');
    const timeoutMs = clientTimeout ? negotiated.timeoutMs : (o.defaultTimeoutMs ?? 1000);
    let channel: TftpChannel = listener;
    if (!o.singlePort) {
      const own = await o.transport.openTransferChannel(local, (d, from) => s.transfer?.receive(d, from));
      if (s.cancelled) {
        own.close();
        return;
      }
      s.channel = own;
      channel = own;
    }
    const source = createBlockSource({ files: o.files, file, mode, blksize: negotiated.blksize, windowsize: negotiated.windowsize });
    const details: LogFields = {
      ...fields,
      blksize: negotiated.blksize,
      windowsize: negotiated.windowsize,
      timeoutMs,
      tsize: fileSize,
      ignored: negotiated.ignored?.map((i) => `${i.name}=${i.value}(${i.reason})`).join(' '),
    };
    this.#stats.started++;
    const facts: TftpStartFacts = { file: s.filename, blksize: negotiated.blksize, windowsize: negotiated.windowsize, tsize: fileSize, timeoutMs };
    if (this.#events.enabled) this.#events.emit(transferStartEvent(s.client, facts));
    this.#log.debug('transfer starts', { ...details, local: endpointKey(channel.local) });
    s.transfer = new TftpTransfer({
      client: s.client,
      channel,
      clock: o.clock,
      pool: o.pool,
      source,
      blksize: negotiated.blksize,
      windowsize: negotiated.windowsize,
      timeoutMs,
      maxRetransmits: o.maxRetransmits ?? 5,
      maxBackoffMs: o.maxBackoffMs ?? 30_000,
      oack: negotiated.accepted,
      onEnd: (r) => this.#finished(s, r, details, facts),
    });
    s.transfer.start();
  }

  #finished(s: Session, r: TftpTransferResult, details: LogFields, facts: TftpStartFacts): void {
    this.#forget(s);
    this.#stats.bytesSent += r.bytes;
    this.#stats.retransmits += r.retransmits;
    if (this.#events.enabled && r.outcome !== TftpOutcome.Shutdown) this.#events.emit(transferEndEvent(s.client, facts, r));
    const fields: LogFields = {
      ...details,
      outcome: r.outcome,
      bytes: r.bytes,
      blocks: r.blocks,
      packets: r.packets,
      retransmits: r.retransmits,
      duplicateAcks: r.duplicateAcks || undefined,
      wrongTid: r.wrongTid || undefined,
      poolExhausted: r.poolExhausted || undefined,
      durationMs: r.durationMs,
      clientErrorCode: r.clientError?.code,
      clientError: r.clientError?.message,
      detail: r.detail,
    };
    switch (r.outcome) {
      case TftpOutcome.Complete:
        this.#stats.complete++;
        this.#log.info('transfer complete', fields);
        return;
      case TftpOutcome.SizeProbe:
        // Normal: UEFI reads tsize, aborts with ERROR 8 and asks again (pin/tftp#125).
        this.#stats.sizeProbes++;
        this.#log.debug('size probe answered', fields);
        return;
      case TftpOutcome.Superseded:
        this.#stats.aborts++;
        this.#log.debug('transfer ended', fields);
        return;
      case TftpOutcome.Shutdown:
        this.#log.debug('transfer ended', fields);
        return;
      case TftpOutcome.Timeout:
      case TftpOutcome.ReadError:
        this.#stats.failed++;
        this.#stats.errors++;
        this.#log.warn('transfer failed', fields);
        return;
      case TftpOutcome.OptionsRefused:
      case TftpOutcome.ClientError:
        this.#stats.failed++;
        this.#stats.aborts++;
        this.#log.info('client ended the transfer', fields);
        return;
    }
  }

  #endSession(s: Session, outcome: typeof TftpOutcome.Superseded | typeof TftpOutcome.Shutdown, notice?: string): void {
    s.cancelled = true;
    if (s.transfer !== undefined) s.transfer.abort(outcome, notice);
    else this.#forget(s);
  }

  /** Removes the session (if it is still the current one for its client) and closes its socket. */
  #forget(s: Session): void {
    if (this.#sessions.get(s.key) === s) this.#sessions.delete(s.key);
    s.channel?.close();
    s.channel = undefined;
  }

  #sendError(channel: TftpChannel, to: TftpEndpoint, code: number, message: string): void {
    const pool = this.#o.pool;
    const slot = pool.acquire();
    if (slot === undefined) return;
    const w = new Writer(slot);
    encodeError(w, code, message);
    channel.send(w.finish(), to, () => pool.release(slot));
  }
}
