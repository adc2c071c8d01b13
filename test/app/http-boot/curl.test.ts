// The HTTP boot server against a real client, curl: full downloads, HEAD, ranges, resuming,
// HTTP/1.0 and raw traversal paths, compared by SHA-256. With the real iPXE binaries in
// firmware/ipxe/bin (firmware/ipxe/fetch.sh), also against those and the committed manifest.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startHttpBoot } from '../../../src/app/http-boot/server.ts';
import type { HttpBoot } from '../../../src/app/http-boot/server.ts';
import { createFileProvider } from '../../../src/boot/file-provider.ts';
import { builtinScripts, fallbackScripts } from '../../../src/boot/builtin-scripts.ts';
import { nullLogger } from '../../../src/seams/logger.ts';

const run = promisify(execFile);
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const firmwareDir = resolve(import.meta.dirname, '../../../firmware/ipxe');

const curlMissing = await run('curl', ['--version']).then(
  () => undefined,
  () => 'curl not installed (apt-get install curl; .ci/run installs it)',
);

async function curl(...args: string[]): Promise<string> {
  const { stdout } = await run('curl', ['-sS', ...args], { maxBuffer: 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

/** `curl -I`: the status and the lower-cased header map of a HEAD. */
async function curlHead(url: string): Promise<{ status: number; headers: Map<string, string> }> {
  const text = await curl('-I', url);
  const lines = text.split('\r\n').filter((l) => l !== '');
  const headers = new Map<string, string>();
  for (const l of lines.slice(1)) headers.set(l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim());
  return { status: Number(lines[0]?.split(' ')[1]), headers };
}

/** Reads the manifest entries (`<sha256>  <name>`). */
function manifest(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(join(firmwareDir, 'SHA256SUMS'), 'utf8').split('\n')) {
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) out.set(m[2], m[1]);
  }
  return out;
}

describe('HTTP boot server with curl', { skip: curlMissing }, () => {
  let dir: string;
  let boot: HttpBoot;
  const efi = randomBytes(850_528);
  const disk = randomBytes(64 * 1024 * 1024 + 17);
  const GiB = 2 ** 30;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'http-boot-curl-'));
    const root = join(dir, 'root');
    await run('mkdir', ['-p', root]);
    writeFileSync(join(root, 'ipxe-x86_64.efi'), efi);
    writeFileSync(join(root, 'disk.img'), disk);
    // Sparse: a 1 GiB file that costs no disk, read from the end only.
    writeFileSync(join(root, 'sparse.img'), '');
    truncateSync(join(root, 'sparse.img'), GiB);
    const provider = createFileProvider({ root, builtins: builtinScripts(), fallbacks: fallbackScripts(), logger: nullLogger });
    boot = await startHttpBoot({ provider, host: '127.0.0.1', port: 0, logger: nullLogger });
  });
  after(async () => {
    await boot?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('full GET: status, size, type and SHA-256 as curl reports them', async () => {
    const out = join(dir, 'efi.out');
    const w = await curl('--fail', '-o', out, '-w', '%{http_code} %{size_download} %{content_type}', `${boot.url}/ipxe-x86_64.efi`);
    assert.equal(w, `200 ${efi.length} application/efi`);
    assert.equal(sha256(readFileSync(out)), sha256(efi));
  });

  test('a 64 MiB file streamed from disk arrives intact', async () => {
    const out = join(dir, 'disk.out');
    await curl('--fail', '-o', out, `${boot.url}/disk.img`);
    assert.equal(sha256(readFileSync(out)), sha256(disk));
  });

  test('a slow reader (--limit-rate) still gets every byte in order', async () => {
    const out = join(dir, 'slow.out');
    await curl('--fail', '--limit-rate', '8M', '-r', '0-4194303', '-o', out, `${boot.url}/disk.img`);
    assert.deepEqual(readFileSync(out), disk.subarray(0, 4 * 1024 * 1024));
  });

  test('HEAD (curl -I): 200, Content-Length, Accept-Ranges, validators', async () => {
    const { status, headers } = await curlHead(`${boot.url}/ipxe-x86_64.efi`);
    assert.equal(status, 200);
    assert.equal(headers.get('content-length'), String(efi.length));
    assert.equal(headers.get('accept-ranges'), 'bytes');
    assert.equal(headers.get('content-type'), 'application/efi');
    assert.ok(headers.has('etag') && headers.has('last-modified'));
  });

  test('curl -r 0-1023: 206 with the first KiB', async () => {
    const out = join(dir, 'r1.out');
    const w = await curl('-r', '0-1023', '-o', out, '-w', '%{http_code}', `${boot.url}/ipxe-x86_64.efi`);
    assert.equal(w, '206');
    assert.deepEqual(readFileSync(out), efi.subarray(0, 1024));
  });

  test('curl -r -512: 206 with the last 512 bytes', async () => {
    const out = join(dir, 'r2.out');
    const w = await curl('-r', '-512', '-o', out, '-w', '%{http_code}', `${boot.url}/ipxe-x86_64.efi`);
    assert.equal(w, '206');
    assert.deepEqual(readFileSync(out), efi.subarray(efi.length - 512));
  });

  test('curl -C - resumes a half-downloaded file to the right SHA-256', async () => {
    const out = join(dir, 'resume.out');
    writeFileSync(out, disk.subarray(0, 12_345_678));
    const w = await curl('--fail', '-C', '-', '-o', out, '-w', '%{http_code} %{size_download}', `${boot.url}/disk.img`);
    assert.equal(w, `206 ${disk.length - 12_345_678}`);
    assert.equal(sha256(readFileSync(out)), sha256(disk));
  });

  test('an unsatisfiable range is 416', async () => {
    const w = await curl('-r', `${efi.length}-`, '-o', '/dev/null', '-w', '%{http_code}', `${boot.url}/ipxe-x86_64.efi`);
    assert.equal(w, '416');
  });

  test('the last 100 bytes of a 1 GiB sparse file, and its HEAD', async () => {
    const out = join(dir, 'sparse.out');
    const w = await curl('-r', '-100', '-o', out, '-w', '%{http_code}', `${boot.url}/sparse.img`);
    assert.equal(w, '206');
    assert.deepEqual(readFileSync(out), Buffer.alloc(100));
    const { headers } = await curlHead(`${boot.url}/sparse.img`);
    assert.equal(headers.get('content-length'), String(GiB));
  });

  test('HTTP/1.0 (curl -0) gets the file with Content-Length', async () => {
    const out = join(dir, 'h10.out');
    // The status line says 1.1 (a server sends its own version, RFC 9110 §2.5); what matters to a
    // 1.0 client is that the body is delimited by Content-Length, not chunked (RFC 9112 §6.1).
    const w = await curl('-0', '--fail', '-o', out, '-w', '%{http_code} %header{content-length} %header{transfer-encoding}', `${boot.url}/ipxe-x86_64.efi`);
    assert.equal(w, `200 ${efi.length} `);
    assert.equal(sha256(readFileSync(out)), sha256(efi));
  });

  test('the reboot script is served as text', async () => {
    assert.equal(await curl('--fail', `${boot.url}/default`), '#!ipxe\nreboot\n');
  });

  for (const path of ['/../../etc/passwd', '/%2e%2e/etc/passwd', '/..%2fetc%2fpasswd', '//etc/passwd', '/a/../../x']) {
    test(`curl --path-as-is ${path} is refused with 400`, async () => {
      const out = join(dir, 'trav.out');
      const w = await curl('--path-as-is', '-o', out, '-w', '%{http_code}', `${boot.url}${path}`);
      assert.equal(w, '400');
      assert.ok(!readFileSync(out, 'utf8').includes('root:'));
    });
  }

  test('a missing file is 404', async () => {
    assert.equal(await curl('-o', '/dev/null', '-w', '%{http_code}', `${boot.url}/ipxe-arm64.efi`), '404');
  });
});

