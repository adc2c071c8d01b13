// firmware/ipxe: the committed SHA-256 manifest and the fetch script's verification step.
// The format checks always run; the checks against the real binaries run when
// firmware/ipxe/fetch.sh has filled firmware/ipxe/bin (not committed). Nothing here downloads.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BOOT_ARCHES } from '../../src/boot/arch-table.ts';

const dir = resolve(import.meta.dirname, '../../firmware/ipxe');
const fetchScript = join(dir, 'fetch.sh');
const manifestText = readFileSync(join(dir, 'SHA256SUMS'), 'utf8');
const binDir = join(dir, 'bin');

const entries = manifestText
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const m = /^([0-9a-f]{64}) {2}([A-Za-z0-9._-]+)$/.exec(l);
    return { line: l, sum: m?.[1], name: m?.[2] };
  });
const names = entries.map((e) => e.name ?? '');

/** Runs a script with a private TMPDIR, so a leftover temp dir would show. */
function runScript(script: string, args: string[]): { status: number | null; stdout: string; stderr: string; tmpLeft: string[] } {
  const tmp = mkdtempSync(join(tmpdir(), 'fetch-test-tmp-'));
  try {
    const r = spawnSync('bash', [script, ...args], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, tmpLeft: readdirSync(tmp) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'fetch-test-dest-'));
}

