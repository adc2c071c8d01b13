// DNS over UDP on loopback: replies from pooled slots, slots back after the send, drops counted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { startDnsUdp, familyOf, type DnsRequestHandler } from '../../src/net/dns-udp.ts';
import type { DnsRequestContext } from '../../src/dns/service/query-handler.ts';
import { nullLogger } from '../../src/seams/logger.ts';

/** Echoes the request with QR set, or stays silent for a first octet of 0xff. */
function echo(seen: DnsRequestContext[] = []): DnsRequestHandler {
  return {
    handle(req, ctx, out) {
      seen.push(ctx);
      if (req[0] === 0xff) return 0;
      if (req[0] === 0xee) return Promise.resolve(Uint8Array.from([...req.subarray(0, 2), 0x80, 0, 0xaa]));
      out.set(req);
      out[2] = out[2]! | 0x80;
      return req.length;
    },
  };
}

async function exchange(port: number, payload: Uint8Array, host = '127.0.0.1', waitMs = 500): Promise<Buffer | undefined> {
  const c = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    c.send(payload, port, host);
    const timer = new Promise<undefined>((r) => setTimeout(() => r(undefined), waitMs));
    const msg = once(c, 'message').then(([m]) => m as Buffer);
    return await Promise.race([msg, timer]);
  } finally {
    c.close();
  }
}

describe('DNS over UDP', () => {
  test('answers from a pool slot; with one slot, a hundred queries in a row all get answers', async () => {
    const srv = await startDnsUdp({ host: '127.0.0.1', port: 0, handler: echo(), logger: nullLogger, slots: 1 });
    try {
      for (let i = 0; i < 100; i++) {
        const reply = await exchange(srv.port, Uint8Array.of(i, 1, 0, 0, 0, 0));
        assert.ok(reply !== undefined, `query ${i}`);
        assert.deepEqual([reply[0], reply[2]], [i, 0x80]);
      }
      assert.equal(srv.stats().poolExhausted, 0);
      assert.equal(srv.stats().sent, 100);
    } finally {
      await srv.close();
    }
  });

  test('silence (0) sends nothing and frees the slot', async () => {
    const srv = await startDnsUdp({ host: '127.0.0.1', port: 0, handler: echo(), logger: nullLogger, slots: 1 });
    try {
      assert.equal(await exchange(srv.port, Uint8Array.of(0xff, 0), '127.0.0.1', 150), undefined);
      assert.ok((await exchange(srv.port, Uint8Array.of(1, 2, 3))) !== undefined);
    } finally {
      await srv.close();
    }
  });

  test('a later reply (forwarded) is sent from its own buffer', async () => {
    const srv = await startDnsUdp({ host: '127.0.0.1', port: 0, handler: echo(), logger: nullLogger, slots: 1 });
    try {
      const reply = await exchange(srv.port, Uint8Array.of(0xee, 7, 0));
      assert.deepEqual(reply && [...reply], [0xee, 7, 0x80, 0, 0xaa]);
      assert.ok((await exchange(srv.port, Uint8Array.of(1, 2))) !== undefined);
    } finally {
      await srv.close();
    }
  });

  test('the handler sees protocol, family and the client address', async () => {
    const seen: DnsRequestContext[] = [];
    const srv = await startDnsUdp({ host: '127.0.0.1', port: 0, handler: echo(seen), logger: nullLogger });
    try {
      await exchange(srv.port, Uint8Array.of(1, 2));
      assert.equal(seen[0]?.proto, 'udp');
      assert.equal(seen[0]?.family, 4);
      assert.equal(seen[0]?.remoteAddress, '127.0.0.1');
    } finally {
      await srv.close();
    }
  });

  test('familyOf: IPv4-mapped clients of a dual-stack socket count as IPv4', () => {
    assert.equal(familyOf('::ffff:127.0.0.1', 'IPv6'), 4);
    assert.equal(familyOf('127.0.0.1', 'IPv4'), 4);
    assert.equal(familyOf('::1', 'IPv6'), 6);
  });

  test('binding a port in use rejects', async () => {
    const a = await startDnsUdp({ host: '127.0.0.1', port: 0, handler: echo(), logger: nullLogger });
    try {
      await assert.rejects(startDnsUdp({ host: '127.0.0.1', port: a.port, handler: echo(), logger: nullLogger }), /EADDRINUSE/);
    } finally {
      await a.close();
    }
  });
});
