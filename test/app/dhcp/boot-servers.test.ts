// The boot servers beside DHCPv6 (src/app/dhcp/boot-servers.ts): with `host6` both TFTP (normal
// and single_port mode) and HTTP boot also listen on IPv6, a transfer over IPv6 answers from the
// address the request went to, and what a DHCPv6 boot URL may name comes back from listensOn6
// and httpBootBase6. On [::1]; skipped when the host has no IPv6 loopback.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { get } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/seams/clock.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import type { CoresmdConfig } from '../../../src/app/config/coresmd-config.ts';
import { startBootServers, type BootServers } from '../../../src/app/dhcp/boot-servers.ts';
import { hasV6Loopback } from '../../support/ipv6.ts';

const dir = mkdtempSync(join(tmpdir(), 'boot-servers-v6-'));
const FILE = Buffer.from(Array.from({ length: 1300 }, (_, i) => (i * 7) & 0xff));
writeFileSync(join(dir, 'ipxe-x86_64.efi'), FILE);
const running: BootServers[] = [];
after(async () => {
  for (const b of running) await b.close();
  rmSync(dir, { recursive: true, force: true });
});

function config(over: Partial<CoresmdConfig> = {}): CoresmdConfig {
  return {
    svcBaseUri: 'file:///nonexistent.json',
    ipxeBaseUri: 'http://[::1]:8081',
    caCert: '',
    cacheValidMs: 30_000,
    leaseTimeMs: 3_600_000,
    singlePort: false,
    tftpDir: dir,
    tftpPort: 0,
    domain: 'cluster.test',
    ruleLog: 'none',
    rules: [],
    subnets: [],
    cacheFile: undefined,
    svcToken: undefined,
    svcTimeoutMs: 5000,
    httpPort: 0,
    ...over,
  };
}

async function start(c: CoresmdConfig, host6?: string): Promise<BootServers> {
  const b = await startBootServers(c, { host: '127.0.0.1', ...(host6 === undefined ? {} : { host6 }), tftpPort: 0, logger: nullLogger, clock: systemClock });
  running.push(b);
  return b;
}

const portOf = (endpoint: string | undefined): number => Number(endpoint?.slice(endpoint.lastIndexOf(':') + 1));

/** A minimal TFTP read over udp6 (RFC 1350, blksize 512): the file's bytes and every reply's source. */
async function tftpGet6(port: number, name: string): Promise<{ bytes: Buffer; sources: string[] }> {
  const sock = dgram.createSocket({ type: 'udp6', ipv6Only: true });
  await new Promise<void>((resolve) => sock.bind(0, '::1', resolve));
  const chunks: Buffer[] = [];
  const sources: string[] = [];
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('TFTP over ::1 timed out')), 5000);
      sock.on('message', (m, r) => {
        sources.push(`[${r.address}]:${r.port}`);
        if (m.readUInt16BE(0) !== 3) {
          clearTimeout(timer);
          reject(new Error(`not DATA: ${m.toString('latin1')}`));
          return;
        }
        const block = m.readUInt16BE(2);
        chunks.push(m.subarray(4));
        sock.send(Uint8Array.of(0, 4, block >> 8, block & 255), r.port, r.address);
        if (m.length - 4 < 512) {
          clearTimeout(timer);
          resolve({ bytes: Buffer.concat(chunks), sources });
        }
      });
      sock.send(Buffer.from(`\0\x01${name}\0octet\0`, 'latin1'), port, '::1');
    });
  } finally {
    sock.close();
  }
}

function httpGet(url: string): Promise<{ status: number; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('boot servers with host6', { skip: (await hasV6Loopback()) ? false : 'no IPv6 loopback (::1)' }, () => {
  test('TFTP listens on [::1] beside 127.0.0.1 and answers from [::1] on a fresh port; listensOn6 says so', async () => {
    const b = await start(config(), '::1');
    assert.equal(b.tftpEndpoints.length, 2);
    assert.match(b.tftpEndpoints[1] ?? '', /^\[::1\]:\d+$/);
    const port = portOf(b.tftpEndpoints[1]);
    assert.equal(port, portOf(b.tftpEndpoints[0]), 'the same port on both families');
    const got = await tftpGet6(port, 'ipxe-x86_64.efi');
    assert.deepEqual(got.bytes, FILE);
    assert.ok(got.sources.every((s) => s.startsWith('[::1]:') && s !== `[::1]:${port}`), got.sources.join(' '));
    assert.equal(b.listensOn6('::1', 'lo'), true);
    assert.equal(b.listensOn6('2001:db8::1', 'eth0'), false);
  });

  test('single_port: the transfer runs over the IPv6 listening socket itself', async () => {
    const b = await start(config({ singlePort: true }), '::1');
    const port = portOf(b.tftpEndpoints[1]);
    const got = await tftpGet6(port, 'ipxe-x86_64.efi');
    assert.deepEqual(got.bytes, FILE);
    assert.ok(got.sources.every((s) => s === `[::1]:${port}`), got.sources.join(' '));
  });

  test('HTTP boot answers on [::1] at the IPv4 port, and httpBootBase6 names that port', async () => {
    const b = await start(config(), '::1');
    const port = portOf(b.httpUrl);
    assert.equal(b.httpBootBase6?.('2001:db8:1::1'), `http://[2001:db8:1::1]:${port}`);
    const v6 = await httpGet(`http://[::1]:${port}/ipxe-x86_64.efi`);
    assert.equal(v6.status, 200);
    assert.deepEqual(v6.bytes, FILE);
    const v4 = await httpGet(`${b.httpUrl}/ipxe-x86_64.efi`);
    assert.equal(v4.status, 200);
  });

  test('without host6: IPv4 only, no IPv6 boot base, no IPv6 address listened on', async () => {
    const b = await start(config());
    assert.equal(b.tftpEndpoints.length, 1);
    assert.equal(b.httpBootBase6, undefined);
    assert.equal(b.listensOn6('::1', 'lo'), false);
    await assert.rejects(httpGet(`http://[::1]:${portOf(b.httpUrl)}/ipxe-x86_64.efi`), /ECONNREFUSED/);
  });
});
