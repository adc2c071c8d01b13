// The boot file provider on a real directory: confinement (every escape refused), built-in and
// fallback scripts, the fallback root, the memory cache with revalidation and LRU eviction, and
// disk reads that notice a file changing under them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nullLogger } from '../../src/seams/logger.ts';
import { AUTOEXEC_SCRIPT, REBOOT_SCRIPT, builtinScripts, fallbackScripts } from '../../src/boot/builtin-scripts.ts';
import { BootFileChangedError, checkBootName, createFileProvider, type BootFile, type FileProviderOptions } from '../../src/boot/file-provider.ts';
import { recordingLogger } from '../net/support.ts';

const bytesOf = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

let tmp: string;
let root: string;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'file-provider-'));
  root = join(tmp, 'root');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(tmp, 'outside'));
  writeFileSync(join(tmp, 'outside', 'secret.txt'), 'secret\n');
  writeFileSync(join(root, 'ipxe.efi'), bytesOf(1000, 1));
  writeFileSync(join(root, 'sub', 'a.txt'), 'inside\n');
  writeFileSync(join(root, 'default'), 'a pxelinux config, not the reboot script\n');
  writeFileSync(join(root, 'big.bin'), bytesOf(50_000, 2));
  symlinkSync('sub/a.txt', join(root, 'link-in'));
  symlinkSync('../outside/secret.txt', join(root, 'link-out'));
  symlinkSync('/etc/passwd', join(root, 'link-abs'));
  symlinkSync('../outside', join(root, 'dir-out'));
  symlinkSync('loop', join(root, 'loop'));
  assert.equal(spawnSync('mkfifo', [join(root, 'fifo')]).status, 0, 'mkfifo');
});

after(() => rmSync(tmp, { recursive: true, force: true }));

const provider = (over: Partial<FileProviderOptions> = {}) =>
  createFileProvider({ root, builtins: builtinScripts(), fallbacks: fallbackScripts(), maxCachedFileBytes: 10_000, logger: nullLogger, ...over });

describe('checkBootName', () => {
  const cases: { name: string; ok: boolean; segments?: string[] }[] = [
    { name: 'ipxe.efi', ok: true, segments: ['ipxe.efi'] },
    { name: 'a//b/./c', ok: true, segments: ['a', 'b', 'c'] },
    { name: 'a/b/', ok: true, segments: ['a', 'b'] },
    { name: '..', ok: false },
    { name: 'a/../b', ok: false },
    { name: '/abs', ok: false },
    { name: 'a\\b', ok: false },
    { name: 'a\0b', ok: false },
    { name: '', ok: false },
    { name: '...', ok: true, segments: ['...'] },
    { name: '..foo', ok: true, segments: ['..foo'] },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.name)} is ${c.ok ? 'acceptable' : 'refused'}`, () => {
      const r = checkBootName(c.name);
      assert.equal(r.ok, c.ok);
      if (r.ok) assert.deepEqual(r.segments, c.segments);
    });
  }
});

describe('FileProvider.resolve: confinement to the root', () => {
  const cases: { name: string; want: 'memory' | 'disk' | 'not-found' | 'access'; content?: string }[] = [
    { name: 'ipxe.efi', want: 'memory' },
    { name: 'sub/a.txt', want: 'memory', content: 'inside\n' },
    { name: './sub//a.txt', want: 'memory', content: 'inside\n' },
    { name: 'link-in', want: 'memory', content: 'inside\n' },
    { name: 'big.bin', want: 'disk' },
    // symlinks out of the root
    { name: 'link-out', want: 'access' },
    { name: 'link-abs', want: 'access' },
    { name: 'dir-out/secret.txt', want: 'access' },
    { name: 'loop', want: 'access' },
    // `..`, absolute, backslash, NUL, empty
    { name: '../outside/secret.txt', want: 'access' },
    { name: 'sub/../../outside/secret.txt', want: 'access' },
    { name: 'sub/../ipxe.efi', want: 'access' },
    { name: '..', want: 'access' },
    { name: '/etc/passwd', want: 'access' },
    { name: '/ipxe.efi', want: 'access' },
    { name: '//etc/passwd', want: 'access' },
    { name: 'sub\\a.txt', want: 'access' },
    { name: '..\\outside\\secret.txt', want: 'access' },
    { name: 'ipxe.efi\0.png', want: 'access' },
    { name: '', want: 'access' },
    // not regular files
    { name: 'fifo', want: 'access' },
    { name: 'sub', want: 'not-found' },
    { name: 'sub/', want: 'not-found' },
    { name: '.', want: 'not-found' },
    // missing
    { name: 'missing.efi', want: 'not-found' },
    { name: 'sub/missing', want: 'not-found' },
    { name: 'ipxe.efi/x', want: 'not-found' },
    // TFTP does not percent-decode (HTTP decodes before asking): these are literal names
    { name: '%2e%2e/outside/secret.txt', want: 'not-found' },
    { name: '..%2foutside%2fsecret.txt', want: 'not-found' },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.name)}: ${c.want}`, async () => {
      const r = await provider().resolve(c.name);
      if (c.want === 'memory' || c.want === 'disk') {
        assert.ok(r.ok, r.ok ? '' : r.message);
        assert.equal(r.file.kind, c.want);
        assert.equal(r.file.name, c.name);
        if (c.content !== undefined && r.file.kind === 'memory') assert.equal(Buffer.from(r.file.bytes).toString(), c.content);
      } else {
        assert.ok(!r.ok);
        assert.equal(r.code, c.want);
        assert.doesNotMatch(r.message, /secret|passwd|\/tmp/, 'the message names no path');
      }
    });
  }
});

