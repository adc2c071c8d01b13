// The request side of the TFTP server over a fake transport and clock: what each datagram on the
// listening port gets, option negotiation with the path MTU, the size probe, duplicate and
// replacing requests, the transfer limit, single-port mode and shutdown.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TftpOptionList } from '../../../src/tftp/packet.ts';
import type { TftpEndpoint } from '../../../src/tftp/service/transport.ts';
import { ack, CLIENT, describeAll, errorPacket, harness, pattern, rrq, settle, wrq } from './support.ts';

const OTHER: TftpEndpoint = { address: '192.0.2.51', port: 3000 };
const THIRD: TftpEndpoint = { address: '192.0.2.52', port: 4000 };

describe('TftpServer, what a datagram on the listening port gets', () => {
  const cases: { name: string; datagram: Uint8Array; want: string[] }[] = [
    { name: 'RRQ for a missing file', datagram: rrq('nope.efi'), want: ['ERROR 1 File not found'] },
    { name: 'RRQ with .. (the provider refuses it)', datagram: rrq('../etc/passwd'), want: ["ERROR 2 Access violation: '..' in file name"] },
    { name: 'WRQ (read-only server)', datagram: wrq('upload.bin'), want: ['ERROR 2 Access violation: this server is read-only'] },
    { name: 'RRQ in mail mode', datagram: rrq('f', 'mail'), want: ['ERROR 4 Illegal TFTP operation: mail mode is not supported'] },
    {
      name: 'RRQ without the NUL after its mode',
      datagram: Uint8Array.of(0, 1, 0x66, 0, 0x6f, 0x63, 0x74, 0x65, 0x74),
      want: ['ERROR 4 Illegal TFTP operation: mode ERR_WIRE_TRUNCATED'],
    },
    {
      name: 'RRQ with a duplicate option',
      // Built by hand: the encoder refuses to write a duplicate.
      datagram: Uint8Array.from(Buffer.from('\0\x01f\0octet\0blksize\x00512\0BLKSIZE\x001024\0', 'latin1')),
      want: ['ERROR 4 Illegal TFTP operation: option.name ERR_WIRE_MALFORMED'],
    },
    { name: 'a stray ACK (no transfer with that port)', datagram: ack(3), want: ['ERROR 5 Unknown transfer ID'] },
    { name: 'a stray ERROR', datagram: errorPacket(0, 'bye'), want: [] },
    { name: 'one byte of junk', datagram: Uint8Array.of(0), want: [] },
    { name: 'an unknown opcode', datagram: Uint8Array.of(0, 9, 0, 1), want: [] },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.want.length === 0 ? 'silence' : c.want.join(', ')}`, async () => {
      const h = harness();
      h.files.files.set('f', { bytes: pattern(10) });
      await h.toListener(c.datagram);
      const sent = h.take();
      assert.deepEqual(describeAll(sent), c.want);
      for (const s of sent) {
        assert.deepEqual(s.from, h.listener.local, 'answers come from the listening socket');
        assert.deepEqual(s.to, CLIENT);
      }
      assert.equal(h.transport.channels.length, 0);
      assert.equal(h.server.activeTransfers, 0);
    });
  }

  test('the counters say what happened', async () => {
    const h = harness();
    await h.toListener(rrq('missing'));
    await h.toListener(rrq('../x'));
    await h.toListener(wrq('x'));
    await h.toListener(ack(1));
    const s = h.server.stats();
    assert.equal(s.requests, 3);
    assert.equal(s.notFound, 1);
    assert.equal(s.accessDenied, 1);
    assert.equal(s.writeRequests, 1);
    assert.equal(s.unknownTid, 1);
  });
});

describe('TftpServer, a transfer in normal mode', () => {
  test('runs on a fresh socket of the address the request came to, which closes at the end', async () => {
    const h = harness();
    h.files.files.set('ipxe.efi', { bytes: pattern(700) });
    await h.toListener(rrq('ipxe.efi'));
    const first = h.take();
    assert.deepEqual(describeAll(first), ['DATA 1 (512)']);
    assert.deepEqual(first[0]?.from, { address: '192.0.2.1', port: 40000 });
    await h.toTransfer(ack(1));
    assert.deepEqual(describeAll(h.take()), ['DATA 2 (188)']);
    await h.toTransfer(ack(2));
    assert.equal(h.transport.channels[0]?.closed, true);
    assert.equal(h.server.activeTransfers, 0);
    assert.equal(h.server.stats().complete, 1);
    assert.equal(h.server.stats().bytesSent, 700);
    const done = h.logger.lines.find((l) => l.msg === 'transfer complete');
    assert.ok(done);
    assert.equal(done.level, 'info');
    assert.equal(done.fields['file'], 'ipxe.efi');
    assert.equal(done.fields['bytes'], 700);
    assert.equal(done.fields['blocks'], 2);
    assert.equal(done.fields['retransmits'], 0);
    assert.equal(typeof done.fields['durationMs'], 'number');
  });

  test('a packet from a wrong TID on the transfer socket gets ERROR 5 from that socket', async () => {
    const h = harness();
    h.files.files.set('f', { bytes: pattern(700) });
    await h.toListener(rrq('f'));
    h.take();
    const stranger = { address: CLIENT.address, port: 9999 };
    await h.toTransfer(ack(1), stranger, CLIENT);
    const sent = h.take();
    assert.deepEqual(describeAll(sent), ['ERROR 5 Unknown transfer ID']);
    assert.deepEqual(sent[0]?.to, stranger);
    assert.equal(sent[0]?.from.port, 40000);
    await h.toTransfer(ack(1));
    assert.deepEqual(describeAll(h.take()), ['DATA 2 (188)']);
  });

  test('an ACK sent to port 69 by a client with a transfer is dropped, not answered with ERROR 5', async () => {
    const h = harness();
    h.files.files.set('f', { bytes: pattern(700) });
    await h.toListener(rrq('f'));
    h.take();
    await h.toListener(ack(1));
    assert.deepEqual(h.take(), []);
  });

  test('a setup failure (no socket) answers ERROR 0 and frees the slot', async () => {
    const h = harness();
    h.files.files.set('f', { bytes: pattern(10) });
    h.transport.openTransferChannel = async () => {
      throw new Error('EMFILE');
    };
    await h.toListener(rrq('f'));
    assert.deepEqual(describeAll(h.take()), ['ERROR 0 Internal error']);
    assert.equal(h.server.activeTransfers, 0);
    assert.ok(h.logger.lines.some((l) => l.level === 'error' && /EMFILE/.test(String(l.fields['error']))));
  });
});

describe('TftpServer, option negotiation', () => {
  const file = pattern(100_000);
  const cases: { name: string; options: TftpOptionList; mtu?: number; want: string; firstData?: string }[] = [
    { name: 'no options: no OACK, DATA 1 at once (RFC 2347)', options: [], want: 'DATA 1 (512)' },
    { name: 'only an unknown option: no OACK', options: [['multicast', '']], want: 'DATA 1 (512)' },
    { name: 'blksize 1468 on a 1500 MTU', options: [['blksize', '1468']], mtu: 1500, want: 'OACK blksize=1468', firstData: 'DATA 1 (1468)' },
    { name: 'blksize 65464 clamped to a 1500 MTU', options: [['blksize', '65464']], mtu: 1500, want: 'OACK blksize=1468' },
    { name: 'blksize 65464 clamped to a 9000 MTU', options: [['blksize', '65464']], mtu: 9000, want: 'OACK blksize=8968', firstData: 'DATA 1 (8968)' },
    { name: 'blksize 65464 with an unknown MTU assumes Ethernet', options: [['blksize', '65464']], want: 'OACK blksize=1468' },
    { name: 'blksize 65464 on loopback (MTU 65536)', options: [['blksize', '65464']], mtu: 65536, want: 'OACK blksize=65464', firstData: 'DATA 1 (65464)' },
    { name: 'tsize 0 is answered with the size', options: [['tsize', '0']], want: 'OACK tsize=100000' },
    { name: 'timeout 3 is echoed', options: [['timeout', '3']], want: 'OACK timeout=3' },
    { name: 'windowsize 8 is taken', options: [['windowsize', '8']], want: 'OACK windowsize=8' },
    { name: 'windowsize 200 is lowered to 64', options: [['windowsize', '200']], want: 'OACK windowsize=64' },
    {
      name: 'all four, answered in the client order',
      options: [
        ['tsize', '0'],
        ['windowsize', '16'],
        ['blksize', '1428'],
        ['timeout', '2'],
      ],
      mtu: 1500,
      want: 'OACK tsize=100000 windowsize=16 blksize=1428 timeout=2',
      firstData: 'DATA 1 (1428)',
    },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.want}`, async () => {
      const h = harness();
      h.files.files.set('f', { bytes: file });
      if (c.mtu !== undefined) h.transport.mtus.set('192.0.2.1', c.mtu);
      await h.toListener(rrq('f', 'octet', c.options));
      assert.deepEqual(describeAll(h.take()), [c.want]);
      if (c.firstData !== undefined) {
        await h.toTransfer(ack(0));
        assert.equal(describeAll(h.take())[0], c.firstData);
      }
    });
  }

  test('the negotiated timeout sets the retransmission time, the server default applies otherwise', async () => {
    const h = harness({ defaultTimeoutMs: 250 });
    h.files.files.set('f', { bytes: file });
    await h.toListener(rrq('f', 'octet', [['timeout', '3']]));
    assert.deepEqual(h.clock.pending(), [3000]);
    await h.toListener(rrq('f'), OTHER);
    assert.deepEqual(h.clock.pending(), [250, 3000]);
  });

  test('netascii tsize is the converted size (RFC 2349; every LF becomes CR LF)', async () => {
    const h = harness();
    h.files.files.set('t.txt', { bytes: new TextEncoder().encode('a\nb\nc') });
    await h.toListener(rrq('t.txt', 'netascii', [['tsize', '0']]));
    assert.deepEqual(describeAll(h.take()), ['OACK tsize=7']);
    await h.toTransfer(ack(0));
    const d = h.take()[0]?.packet;
    assert.ok(d?.kind === 'data');
    assert.equal(Buffer.from(d.payload).toString('latin1'), 'a\r\nb\r\nc');
  });

  test('windowsize can be turned off: it is left out of the OACK', async () => {
    const h = harness({ windowsize: false });
    h.files.files.set('f', { bytes: file });
    await h.toListener(rrq('f', 'octet', [['windowsize', '8'], ['tsize', '0']]));
    assert.deepEqual(describeAll(h.take()), ['OACK tsize=100000']);
  });
});

