// runtime-paths.ts in the checkout form (tsx). The bundled forms are exercised by
// test/integration/dist-build.test.ts, which builds them and runs the single executable.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoInventory, embeddedFirmware, firmwareDirectory, loadAddon, loadEmbeddedAddon, packageVersion, runtimeForm } from '../../src/app/runtime-paths.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const addon = join(root, 'node_modules', 'raw-socket', 'build', 'Release', 'raw.node');

describe('runtime-paths in a checkout', () => {
  test('knows it runs from the checkout', () => {
    assert.equal(runtimeForm(), 'checkout');
  });

  test("reads the version from the checkout's package.json", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(packageVersion(), pkg.version);
  });

  test("serves the checkout's firmware/ipxe/bin and embeds nothing", () => {
    assert.equal(firmwareDirectory(), join(root, 'firmware', 'ipxe', 'bin'));
    assert.equal(embeddedFirmware().size, 0);
  });

  test("the demo inventory is examples/inventory.json", () => {
    const d = demoInventory();
    assert.equal(d.name, join(root, 'examples', 'inventory.json'));
    assert.equal(d.text, readFileSync(d.name, 'utf8'));
  });

  test('an embedded addon exists only in the single executable', () => {
    assert.throws(() => loadEmbeddedAddon('raw-socket/raw.node'), /embedded only in the single executable/);
  });
});

describe('loadAddon: a native addon from its bytes', () => {
  test('opens it with process.dlopen from a private temporary file and deletes the file', { skip: existsSync(addon) ? false : 'raw-socket is not built here' }, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'coresmd-addon-test-'));
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = tmp;
    try {
      const exports = loadAddon(readFileSync(addon), 'raw.node') as { SocketWrap?: unknown; SocketOption?: Record<string, number> };
      assert.equal(typeof exports.SocketWrap, 'function');
      assert.equal(typeof exports.SocketOption?.['SO_BINDTODEVICE'], 'number');
      assert.deepEqual(readdirSync(tmp), [], 'the temporary directory is removed once the addon is loaded');
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('bytes that are not a shared object fail, and leave nothing behind', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'coresmd-addon-test-'));
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = tmp;
    try {
      assert.throws(() => loadAddon(new TextEncoder().encode('not an ELF file'), 'bad.node'));
      assert.deepEqual(readdirSync(tmp), []);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
