// The forward client against fake upstreams on loopback: fresh IDs, the client's ID restored,
// spoofed replies ignored (RFC 5452), TC → TCP retry (RFC 7766 §5), timeouts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import { createDnsUpstream, UpstreamError } from '../../src/net/dns-upstream.ts';
import { queryBytes } from '../dns/service/support.ts';

type Reply = (query: Buffer) => Buffer | undefined;

/** Turns a query into a response: QR set, optional TC, one junk octet appended. */
const answer = (tc = false): Reply => (q) => {
  const r = Buffer.from([...q, 0x42]);
  r[2] = r[2]! | 0x80 | (tc ? 0x02 : 0);
  return r;
};

async function fakeUdp(reply: Reply): Promise<{ port: number; ids: number[]; close(): void }> {
  const s = dgram.createSocket('udp4');
  const ids: number[] = [];
  s.on('message', (m, r) => {
    ids.push(m.readUInt16BE(0));
    const out = reply(m);
    if (out !== undefined) s.send(out, r.port, r.address);
  });
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return { port: s.address().port, ids, close: () => s.close() };
}

async function fakeTcp(port: number, reply: Reply): Promise<{ queries: number; close(): Promise<void> }> {
  const state = { queries: 0 };
  const srv = net.createServer((c) => {
    c.on('data', (d: Buffer) => {
      state.queries++;
      const out = reply(d.subarray(2));
      if (out === undefined) return;
      c.end(Buffer.concat([Buffer.from([out.length >> 8, out.length & 255]), out]));
    });
  });
  srv.listen(port, '127.0.0.1');
  await once(srv, 'listening');
  return {
    get queries() {
      return state.queries;
    },
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe('forward client', () => {
  test('UDP: a fresh random ID goes upstream; the client’s ID comes back', async () => {
    const up = await fakeUdp(answer());
    const client = createDnsUpstream({ host: '127.0.0.1', port: up.port });
    try {
      const q = queryBytes('www.example.com.', { id: 0x1234 });
      const ids = new Set<number>();
      for (let i = 0; i < 5; i++) {
        const r = await client.exchange(q, 'udp');
        assert.equal((r[0]! << 8) | r[1]!, 0x1234);
        assert.equal(r[r.length - 1], 0x42);
      }
      for (const id of up.ids) ids.add(id);
      assert.ok(ids.size >= 4, 'IDs are random per query');
    } finally {
      client.close();
      up.close();
    }
  });

  test('a reply for another question is ignored (the query times out)', async () => {
    const up = await fakeUdp((q) => {
      const r = answer()(q)!;
      r[13] = r[13]! ^ 0x20; // flip a letter's case in the question name
      return r;
    });
    const client = createDnsUpstream({ host: '127.0.0.1', port: up.port, timeoutMs: 150 });
    try {
      await assert.rejects(client.exchange(queryBytes('www.example.com.'), 'udp'), (e: unknown) => e instanceof UpstreamError && e.code === 'ERR_UPSTREAM_TIMEOUT');
    } finally {
      client.close();
      up.close();
    }
  });

  test('a truncated UDP reply is asked again over TCP', async () => {
    const up = await fakeUdp(answer(true));
    const tcp = await fakeTcp(up.port, answer());
    const client = createDnsUpstream({ host: '127.0.0.1', port: up.port });
    try {
      const r = await client.exchange(queryBytes('big.example.com.', { id: 77 }), 'udp');
      assert.equal((r[0]! << 8) | r[1]!, 77);
      assert.equal(r[2]! & 0x02, 0, 'the TCP reply is not truncated');
      assert.equal(tcp.queries, 1);
    } finally {
      client.close();
      up.close();
      await tcp.close();
    }
  });

  test('TCP when asked: the client’s ID comes back', async () => {
    const port = await freeTcpPort();
    const srv = await fakeTcp(port, answer());
    const client = createDnsUpstream({ host: '127.0.0.1', port });
    try {
      const r = await client.exchange(queryBytes('a.example.', { id: 4321 }), 'tcp');
      assert.equal((r[0]! << 8) | r[1]!, 4321);
      assert.equal(srv.queries, 1);
    } finally {
      client.close();
      await srv.close();
    }
  });

  test('a TCP upstream that never answers times out', async () => {
    const port = await freeTcpPort();
    const srv = await fakeTcp(port, () => undefined);
    const client = createDnsUpstream({ host: '127.0.0.1', port, timeoutMs: 150 });
    try {
      await assert.rejects(client.exchange(queryBytes('a.example.'), 'tcp'), (e: unknown) => e instanceof UpstreamError && e.code === 'ERR_UPSTREAM_TIMEOUT');
    } finally {
      client.close();
      await srv.close();
    }
  });

  test('nobody listening: the UDP attempt fails or times out, never hangs', async () => {
    const client = createDnsUpstream({ host: '127.0.0.1', port: 9, timeoutMs: 200 });
    try {
      await assert.rejects(client.exchange(queryBytes('a.example.'), 'udp'), UpstreamError);
    } finally {
      client.close();
    }
  });
});
