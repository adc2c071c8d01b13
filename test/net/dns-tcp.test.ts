// DNS over TCP (RFC 7766) on loopback: framing across chunks, pipelining, out-of-order forwarded
// replies, idle timeout, half-close, the connection limit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { startDnsTcp, type DnsTcpServer } from '../../src/net/dns-tcp.ts';
import type { DnsRequestHandler } from '../../src/net/dns-udp.ts';
import { nullLogger } from '../../src/seams/logger.ts';

/** Echo with QR set; first octet 0xee answers 50 ms later (a forward), 0xff stays silent. */
const echo: DnsRequestHandler = {
  handle(req, _ctx, out) {
    if (req.length === 0 || req[0] === 0xff) return 0;
    if (req[0] === 0xee) {
      const copy = Uint8Array.from(req);
      copy[2] = copy[2]! | 0x80;
      return new Promise((r) => setTimeout(() => r(copy), 50));
    }
    out.set(req);
    out[2] = out[2]! | 0x80;
    return req.length;
  },
};

function frame(...msgs: number[][]): Buffer {
  return Buffer.concat(msgs.map((m) => Buffer.from([m.length >> 8, m.length & 255, ...m])));
}

/** Reads `n` framed replies (or fewer if the connection closes); resolves with their first octets. */
function readReplies(c: net.Socket, n: number): Promise<{ ids: number[]; closed: boolean }> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const ids: number[] = [];
    const done = (closed: boolean) => resolve({ ids, closed });
    c.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        ids.push(buf[2]!);
        assert.equal(buf[4]! & 0x80, 0x80);
        buf = buf.subarray(2 + len);
        if (ids.length === n) done(false);
      }
    });
    c.on('close', () => done(true));
  });
}

async function withServer(opts: { idleTimeoutMs?: number; maxConnections?: number }, fn: (srv: DnsTcpServer) => Promise<void>): Promise<void> {
  const srv = await startDnsTcp({ host: '127.0.0.1', port: 0, handler: echo, logger: nullLogger, ...opts });
  try {
    await fn(srv);
  } finally {
    await srv.close();
  }
}

async function connect(port: number): Promise<net.Socket> {
  const c = net.connect({ host: '127.0.0.1', port });
  await once(c, 'connect');
  return c;
}

describe('DNS over TCP', () => {
  test('three pipelined queries in one write get three replies, in order', () =>
    withServer({}, async (srv) => {
      const c = await connect(srv.port);
      const replies = readReplies(c, 3);
      c.write(frame([1, 0, 0], [2, 0, 0], [3, 0, 0]));
      assert.deepEqual((await replies).ids, [1, 2, 3]);
      c.destroy();
    }));

  test('a frame split into single octets is reassembled', () =>
    withServer({}, async (srv) => {
      const c = await connect(srv.port);
      const replies = readReplies(c, 1);
      for (const b of frame([9, 8, 7, 6, 5])) {
        c.write(Buffer.from([b]));
        await new Promise((r) => setTimeout(r, 2));
      }
      assert.deepEqual((await replies).ids, [9]);
      c.destroy();
    }));

  test('a forwarded (slow) query does not hold up the local ones behind it (RFC 7766 §7)', () =>
    withServer({}, async (srv) => {
      const c = await connect(srv.port);
      const replies = readReplies(c, 3);
      c.write(frame([0xee, 1, 0], [2, 0, 0], [3, 0, 0]));
      assert.deepEqual((await replies).ids, [2, 3, 0xee]);
      c.destroy();
    }));

  test('silent frames (empty, dropped) leave the connection usable', () =>
    withServer({}, async (srv) => {
      const c = await connect(srv.port);
      const replies = readReplies(c, 1);
      c.write(frame([], [0xff, 1], [4, 0, 0]));
      assert.deepEqual((await replies).ids, [4]);
      c.destroy();
    }));

  test('a client that half-closes gets its pending replies, then the connection ends', () =>
    withServer({}, async (srv) => {
      const c = await connect(srv.port);
      const replies = readReplies(c, 5);
      c.end(frame([0xee, 0, 0], [5, 0, 0]));
      const r = await replies;
      assert.deepEqual(r, { ids: [5, 0xee], closed: true });
    }));

  test('an idle connection is closed after the idle timeout (RFC 7766 §6.2.3)', () =>
    withServer({ idleTimeoutMs: 100 }, async (srv) => {
      const c = await connect(srv.port);
      const t0 = Date.now();
      await once(c, 'close');
      assert.ok(Date.now() - t0 < 2000);
      assert.equal(srv.stats().idleClosed, 1);
    }));

  test('connections beyond the limit are closed at once', () =>
    withServer({ maxConnections: 1 }, async (srv) => {
      const a = await connect(srv.port);
      const b = net.connect({ host: '127.0.0.1', port: srv.port });
      b.on('error', () => {});
      await once(b, 'close');
      const replies = readReplies(a, 1);
      a.write(frame([6, 0, 0]));
      assert.deepEqual((await replies).ids, [6]);
      a.destroy();
    }));
});