describe('FileProvider.resolve: built-in and fallback scripts', () => {
  test('`default` is the reboot script even though the root holds a file of that name (spec §8.2)', async () => {
    const r = await provider().resolve('default');
    assert.ok(r.ok && r.file.kind === 'memory');
    assert.equal(Buffer.from(r.file.bytes).toString(), '#!ipxe\nreboot\n');
    assert.equal(r.file.bytes.length, 14);
    assert.equal(r.file.bytes, REBOOT_SCRIPT);
  });

  for (const name of ['autoexec.ipxe', 'efi/x64/autoexec.ipxe']) {
    test(`${name} without a file is the empty script`, async () => {
      const r = await provider().resolve(name);
      assert.ok(r.ok && r.file.kind === 'memory');
      assert.equal(r.file.bytes.length, 0);
      assert.equal(r.file.bytes, AUTOEXEC_SCRIPT);
    });
  }

  test('autoexec.ipxe that exists is served from the root', async () => {
    writeFileSync(join(root, 'autoexec.ipxe'), '#!ipxe\necho site script\n');
    try {
      const r = await provider().resolve('autoexec.ipxe');
      assert.ok(r.ok && r.file.kind === 'memory');
      assert.equal(Buffer.from(r.file.bytes).toString(), '#!ipxe\necho site script\n');
    } finally {
      rmSync(join(root, 'autoexec.ipxe'));
    }
  });

  test('a name that only ends like a built-in is not one', async () => {
    const r = await provider().resolve('sub/default');
    assert.ok(!r.ok);
    assert.equal(r.code, 'not-found');
  });
});

describe('FileProvider: the fallback root', () => {
  test('serves the fallback while the root is missing, and the root once it exists', async () => {
    const fallbackRoot = join(tmp, 'fallback');
    const late = join(tmp, 'late-root');
    mkdirSync(fallbackRoot);
    writeFileSync(join(fallbackRoot, 'undionly.kpxe'), 'from the fallback');
    const log = recordingLogger();
    const p = createFileProvider({ root: late, fallbackRoot, logger: log });
    const a = await p.resolve('undionly.kpxe');
    assert.ok(a.ok && a.file.kind === 'memory');
    assert.equal(Buffer.from(a.file.bytes).toString(), 'from the fallback');
    mkdirSync(late);
    writeFileSync(join(late, 'undionly.kpxe'), 'from the root');
    const b = await p.resolve('undionly.kpxe');
    assert.ok(b.ok && b.file.kind === 'memory');
    assert.equal(Buffer.from(b.file.bytes).toString(), 'from the root');
    const roots = log.lines.filter((l) => l.msg === 'serving boot files').map((l) => l.fields['root']);
    assert.deepEqual(roots, [fallbackRoot, late]);
  });

  test('with neither root, every file is not found (and fallbacks still answer)', async () => {
    const log = recordingLogger();
    const p = createFileProvider({ root: join(tmp, 'nope'), fallbackRoot: join(tmp, 'nope2'), fallbacks: fallbackScripts(), logger: log });
    const r = await p.resolve('ipxe.efi');
    assert.ok(!r.ok && r.code === 'not-found');
    assert.ok((await p.resolve('autoexec.ipxe')).ok);
    assert.equal(log.lines.filter((l) => l.level === 'warn').length, 1, 'warned once');
  });

  test('the fallback root confines names the same way', async () => {
    const p = createFileProvider({ root: join(tmp, 'nope'), fallbackRoot: root, logger: nullLogger });
    for (const name of ['link-out', '../outside/secret.txt']) {
      const r = await p.resolve(name);
      assert.ok(!r.ok && r.code === 'access', name);
    }
  });
});