describe('TftpServer, repeated and replacing requests', () => {
  test('the UEFI size probe ends normally and the real request from the same port is served', async () => {
    const h = harness();
    h.files.files.set('ipxe.efi', { bytes: pattern(3000) });
    await h.toListener(rrq('ipxe.efi', 'octet', [['tsize', '0'], ['blksize', '1468']]));
    assert.deepEqual(describeAll(h.take()), ['OACK tsize=3000 blksize=1468']);
    await h.toTransfer(errorPacket(8, 'User aborted the transfer'));
    assert.equal(h.server.activeTransfers, 0);
    await h.toListener(rrq('ipxe.efi', 'octet', [['blksize', '1468']]));
    assert.deepEqual(describeAll(h.take()), ['OACK blksize=1468']);
    const stats = h.server.stats();
    assert.equal(stats.sizeProbes, 1);
    assert.equal(stats.failed, 0);
    assert.ok(!h.logger.lines.some((l) => l.level === 'warn' || l.level === 'error'));
  });

  test('a different request from the same port replaces the running transfer (its ERROR 8 was lost)', async () => {
    const h = harness();
    h.files.files.set('ipxe.efi', { bytes: pattern(3000) });
    await h.toListener(rrq('ipxe.efi', 'octet', [['tsize', '0']]));
    h.take();
    await h.toListener(rrq('ipxe.efi'));
    const sent = h.take();
    assert.deepEqual(describeAll(sent), ['DATA 1 (512)']);
    assert.equal(sent[0]?.from.port, 40001);
    assert.equal(h.transport.channels[0]?.closed, true);
    assert.equal(h.server.activeTransfers, 1);
    assert.deepEqual(h.clock.pending(), [1000]); // only the new transfer's timer runs
  });

  test('the same request again (a retransmitted RRQ) is ignored: no second transfer, no extra packet', async () => {
    const h = harness();
    h.files.files.set('f', { bytes: pattern(3000) });
    await h.toListener(rrq('f'));
    await h.toListener(rrq('f'));
    await h.toListener(rrq('f'));
    assert.deepEqual(describeAll(h.take()), ['DATA 1 (512)']);
    assert.equal(h.transport.channels.length, 1);
    assert.equal(h.server.stats().duplicateRequests, 2);
  });

  test('beyond maxTransfers a request is dropped silently, and served when the client retries later', async () => {
    const h = harness({ maxTransfers: 2 });
    h.files.files.set('f', { bytes: pattern(100) });
    await h.toListener(rrq('f'), CLIENT);
    await h.toListener(rrq('f'), OTHER);
    h.take();
    await h.toListener(rrq('f'), THIRD);
    assert.deepEqual(h.take(), []);
    assert.equal(h.server.stats().busyDrops, 1);
    await h.toTransfer(ack(1), CLIENT);
    await h.toListener(rrq('f'), THIRD);
    assert.deepEqual(describeAll(h.take(THIRD)), ['DATA 1 (100)']);
  });

  test('requests being set up count toward the limit', async () => {
    const h = harness({ maxTransfers: 1 });
    h.files.files.set('f', { bytes: pattern(100) });
    h.server.handleListenerDatagram(rrq('f'), CLIENT, h.listener);
    h.server.handleListenerDatagram(rrq('f'), OTHER, h.listener); // before the first one resolved its file
    await settle();
    assert.deepEqual(
      h.take().map((s) => s.to),
      [CLIENT],
    );
  });
});

