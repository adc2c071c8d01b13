// One read transfer, from the first OACK or DATA to the last ACK (RFC 1350, RFC 2347, RFC 7440).
// Time comes from the injected Clock and packets leave through the injected channel, so the
// scenario tests drive every path with a fake clock and a fake transport.
//
//            ┌──────── timeout: resend OACK ─────┐
//            ▼                                   │
//   start ─► oack ── ACK 0 ──► data ─ ACK of the last block ─► done (complete)
//     │                        ▲  │
//     └── no options ──────────┘  └── timeout: resend the window from its first block
//
// Windows (RFC 7440 §4). Up to `windowsize` DATA blocks go out back to back, starting at the
// oldest unacknowledged block. Any ACK for a block we sent after that point moves the window:
// an ACK of the window's last block opens the next one, and an ACK of an earlier block (the
// client saw a gap or timed out) restarts the window right after it. windowsize 1 is RFC 1350
// lock-step.
//
// Duplicate ACKs (RFC 1123 §4.2.3.1, the Sorcerer's Apprentice Syndrome): an ACK that does
// not acknowledge anything new is ignored, never answered with a resend. Because the window
// start only ever moves forward, each block number can move it once, so a duplicated or
// delayed ACK can never make a block go out twice; only our own timer retransmits.
//
// Retransmission: after `timeoutMs` without progress the OACK or the whole window is sent
// again, and the wait doubles each time (capped at `maxBackoffMs`); after `maxRetransmits`
// resends without progress the transfer gives up with ERROR 0.
//
// Block numbers are 16 bits on the wire and the transfer counts blocks without limit: block
// 65 536 goes out as 0, the "rollover to 0" tftpd-hpa, atftp, curl, iPXE and EDK II all accept
// (RFC 1350 does not say; RFC 7440 §4 treats block numbers modulo 2^16). An ACK's 16-bit number
// is read back relative to the window start, which is unambiguous since a window is far
// shorter than 65 536 blocks.
//
// Transfer IDs (RFC 1350 §4): a datagram from any address or port but the client's gets ERROR 5
// sent to its sender, and the transfer goes on untouched.

import type { Clock, TimerHandle } from '../../seams/clock.ts';
import { TftpErrorCode, TftpOpcode } from '../constants.ts';
import { decodeTftp, encodeError, encodeOack, type TftpOptionList } from '../packet.ts';
import { Writer } from '../../wire/writer.ts';
import type { BufferPool } from '../../wire/pool.ts';
import type { TftpBlockSource } from './block-source.ts';
import { endpointKey, type TftpChannel, type TftpEndpoint } from './transport.ts';

/** How a transfer ended. */
export const TftpOutcome = {
  /** The client acknowledged the last block. */
  Complete: 'complete',
  /**
   * The client read the OACK with tsize and stopped with ERROR 8 (RFC 2347): the size probe
   * UEFI firmware sends before the real request (EDK II Mtftp4 GET_FILE_SIZE; pin/tftp#125).
   */
  SizeProbe: 'size-probe',
  /** The client refused our OACK with ERROR 8 (RFC 2347), tsize not among the options. */
  OptionsRefused: 'options-refused',
  /** The client sent another ERROR. */
  ClientError: 'client-error',
  /** No progress after the last retransmission. */
  Timeout: 'timeout',
  /** The file could not be read, or changed on disk during the transfer. */
  ReadError: 'read-error',
  /** The same client port sent a different request, which replaced this one. */
  Superseded: 'superseded',
  /** The server was stopped. */
  Shutdown: 'shutdown',
} as const;
export type TftpOutcome = (typeof TftpOutcome)[keyof typeof TftpOutcome];

export interface TftpTransferResult {
  readonly outcome: TftpOutcome;
  /** Distinct DATA blocks sent. */
  readonly blocks: number;
  /** Payload octets of those blocks (the file's size on the wire once complete). */
  readonly bytes: number;
  /** Every datagram sent: OACK, DATA and ERROR, resends included. */
  readonly packets: number;
  /** Datagrams sent again after a timeout. */
  readonly retransmits: number;
  /** ACKs that acknowledged nothing new (ignored). */
  readonly duplicateAcks: number;
  /** Datagrams from another address or port, answered with ERROR 5. */
  readonly wrongTid: number;
  /** Sends dropped because the buffer pool was empty. */
  readonly poolExhausted: number;
  readonly durationMs: number;
  /** The client's ERROR, for ClientError/OptionsRefused/SizeProbe. */
  readonly clientError?: { readonly code: number; readonly message: string };
  /** What went wrong on our side, for ReadError. */
  readonly detail?: string;
}