describe('firmware/ipxe/SHA256SUMS format', () => {
  test('every entry is `<64 lowercase hex>  <name>` (sha256sum format)', () => {
    assert.ok(entries.length > 0);
    for (const e of entries) assert.ok(e.sum !== undefined && e.name !== undefined, `malformed line: ${JSON.stringify(e.line)}`);
  });

  test('one comment line records the Debian package version', () => {
    const lines = manifestText.split('\n').filter((l) => l.startsWith('# package: '));
    assert.equal(lines.length, 1);
    // Debian version: [epoch:]upstream[-revision] (deb-version(7)).
    assert.match(lines[0] ?? '', /^# package: ipxe (?:\d+:)?[0-9][A-Za-z0-9.+~-]*$/);
  });

  test('names are unique and exactly the files fetch.sh knows how to take from the package', () => {
    assert.equal(new Set(names).size, names.length);
    const declared = /^all_names=\(([^)]*)\)$/m.exec(readFileSync(fetchScript, 'utf8'))?.[1]?.trim().split(/\s+/);
    assert.deepEqual([...names].sort(), [...(declared ?? [])].sort());
  });

  test('with the three cross-built files, the manifest covers every binary of the architecture table', () => {
    const crossBuilt = /^output_of\(\) \{ echo "ipxe-\$1\.efi"; \}$/m.test(readFileSync(join(dir, 'build-cross.sh'), 'utf8'))
      ? ['ipxe-arm64.efi', 'ipxe-i386.efi', 'ipxe-arm32.efi']
      : [];
    const provided = new Set([...names, ...crossBuilt]);
    for (const e of BOOT_ARCHES) assert.ok(provided.has(e.binary), `architecture ${e.arch} (${e.name}) needs ${e.binary}, which nothing provides`);
  });

  test('the README names every file of the architecture table and of the manifest', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const n of new Set([...names, ...BOOT_ARCHES.map((e) => e.binary)])) assert.ok(readme.includes(n), `README.md does not mention ${n}`);
  });

  test('both scripts parse (bash -n)', () => {
    for (const s of ['fetch.sh', 'build-cross.sh']) {
      const r = spawnSync('bash', ['-n', join(dir, s)], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${s}: ${r.stderr}`);
    }
  });
});

describe('fetch.sh --verify (no network)', () => {
  test('an empty directory: exit 3, every missing file named', () => {
    const dest = scratch();
    try {
      const r = runScript(fetchScript, ['--verify', dest]);
      assert.equal(r.status, 3);
      for (const n of names) assert.match(r.stderr, new RegExp(`missing ${dest}/${n.replaceAll('.', '\\.')}`));
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });

  test('a file with other content: exit 1, the message names file, both sums and the package', () => {
    const dest = scratch();
    try {
      for (const n of names) writeFileSync(join(dest, n), `not ${n}\n`);
      const r = runScript(fetchScript, ['--verify', dest]);
      assert.equal(r.status, 1);
      const first = entries[0];
      assert.match(r.stderr, new RegExp(`checksum mismatch: ${dest}/${(first?.name ?? '').replaceAll('.', '\\.')} has sha256 [0-9a-f]{64}, the manifest .* says ${first?.sum}`));
      assert.match(r.stderr, /ipxe 1\.0\.0\+git/);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });

  test('fetch mode refuses to overwrite a mismatching file without --force, before any download', () => {
    const dest = scratch();
    try {
      for (const n of names) writeFileSync(join(dest, n), 'local build\n');
      const r = runScript(fetchScript, [dest]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /not overwriting it; remove it or pass --force/);
      assert.doesNotMatch(r.stderr, /apt-get download/);
      for (const n of names) assert.equal(readFileSync(join(dest, n), 'utf8'), 'local build\n');
      assert.deepEqual(r.tmpLeft, []);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });

  test('a malformed manifest is reported with file and line, exit 2', () => {
    const copy = scratch();
    try {
      copyFileSync(fetchScript, join(copy, 'fetch.sh'));
      writeFileSync(join(copy, 'SHA256SUMS'), '# package: ipxe 1.0\nabc  undionly.kpxe\n');
      const r = runScript(join(copy, 'fetch.sh'), ['--verify', copy]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /SHA256SUMS:2: expected '<sha256>  <name>', found 'abc {2}undionly\.kpxe'/);
      writeFileSync(join(copy, 'SHA256SUMS'), `${'0'.repeat(64)}  undionly.kpxe\n`);
      assert.match(runScript(join(copy, 'fetch.sh'), ['--verify', copy]).stderr, /no '# package: ipxe VERSION' line/);
      writeFileSync(join(copy, 'SHA256SUMS'), `# package: ipxe 1.0\n${'0'.repeat(64)}  grub.efi\n`);
      assert.match(runScript(join(copy, 'fetch.sh'), ['--verify', copy]).stderr, /no known place in the ipxe package for 'grub\.efi'/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test('an unknown option is a usage error (exit 2)', () => {
    assert.equal(runScript(fetchScript, ['--frobnicate']).status, 2);
  });
});

const binMissing = names.every((n) => existsSync(join(binDir, n))) ? undefined : 'firmware/ipxe/bin is not filled; run firmware/ipxe/fetch.sh';

describe('fetch.sh against the fetched binaries', { skip: binMissing }, () => {
  test('--verify firmware/ipxe/bin: exit 0, every file ok', () => {
    const r = runScript(fetchScript, ['--verify', binDir]);
    assert.equal(r.status, 0, r.stderr);
    for (const n of names) assert.match(r.stdout, new RegExp(`^ok +${n.replaceAll('.', '\\.')}$`, 'm'));
  });

  test('fetch mode with every file present and verified does nothing (idempotent, no download)', () => {
    const dest = scratch();
    try {
      for (const n of names) copyFileSync(join(binDir, n), join(dest, n));
      const r = runScript(fetchScript, [dest]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /already verified .*nothing to do/);
      assert.equal(r.stderr, '');
      assert.deepEqual(r.tmpLeft, []);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });

  test('one corrupted byte is caught', () => {
    const dest = scratch();
    try {
      for (const n of names) copyFileSync(join(binDir, n), join(dest, n));
      const victim = join(dest, names[0] ?? '');
      const bytes = readFileSync(victim);
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
      writeFileSync(victim, bytes);
      const r = runScript(fetchScript, ['--verify', dest]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /checksum mismatch/);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });
});