// The real binaries, when firmware/ipxe/fetch.sh has put them there (not committed).
const realDir = join(firmwareDir, 'bin');
const realNames = [...manifest().keys()];
const realMissing =
  curlMissing ??
  (realNames.every((n) => existsSync(join(realDir, n))) ? undefined : `firmware/ipxe/bin is not filled; run firmware/ipxe/fetch.sh`);

describe('HTTP boot server with curl and the real iPXE binaries', { skip: realMissing }, () => {
  let boot: HttpBoot;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'http-boot-real-'));
    // As the appliance runs by default: tftp_dir missing, firmware/ipxe/bin as the fallback root.
    const provider = createFileProvider({ root: join(dir, 'no-tftpboot'), fallbackRoot: realDir, builtins: builtinScripts(), logger: nullLogger });
    boot = await startHttpBoot({ provider, host: '127.0.0.1', port: 0, logger: nullLogger });
  });
  after(async () => {
    await boot?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, want] of manifest()) {
    test(`${name}: GET matches the manifest's SHA-256, HEAD its size, ranges its bytes`, async () => {
      const out = join(dir, name);
      await curl('--fail', '-o', out, `${boot.url}/${name}`);
      const body = readFileSync(out);
      assert.equal(sha256(body), want);
      const { status, headers } = await curlHead(`${boot.url}/${name}`);
      assert.equal(status, 200);
      assert.equal(headers.get('content-length'), String(body.length));
      assert.equal(headers.get('content-type'), name.endsWith('.efi') ? 'application/efi' : 'application/octet-stream');
      const part = join(dir, `${name}.part`);
      writeFileSync(part, body.subarray(0, 1000));
      await curl('--fail', '-C', '-', '-o', part, `${boot.url}/${name}`);
      assert.equal(sha256(readFileSync(part)), want);
      const tail = join(dir, `${name}.tail`);
      assert.equal(await curl('-r', '-64', '-o', tail, '-w', '%{http_code}', `${boot.url}/${name}`), '206');
      assert.deepEqual(readFileSync(tail), body.subarray(body.length - 64));
    });
  }
});