export interface TftpTransferOptions {
  readonly client: TftpEndpoint;
  readonly channel: TftpChannel;
  readonly clock: Clock;
  readonly pool: BufferPool;
  readonly source: TftpBlockSource;
  readonly blksize: number;
  readonly windowsize: number;
  readonly timeoutMs: number;
  readonly maxRetransmits: number;
  readonly maxBackoffMs: number;
  /** The OACK's options; empty when nothing was negotiated (DATA 1 goes out at once). */
  readonly oack: TftpOptionList;
  /** Called once, when the transfer ends for any reason. */
  readonly onEnd: (result: TftpTransferResult) => void;
}

type Phase = 'oack' | 'data' | 'done';

const BLOCK_MODULUS = 0x10000; // 16-bit Block # (RFC 1350 §5)
/** How soon a window continues after the send pool ran dry (slots return in send callbacks). */
const POOL_RETRY_MS = 1;

export class TftpTransfer {
  readonly #o: TftpTransferOptions;
  readonly #clientKey: string;
  readonly #startedAt: number;
  readonly #tsizeOffered: boolean;
  #phase: Phase;
  /** Oldest block not yet acknowledged. */
  #windowStart = 1;
  /** Highest block sent so far; an ACK above it acknowledges something we never sent. */
  #highestSent = 0;
  #lastIndex: number | undefined;
  /** Bumped whenever the window restarts, so an older window still reading blocks stops. */
  #generation = 0;
  #timer: TimerHandle | undefined;
  #resends = 0;
  /** Time spent in this window waiting for send slots. */
  #poolWaitMs = 0;
  // statistics
  #bytes = 0;
  #packets = 0;
  #retransmits = 0;
  #duplicateAcks = 0;
  #wrongTid = 0;
  #poolExhausted = 0;

  constructor(o: TftpTransferOptions) {
    this.#o = o;
    this.#clientKey = endpointKey(o.client);
    this.#startedAt = o.clock.now();
    this.#lastIndex = o.source.lastIndex;
    this.#tsizeOffered = o.oack.some(([name]) => name === 'tsize');
    this.#phase = o.oack.length > 0 ? 'oack' : 'data';
  }

  get done(): boolean {
    return this.#phase === 'done';
  }

  /** Sends the OACK, or the first window when nothing was negotiated. */
  start(): void {
    if (this.#phase === 'oack') {
      this.#sendOack();
      this.#arm();
    } else {
      this.#window();
    }
  }

