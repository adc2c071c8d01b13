// What the TFTP server reports to the boot-events seam: a transfer starts, completes (or only
// answered a UEFI size probe), or fails (file not found, refused, timed out, ended by the
// client). The client is known by its address; the admin store ties it to the MAC the DHCP
// server gave that address.
import type { BootEventInput } from '../../seams/boot-events.ts';
import { TftpOutcome, type TftpTransferResult } from './transfer.ts';
import type { TftpEndpoint } from './transport.ts';

/** Without the IPv6 zone: the address DHCP handed out. */
function clientIp(client: TftpEndpoint): string {
  const pct = client.address.indexOf('%');
  return pct === -1 ? client.address : client.address.slice(0, pct);
}

export interface TftpStartFacts {
  readonly file: string;
  readonly blksize: number;
  readonly windowsize: number;
  readonly tsize: number | undefined;
  readonly timeoutMs: number;
}

export function transferStartEvent(client: TftpEndpoint, f: TftpStartFacts): BootEventInput {
  return {
    service: 'tftp',
    type: 'transfer-start',
    ip: clientIp(client),
    summary: `${f.file} requested (blksize ${f.blksize}, windowsize ${f.windowsize}${f.tsize === undefined ? '' : `, tsize ${f.tsize}`})`,
    detail: { file: f.file, blksize: f.blksize, windowsize: f.windowsize, tsize: f.tsize, timeoutMs: f.timeoutMs, port: client.port },
  };
}

/** A request answered with an ERROR before any transfer: code 1 (not found) or 2 (refused). */
export function requestRefusedEvent(client: TftpEndpoint, file: string, errorCode: number, reason: string): BootEventInput {
  return {
    service: 'tftp',
    type: 'transfer-error',
    ip: clientIp(client),
    summary: `${file}: ${errorCode === 1 ? 'file not found' : `refused (${reason})`}`,
    detail: { file, errorCode, error: reason, outcome: errorCode === 1 ? 'not-found' : 'access-denied', bytes: 0, port: client.port },
  };
}

export function transferEndEvent(client: TftpEndpoint, f: TftpStartFacts, r: TftpTransferResult): BootEventInput {
  const done = r.outcome === TftpOutcome.Complete || r.outcome === TftpOutcome.SizeProbe;
  const summary =
    r.outcome === TftpOutcome.Complete
      ? `${f.file} sent, ${r.bytes} bytes in ${r.durationMs} ms${r.retransmits > 0 ? `, ${r.retransmits} retransmits` : ''}`
      : r.outcome === TftpOutcome.SizeProbe
        ? `${f.file} size probe answered (tsize ${f.tsize ?? '?'})`
        : `${f.file} failed: ${r.outcome}${r.clientError === undefined ? '' : ` (client ERROR ${r.clientError.code} ${r.clientError.message})`}${r.detail === undefined ? '' : ` (${r.detail})`} after ${r.bytes} bytes`;
  return {
    service: 'tftp',
    type: done ? 'transfer-done' : 'transfer-error',
    ip: clientIp(client),
    summary,
    detail: {
      file: f.file,
      outcome: r.outcome,
      bytes: r.bytes,
      blocks: r.blocks,
      blksize: f.blksize,
      windowsize: f.windowsize,
      tsize: f.tsize,
      retransmits: r.retransmits,
      durationMs: r.durationMs,
      errorCode: r.clientError?.code,
      error: r.clientError?.message ?? r.detail,
      port: client.port,
    },
  };
}