describe('TftpServer, single-port mode', () => {
  test('every packet uses the listening socket, transfers are told apart by client address and port', async () => {
    const h = harness({ singlePort: true });
    h.files.files.set('a', { bytes: pattern(600) });
    h.files.files.set('b', { bytes: pattern(1100) });
    await h.toListener(rrq('a', 'octet', [['blksize', '1024'], ['tsize', '0']]), CLIENT);
    await h.toListener(rrq('b'), OTHER);
    const sent = h.take();
    assert.deepEqual(describeAll(sent), ['OACK blksize=1024 tsize=600', 'DATA 1 (512)']);
    assert.ok(sent.every((s) => s.from === h.listener.local));
    assert.equal(h.transport.channels.length, 0);
    await h.toListener(ack(0), CLIENT);
    await h.toListener(ack(1), OTHER);
    assert.deepEqual(describeAll(h.take(CLIENT)), ['DATA 1 (600)']);
    assert.deepEqual(describeAll(h.take(OTHER)), ['DATA 2 (512)']);
    await h.toListener(ack(1), CLIENT);
    await h.toListener(ack(2), OTHER);
    await h.toListener(ack(3), OTHER);
    assert.equal(h.server.stats().complete, 2);
  });

  test('a packet from the right address but another port gets ERROR 5; the transfer is undisturbed', async () => {
    const h = harness({ singlePort: true });
    h.files.files.set('a', { bytes: pattern(600) });
    await h.toListener(rrq('a'), CLIENT);
    h.take();
    const stranger = { address: CLIENT.address, port: CLIENT.port + 1 };
    await h.toListener(ack(1), stranger);
    assert.deepEqual(describeAll(h.take(stranger)), ['ERROR 5 Unknown transfer ID']);
    await h.toListener(ack(1), CLIENT);
    assert.deepEqual(describeAll(h.take(CLIENT)), ['DATA 2 (88)']);
  });

  test('retransmission and the size probe work the same as in normal mode', async () => {
    const h = harness({ singlePort: true });
    h.files.files.set('a', { bytes: pattern(600) });
    await h.toListener(rrq('a', 'octet', [['tsize', '0']]));
    await h.clock.advance(1000);
    assert.deepEqual(describeAll(h.take()), ['OACK tsize=600', 'OACK tsize=600']);
    await h.toListener(errorPacket(8, 'abort'));
    assert.equal(h.server.stats().sizeProbes, 1);
    assert.equal(h.server.activeTransfers, 0);
  });
});

describe('TftpServer, shutdown', () => {
  test('close() tells every running client and ignores what comes after', async () => {
    const h = harness();
    h.files.files.set('f', { bytes: pattern(3000) });
    await h.toListener(rrq('f'), CLIENT);
    await h.toListener(rrq('f'), OTHER);
    h.take();
    h.server.close();
    assert.deepEqual(describeAll(h.take()), ['ERROR 0 Server shutting down', 'ERROR 0 Server shutting down']);
    assert.ok(h.transport.channels.every((c) => c.closed));
    await h.toListener(rrq('f'), THIRD);
    assert.deepEqual(h.take(), []);
    assert.deepEqual(h.clock.pending(), []);
  });
});
