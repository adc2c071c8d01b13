// Helpers for the HTTP boot tests: a raw HTTP/1.1 client (fetch normalizes paths, and these
// tests must send exactly the bytes an attacker would) and a synthetic FileProvider.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { BootFile, FileProvider, ResolveResult } from '../../../src/boot/file-provider.ts';

export interface RawReply {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

/** Sends `head` (request line and headers, CRLF-separated, without the final blank line). */
export function rawRequest(port: number, head: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      if (split < 0) {
        reject(new Error(`no complete response head: ${JSON.stringify(all.toString('latin1'))}`));
        return;
      }
      const lines = all.subarray(0, split).toString('latin1').split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]);
      const headers = new Map<string, string>();
      for (const l of lines.slice(1)) {
        const colon = l.indexOf(':');
        headers.set(l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim());
      }
      resolve({ status, headers, body: all.subarray(split + 4) });
    });
    sock.write(`${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

/** Opens a connection, sends a GET and hands back the socket without reading from it. */
export function stalledGet(port: number, path: string, extra = ''): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port }, () => {
      sock.pause();
      sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`);
      resolve(sock);
    });
    sock.on('error', reject);
  });
}

/** Byte `i` of the synthetic file: a period of 251 (prime), so any offset error shows. */
export const syntheticByte = (i: number): number => i % 251;

export function syntheticBytes(start: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let k = 0; k < length; k++) out[k] = syntheticByte(start + k);
  return out;
}

export interface SyntheticProvider extends FileProvider {
  /** Bytes handed out by read() so far. */
  readonly stats: { reads: number; bytesRead: number; maxLength: number; lowestOffset: number };
}

/**
 * A FileProvider with one disk-kind file `name` of `size` bytes that exists nowhere: reads
 * generate the content. `failAtRead` (1-based) makes that read reject.
 */
export function syntheticProvider(name: string, size: number, opts: { failAtRead?: number; mtimeMs?: number } = {}): SyntheticProvider {
  const stats = { reads: 0, bytesRead: 0, maxLength: 0, lowestOffset: Infinity };
  const file: BootFile = { kind: 'disk', name, path: `/synthetic/${name}`, size, mtimeMs: opts.mtimeMs ?? Date.UTC(2025, 0, 1) };
  return {
    stats,
    async resolve(n: string): Promise<ResolveResult> {
      return n === name ? { ok: true, file } : { ok: false, code: 'not-found', message: `${n}: not in the synthetic provider` };
    },
    async read(_file: BootFile, offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
      stats.reads++;
      if (stats.reads === opts.failAtRead) throw new Error('synthetic read failure');
      const n = Math.max(0, Math.min(length, size - offset));
      const dst = into === undefined ? new Uint8Array(n) : into.subarray(0, n);
      for (let k = 0; k < n; k++) dst[k] = syntheticByte(offset + k);
      stats.bytesRead += n;
      stats.maxLength = Math.max(stats.maxLength, length);
      stats.lowestOffset = Math.min(stats.lowestOffset, offset);
      return dst;
    },
  };
}

/** Polls `cond` every 10 ms until true or `ms` pass. */
export async function waitFor(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
