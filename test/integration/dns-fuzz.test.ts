// A running DNS server (startDns on loopback, sockets and all) under mutated queries: after every
// batch of hostile datagrams and TCP streams it still answers a good query at once, and it never
// logs an error (a malformed query is expected input, not a bug). Seeded; FUZZ_ITERATIONS sets
// the budget (`npm run test:fuzz` runs a large one).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCorefile } from '../../src/app/dns/corefile-config.ts';
import { startDns, type RunningDns } from '../../src/app/dns/start-dns.ts';
import { findFreeUdpTcpPort } from '../../src/net/free-port.ts';
import { systemClock } from '../../src/seams/clock.ts';
import { loadHexFixture } from '../support/hex.ts';
import { fuzzIterations, fuzzSeed, mulberry32, mutate } from '../support/fuzz.ts';
import { recordingLogger } from '../support/logger.ts';
import { queryBytes } from '../dns/service/support.ts';
import { ask } from '../app/dns/support.ts';

const INVENTORY = fileURLToPath(new URL('../../examples/inventory.json', import.meta.url));
const dir = new URL('../fixtures/dns/', import.meta.url);
const corpus = [
  ...readdirSync(dir).filter((f) => f.endsWith('.hex')).sort().map((f) => loadHexFixture(new URL(f, dir))),
  queryBytes('nid001.openchami.cluster.', { edns: true }),
  queryBytes('1.0.16.172.in-addr.arpa.', { type: 12 }),
];
const BATCH = 50;

describe('DNS server fuzz over sockets', () => {
  let dns: RunningDns;
  let port: number;
  const logger = recordingLogger();

  before(async () => {
    port = await findFreeUdpTcpPort('127.0.0.1');
    const config = parseCorefile(
      `.:${port} {\n bind 127.0.0.1\n coresmd {\n  smd_url file://${INVENTORY}\n  zone openchami.cluster {\n   nodes nid{03d}\n  }\n }\n}\n`,
      'Corefile',
      { env: {} },
    );
    dns = await startDns({ config, logger, clock: systemClock, tcpIdleTimeoutMs: 500 });
  });
  after(async () => {
    await dns.close();
  });

  async function stillAnswers(tcp = false): Promise<void> {
    const r = await ask(port, 'nid002.openchami.cluster.', { tcp, timeoutMs: 1000 });
    assert.equal(r?.answers.length, 1, `the server stopped answering over ${tcp ? 'TCP' : 'UDP'}`);
  }

  test(`UDP: ${fuzzIterations} mutated datagrams, a good query answered after every ${BATCH}`, async () => {
    const rng = mulberry32(fuzzSeed);
    const sock = dgram.createSocket('udp4');
    let replies = 0;
    sock.on('message', () => replies++);
    try {
      for (let i = 0; i < fuzzIterations; i++) {
        let input = corpus[Math.floor(rng() * corpus.length)]!;
        for (let k = 0; k < 1 + Math.floor(rng() * 4); k++) input = mutate(rng, input, corpus);
        sock.send(input, port, '127.0.0.1');
        if ((i + 1) % BATCH === 0) await stillAnswers();
      }
      await stillAnswers();
    } finally {
      sock.close();
    }
    assert.ok(replies > 0);
    assert.deepEqual(logger.lines.filter((l) => l.level === 'error'), []);
  });

  test('TCP: mutated frames on one connection, garbage streams on others, a half-sent frame on another', async () => {
    const rng = mulberry32(fuzzSeed ^ 0x7c9);
    const stalled = net.connect({ host: '127.0.0.1', port });
    stalled.on('error', () => {});
    await once(stalled, 'connect');
    stalled.write(Buffer.from([0x01, 0xf4, 0x12, 0x34])); // promises 500 octets, sends 2
    const runs = Math.max(100, Math.floor(fuzzIterations / 10));
    for (let conn = 0; conn < 10; conn++) {
      const c = net.connect({ host: '127.0.0.1', port });
      c.on('error', () => {});
      c.resume();
      await once(c, 'connect');
      for (let i = 0; i < runs / 10; i++) {
        let input = corpus[Math.floor(rng() * corpus.length)]!;
        for (let k = 0; k < 1 + Math.floor(rng() * 4); k++) input = mutate(rng, input, corpus);
        // Mostly well-framed messages; now and then raw bytes that break the framing itself.
        c.write(rng() < 0.9 ? Buffer.concat([Buffer.from([input.length >> 8, input.length & 255]), input]) : Buffer.from(input));
      }
      c.end();
      await stillAnswers(true);
    }
    await stillAnswers();
    stalled.destroy();
    assert.deepEqual(logger.lines.filter((l) => l.level === 'error'), []);
  });
});
