import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '../../../src/app/log.ts';
import { startHttpBoot } from '../../../src/app/http-boot/server.ts';
import type { HttpBoot } from '../../../src/app/http-boot/server.ts';
import { CHUNK_BYTES } from '../../../src/app/http-boot/send-body.ts';
import { createFileProvider } from '../../../src/boot/file-provider.ts';
import { builtinScripts, fallbackScripts } from '../../../src/boot/builtin-scripts.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import { rawRequest, stalledGet, syntheticBytes, syntheticProvider, waitFor } from './support.ts';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const MTIME = new Date('2025-03-04T18:22:41Z');

type Records = Record<string, unknown>[];
/** The per-request log lines (msg `http boot`). */
const transfers = (records: Records): Records => records.filter((r) => r['msg'] === 'http boot');

describe('HTTP boot server over the real FileProvider', () => {
  let dir: string;
  let root: string;
  let boot: HttpBoot;
  let base: string;
  let logger: ReturnType<typeof createMemoryLogger>;
  const efi = randomBytes(300_000);
  const kpxe = randomBytes(74_213);
  // Larger than the provider's 4 MiB memory limit: served from disk in chunks.
  const big = randomBytes(10 * 1024 * 1024 + 123);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'http-boot-'));
    root = join(dir, 'tftpboot');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'ipxe-x86_64.efi'), efi);
    writeFileSync(join(root, 'undionly.kpxe'), kpxe);
    writeFileSync(join(root, 'big.img'), big);
    writeFileSync(join(root, 'empty.bin'), '');
    writeFileSync(join(root, 'sub', 'boot.ipxe'), '#!ipxe\nchain http://x/y\n');
    writeFileSync(join(root, 'default'), 'not the builtin\n');
    for (const f of ['ipxe-x86_64.efi', 'undionly.kpxe', 'big.img']) utimesSync(join(root, f), MTIME, MTIME);
    writeFileSync(join(dir, 'secret'), 'root:x:0:0:root:/root:/bin/bash\n');
    symlinkSync(join(dir, 'secret'), join(root, 'escape'));
    logger = createMemoryLogger('debug');
    const provider = createFileProvider({ root, builtins: builtinScripts(), fallbacks: fallbackScripts(), logger: nullLogger });
    boot = await startHttpBoot({ provider, host: '127.0.0.1', port: 0, logger });
    base = boot.url;
  });
  after(async () => {
    await boot.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('GET and HEAD (RFC 9110 §9.3.1, §9.3.2)', () => {
    test('url names the bound address and the port picked for port 0', () => {
      assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(boot.port > 0);
      assert.equal(base, `http://127.0.0.1:${boot.port}`);
    });

    test('GET of an EFI binary: 200, the exact bytes, Content-Length, application/efi, validators', async () => {
      const res = await fetch(`${base}/ipxe-x86_64.efi`);
      const body = new Uint8Array(await res.arrayBuffer());
      assert.equal(res.status, 200);
      assert.equal(sha256(body), sha256(efi));
      assert.equal(res.headers.get('content-length'), String(efi.length));
      assert.equal(res.headers.get('content-type'), 'application/efi');
      assert.equal(res.headers.get('accept-ranges'), 'bytes');
      assert.equal(res.headers.get('last-modified'), MTIME.toUTCString());
      assert.match(res.headers.get('etag') ?? '', /^"493e0-[0-9a-f]+"$/);
    });

    test('GET of a BIOS binary is application/octet-stream', async () => {
      const res = await fetch(`${base}/undionly.kpxe`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/octet-stream');
      assert.equal(sha256(new Uint8Array(await res.arrayBuffer())), sha256(kpxe));
    });

    test('GET of a file bigger than the memory cache streams it from disk intact', async () => {
      const res = await fetch(`${base}/big.img`);
      assert.equal(res.headers.get('content-length'), String(big.length));
      assert.equal(sha256(new Uint8Array(await res.arrayBuffer())), sha256(big));
    });

    test('HEAD has the headers of GET and no body', async () => {
      const res = await fetch(`${base}/big.img`, { method: 'HEAD' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-length'), String(big.length));
      assert.equal(res.headers.get('accept-ranges'), 'bytes');
      assert.equal((await res.arrayBuffer()).byteLength, 0);
      const raw = await rawRequest(boot.port, 'HEAD /ipxe-x86_64.efi HTTP/1.1');
      assert.equal(raw.headers.get('content-length'), String(efi.length));
      assert.equal(raw.body.length, 0);
    });

    test('`default` is the built-in reboot script, as text, whatever the root holds', async () => {
      const res = await fetch(`${base}/default`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '#!ipxe\nreboot\n');
      assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(res.headers.get('content-length'), '14');
      assert.equal(res.headers.get('last-modified'), null);
      assert.match(res.headers.get('etag') ?? '', /^"e-c[0-9a-f]+"$/);
    });

    test('a query string is ignored: /default?mac=… is still the reboot script', async () => {
      assert.equal(await (await fetch(`${base}/default?mac=de:ad:be:ef:00:01`)).text(), '#!ipxe\nreboot\n');
    });

    test('autoexec.ipxe falls back to the empty built-in with Content-Length 0', async () => {
      const res = await fetch(`${base}/autoexec.ipxe`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-length'), '0');
      assert.equal((await res.arrayBuffer()).byteLength, 0);
    });

    test('an empty file is 200 with Content-Length 0, even with a Range', async () => {
      const res = await fetch(`${base}/empty.bin`, { headers: { Range: 'bytes=0-' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-length'), '0');
      assert.equal((await res.arrayBuffer()).byteLength, 0);
    });

    test('files in subdirectories are served; .ipxe is text', async () => {
      const res = await fetch(`${base}/sub/boot.ipxe`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(await res.text(), '#!ipxe\nchain http://x/y\n');
    });

    test('percent-encoded names are decoded before the lookup', async () => {
      const res = await fetch(`${base}/ipxe%2Dx86_64%2eefi`);
      assert.equal(res.status, 200);
      assert.equal((await res.arrayBuffer()).byteLength, efi.length);
    });

    test('absolute-form request-targets are served (RFC 9112 §3.2.2)', async () => {
      const r = await rawRequest(boot.port, 'GET http://boot.example/undionly.kpxe HTTP/1.1');
      assert.equal(r.status, 200);
      assert.equal(sha256(r.body), sha256(kpxe));
    });

    test('HTTP/1.0 clients get the file with Content-Length', async () => {
      const r = await rawRequest(boot.port, 'GET /undionly.kpxe HTTP/1.0');
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-length'), String(kpxe.length));
      assert.equal(sha256(r.body), sha256(kpxe));
    });

    test('twenty parallel downloads of the big file all arrive intact', async () => {
      const bodies = await Promise.all(Array.from({ length: 20 }, async () => new Uint8Array(await (await fetch(`${base}/big.img`)).arrayBuffer())));
      for (const b of bodies) assert.equal(sha256(b), sha256(big));
    });
  });

  describe('Range (RFC 9110 §14)', () => {
    const ranged: [range: string, start: number, end: number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=100-', 100, 299_999],
      ['bytes=-10', 299_990, 299_999],
      ['bytes=299999-299999', 299_999, 299_999],
      ['bytes=1000-9999999', 1000, 299_999],
    ];
    for (const [range, start, end] of ranged) {
      test(`${range} → 206 with bytes ${start}-${end}`, async () => {
        const res = await fetch(`${base}/ipxe-x86_64.efi`, { headers: { Range: range } });
        const body = new Uint8Array(await res.arrayBuffer());
        assert.equal(res.status, 206);
        assert.equal(res.headers.get('content-range'), `bytes ${start}-${end}/300000`);
        assert.equal(res.headers.get('content-length'), String(end + 1 - start));
        assert.deepEqual(body, new Uint8Array(efi.subarray(start, end + 1)));
      });
    }

    test('a range in the middle of a disk-streamed file crosses chunk boundaries correctly', async () => {
      const start = CHUNK_BYTES - 7;
      const end = 3 * CHUNK_BYTES + 11;
      const res = await fetch(`${base}/big.img`, { headers: { Range: `bytes=${start}-${end}` } });
      assert.equal(res.status, 206);
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), new Uint8Array(big.subarray(start, end + 1)));
    });

    test('an unsatisfiable range is 416 with Content-Range bytes */size (§15.5.17)', async () => {
      const res = await fetch(`${base}/ipxe-x86_64.efi`, { headers: { Range: 'bytes=300000-' } });
      assert.equal(res.status, 416);
      assert.equal(res.headers.get('content-range'), 'bytes */300000');
      await res.arrayBuffer();
    });

    test('several ranges get the whole file with 200', async () => {
      const res = await fetch(`${base}/undionly.kpxe`, { headers: { Range: 'bytes=0-1,10-20' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-range'), null);
      assert.equal(sha256(new Uint8Array(await res.arrayBuffer())), sha256(kpxe));
    });

    test('an invalid range or unknown unit is ignored: 200 whole file', async () => {
      for (const range of ['bytes=9-1', 'lines=0-3']) {
        const res = await fetch(`${base}/undionly.kpxe`, { headers: { Range: range } });
        assert.equal(res.status, 200, range);
        assert.equal((await res.arrayBuffer()).byteLength, kpxe.length);
      }
    });

    test('HEAD ignores Range (range handling is defined for GET only, §14.2)', async () => {
      const res = await fetch(`${base}/undionly.kpxe`, { method: 'HEAD', headers: { Range: 'bytes=0-9' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-length'), String(kpxe.length));
    });

    test('If-Range with the current ETag honours the range; a stale one gets the whole file', async () => {
      const etag = (await fetch(`${base}/undionly.kpxe`, { method: 'HEAD' })).headers.get('etag') ?? '';
      const hit = await fetch(`${base}/undionly.kpxe`, { headers: { Range: 'bytes=0-9', 'If-Range': etag } });
      assert.equal(hit.status, 206);
      assert.equal((await hit.arrayBuffer()).byteLength, 10);
      const miss = await fetch(`${base}/undionly.kpxe`, { headers: { Range: 'bytes=0-9', 'If-Range': '"stale"' } });
      assert.equal(miss.status, 200);
      assert.equal((await miss.arrayBuffer()).byteLength, kpxe.length);
    });
  });

  describe('conditional requests (RFC 9110 §13)', () => {
    test('If-None-Match with the current ETag is 304 without a body', async () => {
      const etag = (await fetch(`${base}/undionly.kpxe`, { method: 'HEAD' })).headers.get('etag') ?? '';
      const res = await fetch(`${base}/undionly.kpxe`, { headers: { 'If-None-Match': etag } });
      assert.equal(res.status, 304);
      assert.equal(res.headers.get('etag'), etag);
      assert.equal((await res.arrayBuffer()).byteLength, 0);
    });
    test('If-Modified-Since at Last-Modified is 304; an older date gets the file', async () => {
      const same = await fetch(`${base}/undionly.kpxe`, { headers: { 'If-Modified-Since': MTIME.toUTCString() } });
      assert.equal(same.status, 304);
      const older = await fetch(`${base}/undionly.kpxe`, { headers: { 'If-Modified-Since': new Date(MTIME.getTime() - 1000).toUTCString() } });
      assert.equal(older.status, 200);
      await older.arrayBuffer();
    });
  });

  describe('errors', () => {
    test('a missing file is 404, and the log says which file, why, and how to get it', async () => {
      const before = transfers(logger.records).length;
      const res = await fetch(`${base}/ipxe-arm64.efi`);
      assert.equal(res.status, 404);
      await res.arrayBuffer();
      await waitFor(() => transfers(logger.records).length > before);
      const line = transfers(logger.records).at(-1) ?? {};
      assert.equal(line['level'], 'warn');
      assert.equal(line['path'], 'ipxe-arm64.efi');
      assert.equal(line['status'], 404);
      assert.equal(line['error'], 'file not found');
      assert.match(String(line['hint']), /11 \(ARM 64-bit UEFI\).*build-cross\.sh/);
    });

    test('a symlink leading out of the root is 403 and nothing of the target leaks', async () => {
      const res = await fetch(`${base}/escape`);
      assert.equal(res.status, 403);
      assert.ok(!(await res.text()).includes('root:'));
    });

    test('a directory is 404, and / has no listing', async () => {
      for (const p of ['/sub', '/']) {
        const res = await fetch(`${base}${p}`);
        assert.equal(res.status, 404, p);
        await res.arrayBuffer();
      }
    });

    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      test(`${method} is 405 with Allow: GET, HEAD (RFC 9110 §15.5.6)`, async () => {
        const res = await fetch(`${base}/undionly.kpxe`, { method, ...(method === 'OPTIONS' ? {} : { body: 'x' }) });
        assert.equal(res.status, 405);
        assert.equal(res.headers.get('allow'), 'GET, HEAD');
        await res.arrayBuffer();
      });
    }

    // Sent byte for byte (fetch would normalize them): each must be refused before the provider.
    const escapes = [
      '/%2e%2e/etc/passwd',
      '/..%2fetc',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '//etc/passwd',
      '/a/../../x',
      '/../../../../etc/passwd',
      '/sub/../../secret',
      '/%2e%2e/secret',
      '/.%2e/secret',
      '/..%5csecret',
      '/secret%00.efi',
      'http://boot.example/../secret',
    ];
    for (const target of escapes) {
      test(`refuses ${target} with 400 and leaks nothing`, async () => {
        const r = await rawRequest(boot.port, `GET ${target} HTTP/1.1`);
        assert.equal(r.status, 400);
        assert.ok(!r.body.toString('latin1').includes('root:'));
      });
    }
  });

  describe('request log', () => {
    test('one info line per transfer: client, path, status, bytes, range', async () => {
      const n = transfers(logger.records).length;
      const res = await fetch(`${base}/undionly.kpxe`, { headers: { Range: 'bytes=10-19' } });
      await res.arrayBuffer();
      await waitFor(() => transfers(logger.records).length > n);
      const line = transfers(logger.records).at(-1) ?? {};
      assert.equal(line['level'], 'info');
      assert.equal(line['component'], 'http-boot');
      assert.equal(line['client'], '127.0.0.1');
      assert.equal(line['method'], 'GET');
      assert.equal(line['path'], 'undionly.kpxe');
      assert.equal(line['status'], 206);
      assert.equal(line['bytes'], 10);
      assert.equal(line['range'], '10-19');
      assert.equal(line['complete'], true);
      assert.equal(typeof line['ms'], 'number');
    });

    test('a refused path is logged with the reason', async () => {
      const n = transfers(logger.records).length;
      await rawRequest(boot.port, 'GET /%2e%2e/etc/passwd HTTP/1.1');
      await waitFor(() => transfers(logger.records).length > n);
      const line = transfers(logger.records).at(-1) ?? {};
      assert.equal(line['status'], 400);
      assert.equal(line['path'], '/%2e%2e/etc/passwd');
      assert.match(String(line['error']), /dot segment/);
    });
  });

  describe('client disconnects', () => {
    test('a client leaving mid-transfer is logged incomplete and the server keeps serving', async () => {
      const n = transfers(logger.records).length;
      const sock = await stalledGet(boot.port, '/big.img');
      sock.resume();
      await new Promise<void>((resolve) => sock.once('data', () => resolve()));
      sock.destroy();
      await waitFor(() => transfers(logger.records).length > n, 5000, 'log line of the aborted transfer');
      const line = transfers(logger.records).at(-1) ?? {};
      assert.equal(line['path'], 'big.img');
      assert.equal(line['status'], 200);
      assert.equal(line['complete'], false);
      assert.ok(Number(line['bytes']) < big.length);
      const res = await fetch(`${base}/undionly.kpxe`);
      assert.equal(sha256(new Uint8Array(await res.arrayBuffer())), sha256(kpxe));
    });

    test('a connection reset right after the request line does not crash the server', async () => {
      for (let i = 0; i < 20; i++) {
        const sock = await stalledGet(boot.port, i % 2 === 0 ? '/big.img' : '/ipxe-x86_64.efi');
        sock.resetAndDestroy();
      }
      const res = await fetch(`${base}/default`);
      assert.equal(await res.text(), '#!ipxe\nreboot\n');
    });
  });
});

describe('HTTP boot server streaming (synthetic 1 GiB file)', () => {
  const GiB = 2 ** 30;

  test('a client that stops reading stops the reads: backpressure bounds memory', async () => {
    const provider = syntheticProvider('huge.img', GiB);
    const logger = createMemoryLogger('debug');
    const boot = await startHttpBoot({ provider, host: '127.0.0.1', port: 0, logger });
    try {
      const sock = await stalledGet(boot.port, '/huge.img');
      // Let the server fill the socket buffers, then check that reading from "disk" stopped.
      let last = -1;
      await waitFor(() => {
        const settled = provider.stats.bytesRead > 0 && provider.stats.bytesRead === last;
        last = provider.stats.bytesRead;
        return settled;
      }, 10_000, 'reads to stop');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(provider.stats.bytesRead, last, 'no more reads while the client is stalled');
      assert.ok(provider.stats.bytesRead < 64 * 1024 * 1024, `read ${provider.stats.bytesRead} bytes for a stalled client`);
      assert.ok(provider.stats.maxLength <= CHUNK_BYTES, 'never asks for more than one chunk');
      sock.destroy();
      await waitFor(() => transfers(logger.records).length === 1, 5000, 'the transfer log line');
      const line = transfers(logger.records)[0] ?? {};
      assert.equal(line['complete'], false);
      assert.ok(Number(line['bytes']) <= provider.stats.bytesRead);
    } finally {
      await boot.close();
    }
  });

  test('the last 100 bytes of a 1 GiB file are read from near the end only', async () => {
    const provider = syntheticProvider('huge.img', GiB);
    const boot = await startHttpBoot({ provider, host: '127.0.0.1', port: 0, logger: nullLogger });
    try {
      const res = await fetch(`${boot.url}/huge.img`, { headers: { Range: 'bytes=-100' } });
      assert.equal(res.status, 206);
      assert.equal(res.headers.get('content-range'), `bytes ${GiB - 100}-${GiB - 1}/${GiB}`);
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), syntheticBytes(GiB - 100, 100));
      assert.equal(provider.stats.bytesRead, 100);
      assert.equal(provider.stats.lowestOffset, GiB - 100);
    } finally {
      await boot.close();
    }
  });

  test('HEAD of a 1 GiB file reads nothing', async () => {
    const provider = syntheticProvider('huge.img', GiB);
    const boot = await startHttpBoot({ provider, host: '127.0.0.1', port: 0, logger: nullLogger });
    try {
      const res = await fetch(`${boot.url}/huge.img`, { method: 'HEAD' });
      assert.equal(res.headers.get('content-length'), String(GiB));
      assert.equal(provider.stats.reads, 0);
    } finally {
      await boot.close();
    }
  });

  test('64 MiB streamed through the chunk loop arrive in order', async () => {
    const size = 64 * 1024 * 1024 + 5;
    const provider = syntheticProvider('mid.img', size);
    const boot = await startHttpBoot({ provider, host: '127.0.0.1', port: 0, logger: nullLogger });
    try {
      const res = await fetch(`${boot.url}/mid.img`);
      const body = new Uint8Array(await res.arrayBuffer());
      assert.equal(body.length, size);
      assert.equal(sha256(body), sha256(syntheticBytes(0, size)));
    } finally {
      await boot.close();
    }
  });

  test('a read failure mid-file cuts the connection, is logged, and the server survives', async () => {
    const provider = syntheticProvider('huge.img', 8 * CHUNK_BYTES, { failAtRead: 3 });
    const logger = createMemoryLogger('debug');
    const boot = await startHttpBoot({ provider, host: '127.0.0.1', port: 0, logger });
    try {
      const r = await fetch(`${boot.url}/huge.img`);
      assert.equal(r.status, 200);
      await assert.rejects(r.arrayBuffer());
      await waitFor(() => transfers(logger.records).length === 1);
      const line = transfers(logger.records)[0] ?? {};
      assert.equal(line['complete'], false);
      assert.match(String(line['error']), /synthetic read failure/);
      const again = await fetch(`${boot.url}/huge.img`, { headers: { Range: 'bytes=0-9' } });
      assert.equal(again.status, 206);
      assert.deepEqual(new Uint8Array(await again.arrayBuffer()), syntheticBytes(0, 10));
    } finally {
      await boot.close();
    }
  });

  test('a provider whose resolve throws gives 500, not a crash', async () => {
    const provider = syntheticProvider('x', 1);
    provider.resolve = () => Promise.reject(new Error('disk on fire'));
    const logger = createMemoryLogger('debug');
    const boot = await startHttpBoot({ provider, host: '127.0.0.1', port: 0, logger });
    try {
      const res = await fetch(`${boot.url}/x`);
      assert.equal(res.status, 500);
      await res.arrayBuffer();
      await waitFor(() => transfers(logger.records).length === 1);
      assert.equal(transfers(logger.records)[0]?.['level'], 'error');
      assert.equal(transfers(logger.records)[0]?.['error'], 'disk on fire');
    } finally {
      await boot.close();
    }
  });
});

describe('HTTP boot server lifecycle', () => {
  test('close() ends a stalled transfer and resolves', async () => {
    const provider = syntheticProvider('huge.img', 2 ** 30);
    const logger = createMemoryLogger('debug');
    const boot = await startHttpBoot({ provider, host: '127.0.0.1', port: 0, logger });
    const sock = await stalledGet(boot.port, '/huge.img');
    await waitFor(() => provider.stats.bytesRead > 0);
    await boot.close();
    // close() waits for the handler: the transfer's line is already there, cut short.
    assert.equal(transfers(logger.records)[0]?.['complete'], false);
    const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
    sock.on('error', () => {});
    sock.resume(); // a paused socket does not see the end of the connection
    await closed;
    await boot.close(); // idempotent
  });

  test('a port in use rejects with EADDRINUSE', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(
        startHttpBoot({ provider: syntheticProvider('x', 1), host: '127.0.0.1', port, logger: nullLogger }),
        (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE',
      );
    } finally {
      blocker.close();
    }
  });

  test('an IPv6 listen address is bracketed in the URL', async (t) => {
    let boot: HttpBoot;
    try {
      boot = await startHttpBoot({ provider: syntheticProvider('x.efi', 3), host: '::1', port: 0, logger: nullLogger });
    } catch (err) {
      t.skip(`no IPv6 loopback here (${(err as Error).message})`);
      return;
    }
    try {
      assert.equal(boot.url, `http://[::1]:${boot.port}`);
      const res = await fetch(`${boot.url}/x.efi`);
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), syntheticBytes(0, 3));
    } finally {
      await boot.close();
    }
  });

  test('a client that stalls longer than idleTimeoutMs is disconnected', async () => {
    const provider = syntheticProvider('huge.img', 2 ** 30);
    const logger = createMemoryLogger('debug');
    const boot = await startHttpBoot({ provider, host: '127.0.0.1', port: 0, logger, idleTimeoutMs: 300 });
    try {
      const sock = await stalledGet(boot.port, '/huge.img');
      sock.on('error', () => {});
      const started = Date.now();
      await waitFor(() => transfers(logger.records).length === 1, 5000, 'the server to give up on the stalled client');
      assert.ok(Date.now() - started >= 250, 'not before the idle timeout');
      assert.equal(transfers(logger.records)[0]?.['complete'], false);
      sock.destroy();
    } finally {
      await boot.close();
    }
  });
});
