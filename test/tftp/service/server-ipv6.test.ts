// The TFTP server behind an IPv6 listening address (DHCPv6 hands out tftp://[addr]/…): blksize
// is clamped to the link MTU minus IPv6's 40-byte header (RFC 8200 §3), not IPv4's 20, and the
// transfer socket is opened on the IPv6 address the request came to.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TftpEndpoint } from '../../../src/tftp/service/transport.ts';
import { ack, describeAll, harness, pattern, rrq, settle } from './support.ts';

const CLIENT6: TftpEndpoint = { address: 'fe80::5054:ff:fed6:6%eth0', port: 2000 };

describe('TftpServer on an IPv6 listening address', () => {
  const cases: { name: string; local: string; mtu: number; want: string; firstData: string }[] = [
    { name: 'a 1500 MTU link: 1500 - 40 - 8 - 4', local: 'fe80::1%eth0', mtu: 1500, want: 'OACK blksize=1448', firstData: 'DATA 1 (1448)' },
    { name: 'a 9000 MTU link', local: '2001:db8:1::1', mtu: 9000, want: 'OACK blksize=8948', firstData: 'DATA 1 (8948)' },
    { name: 'IPv4 on the same MTU keeps 1468', local: '192.0.2.1', mtu: 1500, want: 'OACK blksize=1468', firstData: 'DATA 1 (1468)' },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.want}`, async () => {
      const h = harness();
      h.files.files.set('ipxe-x86_64.efi', { bytes: pattern(20_000) });
      h.transport.mtus.set(c.local, c.mtu);
      const listener = h.transport.listener(c.local);
      h.server.handleListenerDatagram(rrq('ipxe-x86_64.efi', 'octet', [['blksize', '65464']]), CLIENT6, listener);
      await settle();
      const sent = h.take();
      assert.deepEqual(describeAll(sent), [c.want]);
      assert.equal(sent[0]?.from.address, c.local, 'the OACK leaves from the address the request went to');
      assert.notEqual(sent[0]?.from.port, 69, 'from a fresh transfer port (RFC 1350 TID)');
      await h.toTransfer(ack(0), CLIENT6);
      assert.equal(describeAll(h.take())[0], c.firstData);
    });
  }
});