describe('FileProvider: the memory cache', () => {
  test('a small file is read once and then served from memory', async () => {
    const p = provider();
    await p.resolve('ipxe.efi');
    await p.resolve('ipxe.efi');
    await p.resolve('ipxe.efi');
    assert.deepEqual(p.cacheStats(), { files: 1, bytes: 1000, hits: 2, misses: 1 });
  });

  test('concurrent first requests share one read', async () => {
    const p = provider();
    await Promise.all(Array.from({ length: 10 }, () => p.resolve('ipxe.efi')));
    assert.equal(p.cacheStats().misses, 1);
  });

  test('a rewritten file is noticed (size, mtime or inode) and served fresh', async () => {
    const f = join(root, 'changing.bin');
    writeFileSync(f, 'one');
    const p = provider();
    const text = async () => {
      const r = await p.resolve('changing.bin');
      assert.ok(r.ok && r.file.kind === 'memory');
      return Buffer.from(r.file.bytes).toString();
    };
    assert.equal(await text(), 'one');
    writeFileSync(f, 'three'); // size changes
    assert.equal(await text(), 'three');
    writeFileSync(f, 'THREE');
    utimesSync(f, new Date(2000, 1, 1), new Date(2000, 1, 1)); // same size, other mtime
    assert.equal(await text(), 'THREE');
    writeFileSync(join(root, 'changing.new'), 'fresh');
    utimesSync(join(root, 'changing.new'), new Date(2000, 1, 1), new Date(2000, 1, 1));
    renameSync(join(root, 'changing.new'), f); // same mtime, another inode
    assert.equal(await text(), 'fresh');
    rmSync(f);
  });

  test('the least recently used file leaves first when the budget is full', async () => {
    for (const n of ['l1', 'l2', 'l3']) writeFileSync(join(root, n), bytesOf(2000, 3));
    const p = provider({ memoryCacheBytes: 5000 });
    await p.resolve('l1');
    await p.resolve('l2');
    await p.resolve('l1'); // l1 is now more recent than l2
    await p.resolve('l3'); // evicts l2
    assert.deepEqual(p.cacheStats(), { files: 2, bytes: 4000, hits: 1, misses: 3 });
    await p.resolve('l1');
    assert.equal(p.cacheStats().hits, 2);
    await p.resolve('l2');
    assert.equal(p.cacheStats().misses, 4);
    for (const n of ['l1', 'l2', 'l3']) rmSync(join(root, n));
  });

  test('a budget of 0 serves everything from disk', async () => {
    const r = await provider({ memoryCacheBytes: 0 }).resolve('ipxe.efi');
    assert.ok(r.ok);
    assert.equal(r.file.kind, 'disk');
  });
});

describe('FileProvider.read', () => {
  async function big(): Promise<{ p: ReturnType<typeof provider>; file: BootFile }> {
    const p = provider();
    const r = await p.resolve('big.bin');
    assert.ok(r.ok && r.file.kind === 'disk');
    assert.equal(r.file.size, 50_000);
    assert.equal(r.file.path, join(root, 'big.bin'));
    return { p, file: r.file };
  }

  test('disk: ranges, a range past the end, and reading into a caller buffer', async () => {
    const { p, file } = await big();
    const all = bytesOf(50_000, 2);
    assert.deepEqual(Buffer.from(await p.read(file, 100, 500)), all.subarray(100, 600));
    assert.deepEqual(Buffer.from(await p.read(file, 49_900, 500)), all.subarray(49_900));
    assert.equal((await p.read(file, 60_000, 10)).length, 0);
    const into = new Uint8Array(1000).fill(0xa5);
    const got = await p.read(file, 0, 700, into);
    assert.equal(got.buffer, into.buffer);
    assert.deepEqual(Buffer.from(got), all.subarray(0, 700));
  });

  test('memory: a view of the shared content, or a copy into the caller buffer', async () => {
    const p = provider();
    const r = await p.resolve('ipxe.efi');
    assert.ok(r.ok && r.file.kind === 'memory');
    const view = await p.read(r.file, 10, 20);
    assert.equal(view.buffer, r.file.bytes.buffer);
    assert.deepEqual(Buffer.from(view), bytesOf(1000, 1).subarray(10, 30));
    const into = new Uint8Array(64);
    assert.deepEqual(Buffer.from(await p.read(r.file, 990, 64, into)), bytesOf(1000, 1).subarray(990));
  });

  test('a disk file rewritten after resolve is refused (a transfer never mixes two versions)', async () => {
    writeFileSync(join(root, 'big2.bin'), bytesOf(50_000, 4));
    const p = provider();
    const r = await p.resolve('big2.bin');
    assert.ok(r.ok);
    writeFileSync(join(root, 'big2.bin'), bytesOf(50_001, 5));
    await assert.rejects(p.read(r.file, 0, 100), BootFileChangedError);
    rmSync(join(root, 'big2.bin'));
  });

  test('a disk file swapped for a symlink out of the root after resolve is refused', async () => {
    writeFileSync(join(root, 'big3.bin'), bytesOf(50_000, 6));
    const p = provider();
    const r = await p.resolve('big3.bin');
    assert.ok(r.ok);
    rmSync(join(root, 'big3.bin'));
    symlinkSync(join(tmp, 'outside', 'secret.txt'), join(root, 'big3.bin'));
    await assert.rejects(p.read(r.file, 0, 100), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
    rmSync(join(root, 'big3.bin'));
  });
});