  /** A datagram that reached this transfer's socket (or, in single-port mode, came from its client). */
  receive(datagram: Uint8Array, from: TftpEndpoint): void {
    if (this.#phase === 'done') return;
    const decoded = decodeTftp(datagram);
    if (endpointKey(from) !== this.#clientKey) {
      // RFC 1350 §4: "an error packet should be sent to the source of the incorrect packet,
      // while not disturbing the transfer". An ERROR is never answered (RFC 1350 §7).
      if (decoded.ok && decoded.value.kind === 'error') return;
      this.#wrongTid++;
      this.#sendError(TftpErrorCode.UnknownTransferId, 'Unknown transfer ID', from);
      return;
    }
    if (!decoded.ok) return; // garbage from the client: its retransmit timer will recover
    const p = decoded.value;
    if (p.kind === 'ack') this.#onAck(p.block);
    else if (p.kind === 'error') this.#onClientError(p.code, p.message);
    // RRQ duplicates are the server's business; DATA, WRQ and OACK mean nothing here.
  }

  /** Ends the transfer from outside (shutdown, a newer request), optionally telling the client. */
  abort(outcome: typeof TftpOutcome.Superseded | typeof TftpOutcome.Shutdown, notice?: string): void {
    if (this.#phase === 'done') return;
    if (notice !== undefined) this.#sendError(TftpErrorCode.NotDefined, notice, this.#o.client);
    this.#end(outcome);
  }

  #onAck(wire: number): void {
    if (this.#phase === 'oack') {
      // RFC 2347: the client answers the OACK with ACK 0, then DATA 1 follows.
      if (wire !== 0) return;
      this.#phase = 'data';
      this.#resends = 0;
      this.#window();
      return;
    }
    // The 16-bit number, read as the first block at or after the last acknowledged one.
    const base = this.#windowStart - 1;
    const acked = base + ((wire - (base % BLOCK_MODULUS) + BLOCK_MODULUS) % BLOCK_MODULUS);
    if (acked === base) {
      this.#duplicateAcks++; // Sorcerer's Apprentice: never resend on a duplicate
      return;
    }
    if (acked > this.#highestSent) return; // acknowledges a block we never sent
    if (this.#lastIndex !== undefined && acked >= this.#lastIndex) {
      this.#end(TftpOutcome.Complete);
      return;
    }
    // RFC 7440 §4: the next window starts after the acknowledged block, whether that was the
    // last block of the window (all received) or an earlier one (a gap: rewind).
    this.#windowStart = acked + 1;
    this.#resends = 0;
    this.#o.source.forget(this.#windowStart);
    this.#window();
  }

  #onClientError(code: number, message: string): void {
    let outcome: TftpOutcome = TftpOutcome.ClientError;
    if (this.#phase === 'oack' && code === TftpErrorCode.OptionNegotiation) {
      outcome = this.#tsizeOffered ? TftpOutcome.SizeProbe : TftpOutcome.OptionsRefused;
    }
    this.#end(outcome, { clientError: { code, message } });
  }

  /**
   * Sends blocks `from` .. `to` of the current window (the whole window unless resuming after
   * the pool ran dry). Blocks at hand are sent synchronously, from the ACK's own callback; the
   * first one that needs a disk read hands the rest to #sendRangeAsync.
   */
  #sendRange(gen: number, from: number, to: number): void {
    const source = this.#o.source;
    for (let i = from; i <= to; i++) {
      if (this.#lastIndex !== undefined && i > this.#lastIndex) break;
      const payload = source.blockNow?.(i);
      if (payload === undefined) {
        this.#sendRangeAsync(gen, i, to).catch((e: unknown) => this.#end(TftpOutcome.ReadError, { detail: (e as Error).message }));
        return;
      }
      const next = this.#sendBlock(gen, i, to, payload);
      // A transport may deliver the ACK inside send (the scenario tests' does): a newer window
      // or the end has taken over, and this one must stop.
      if (next === 'wait' || gen !== this.#generation || this.#phase === 'done') return;
      if (next === 'stop') break;
    }
    this.#arm();
  }

  /** #sendRange from a block that must be read first; a newer window (an ACK arrived meanwhile) or the end stops it. */
  async #sendRangeAsync(gen: number, from: number, to: number): Promise<void> {
    const source = this.#o.source;
    for (let i = from; i <= to; i++) {
      if (this.#lastIndex !== undefined && i > this.#lastIndex) break;
      let payload = source.blockNow?.(i);
      if (payload === undefined) {
        try {
          payload = await source.block(i);
        } catch (e) {
          if (gen !== this.#generation || this.#phase === 'done') return;
          this.#sendError(TftpErrorCode.NotDefined, 'Cannot read file', this.#o.client);
          this.#end(TftpOutcome.ReadError, { detail: (e as Error).message });
          return;
        }
        if (gen !== this.#generation || this.#phase === 'done') return;
      }
      const next = this.#sendBlock(gen, i, to, payload);
      // A transport may deliver the ACK inside send (the scenario tests' does): a newer window
      // or the end has taken over, and this one must stop.
      if (next === 'wait' || gen !== this.#generation || this.#phase === 'done') return;
      if (next === 'stop') break;
    }
    this.#arm();
  }

  /**
   * Sends block `i`. 'wait': every send slot is in flight (they come back in send callbacks), so
   * the rest of the window goes out shortly rather than leave the client waiting until its own
   * timeout; waits add up to one timeout at most, then the retransmission timer takes over
   * ('stop').
   */
  #sendBlock(gen: number, i: number, to: number, payload: Uint8Array): 'sent' | 'wait' | 'stop' {
    if (payload.length < this.#o.blksize) this.#lastIndex = i;
    if (!this.#sendData(i, payload)) {
      if (this.#poolWaitMs >= this.#o.timeoutMs) return 'stop';
      this.#poolWaitMs += POOL_RETRY_MS;
      this.#timer = this.#o.clock.setTimer(POOL_RETRY_MS, () => {
        this.#timer = undefined;
        if (gen === this.#generation && this.#phase !== 'done') this.#sendRange(gen, i, to);
      });
      return 'wait';
    }
    if (i > this.#highestSent) {
      this.#highestSent = i;
      this.#bytes += payload.length;
    } else {
      this.#retransmits++; // after a timeout or a rewind
    }
    return 'sent';
  }

  /** Sends the window from its first block. */
  #window(): void {
    const gen = ++this.#generation;
    this.#cancelTimer();
    this.#poolWaitMs = 0;
    const first = this.#windowStart;
    this.#sendRange(gen, first, first + this.#o.windowsize - 1);
  }

  #arm(): void {
    this.#cancelTimer();
    const { timeoutMs, maxBackoffMs } = this.#o;
    // Exponential backoff from the negotiated timeout (RFC 2349), capped.
    const wait = Math.min(timeoutMs * 2 ** this.#resends, Math.max(timeoutMs, maxBackoffMs));
    this.#timer = this.#o.clock.setTimer(wait, () => this.#onTimeout());
  }

  #onTimeout(): void {
    this.#timer = undefined;
    if (this.#phase === 'done') return;
    if (this.#resends >= this.#o.maxRetransmits) {
      this.#sendError(TftpErrorCode.NotDefined, 'Transfer timed out', this.#o.client);
      this.#end(TftpOutcome.Timeout);
      return;
    }
    this.#resends++;
    if (this.#phase === 'oack') {
      this.#retransmits++;
      this.#sendOack();
      this.#arm();
    } else {
      this.#window();
    }
  }

  #end(outcome: TftpOutcome, extra: Pick<TftpTransferResult, 'clientError' | 'detail'> = {}): void {
    if (this.#phase === 'done') return;
    this.#phase = 'done';
    this.#generation++;
    this.#cancelTimer();
    const blocks = this.#highestSent;
    this.#o.onEnd({
      outcome,
      blocks,
      bytes: this.#bytes,
      packets: this.#packets,
      retransmits: this.#retransmits,
      duplicateAcks: this.#duplicateAcks,
      wrongTid: this.#wrongTid,
      poolExhausted: this.#poolExhausted,
      durationMs: this.#o.clock.now() - this.#startedAt,
      ...extra,
    });
  }

  #cancelTimer(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #sendOack(): boolean {
    return this.#send(this.#o.client, (w) => encodeOack(w, this.#o.oack));
  }

  /** DATA (RFC 1350 §5) written by hand: one per block, the hot path of every transfer. */
  #sendData(index: number, payload: Uint8Array): boolean {
    const pool = this.#o.pool;
    const slot = pool.acquire();
    if (slot === undefined) {
      this.#poolExhausted++;
      return false;
    }
    const block = index % BLOCK_MODULUS;
    slot[0] = 0;
    slot[1] = TftpOpcode.DATA;
    slot[2] = block >>> 8;
    slot[3] = block & 0xff;
    slot.set(payload, 4); // payload ≤ blksize, and slots hold blksize + 4
    this.#packets++;
    this.#o.channel.send(slot.subarray(0, 4 + payload.length), this.#o.client, () => pool.release(slot));
    return true;
  }

  #sendError(code: number, message: string, to: TftpEndpoint): boolean {
    return this.#send(to, (w) => encodeError(w, code, message));
  }

  /** Encodes into a pooled slot and sends; false when the pool is empty (counted, dropped). */
  #send(to: TftpEndpoint, encode: (w: Writer) => void): boolean {
    const pool = this.#o.pool;
    const slot = pool.acquire();
    if (slot === undefined) {
      this.#poolExhausted++;
      return false;
    }
    const w = new Writer(slot);
    encode(w);
    this.#packets++;
    this.#o.channel.send(w.finish(), to, () => pool.release(slot));
    return true;
  }
}
