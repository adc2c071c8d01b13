// A small DNS client for the app and integration tests (our codec over node:dgram / node:net),
// and HTTP GET for the metrics and readiness endpoints.
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import { get } from 'node:http';
import { decodeDnsMessage, type DnsMessage } from '../../../src/dns/message.ts';
import { queryBytes, type QueryInit } from '../../dns/service/support.ts';

export interface AskOptions extends QueryInit {
  readonly tcp?: boolean;
  readonly host?: string;
  readonly timeoutMs?: number;
}

/** Sends one query; resolves with the decoded reply, or undefined on timeout. */
export async function ask(port: number, name: string, opts: AskOptions = {}): Promise<DnsMessage | undefined> {
  const bytes = queryBytes(name, opts);
  const raw = opts.tcp === true ? await viaTcp(port, bytes, opts) : await viaUdp(port, bytes, opts);
  if (raw === undefined) return undefined;
  const m = decodeDnsMessage(raw);
  if (!m.ok) throw new Error(`reply does not decode: ${m.error.message}`);
  return m.value;
}

export async function viaUdp(port: number, bytes: Uint8Array, opts: { host?: string; timeoutMs?: number } = {}): Promise<Uint8Array | undefined> {
  const host = opts.host ?? '127.0.0.1';
  const c = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    c.send(bytes, port, host);
    const timer = new Promise<undefined>((r) => setTimeout(() => r(undefined), opts.timeoutMs ?? 1000));
    return await Promise.race([once(c, 'message').then(([m]) => m as Buffer), timer]);
  } finally {
    c.close();
  }
}

export async function viaTcp(port: number, bytes: Uint8Array, opts: { host?: string; timeoutMs?: number } = {}): Promise<Uint8Array | undefined> {
  const c = net.connect({ host: opts.host ?? '127.0.0.1', port });
  try {
    await once(c, 'connect');
    c.write(Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 255]), bytes]));
    return await new Promise<Uint8Array | undefined>((resolve) => {
      let buf = Buffer.alloc(0);
      const timer = setTimeout(() => resolve(undefined), opts.timeoutMs ?? 1000);
      c.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          clearTimeout(timer);
          resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        }
      });
      c.on('close', () => resolve(undefined));
    });
  } finally {
    c.destroy();
  }
}

export function httpGet(url: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    }).on('error', reject);
  });
}

/** Polls `fn` until it returns true (or throws after `ms`). */
export async function until(fn: () => boolean | Promise<boolean>, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
