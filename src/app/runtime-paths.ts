// Where the running program finds its own files. It ships in three forms (README "Install"):
//
//   checkout  bin/coresmd runs src/ through tsx: package.json, firmware/ipxe/bin and
//             examples/ are found relative to this file in the tree.
//   mjs       dist/coresmd.mjs, one ES module for a host that has Node. The version and the demo
//             inventory are built in; firmware/ipxe/bin is looked for beside dist/, so a bundle
//             run from a checkout serves the checkout's firmware and one copied elsewhere serves
//             tftp_dir only.
//   sea       dist/coresmd, the single executable (a Node binary with the bundle injected). The
//             iPXE binaries and the raw-socket addon are node:sea assets: the firmware is served
//             from memory (embeddedFirmware), the addon is written to a private temporary file,
//             opened with process.dlopen and deleted again (loadEmbeddedAddon).
//
// scripts/build.mjs tells the bundles apart with an esbuild `define`: it replaces the identifier
// CORESMD_BUILD with an object literal. In a checkout the identifier does not exist.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sea from 'node:sea';

export interface BuildInfo {
  /** Which bundle this is. */
  readonly form: 'mjs' | 'sea';
  /** package.json's version at build time. */
  readonly version: string;
  /** examples/inventory.json as text, for `coresmd demo`. */
  readonly demoInventory: string;
  /** sea: names of the iPXE binaries embedded as assets `firmware/<name>`. */
  readonly firmware: readonly string[];
}

declare const CORESMD_BUILD: BuildInfo;

const build: BuildInfo | undefined = typeof CORESMD_BUILD === 'undefined' ? undefined : CORESMD_BUILD;

export type RuntimeForm = 'checkout' | 'mjs' | 'sea';

/** Which of the three forms is running. The SEA's bundle run by a plain `node` counts as mjs. */
export function runtimeForm(): RuntimeForm {
  if (build === undefined) return 'checkout';
  return build.form === 'sea' && sea.isSea() ? 'sea' : 'mjs';
}

/** An asset of the single executable, viewed in place (@types/node 20 types it string | ArrayBuffer). */
function rawAsset(key: string): Uint8Array {
  const bytes = sea.getRawAsset(key);
  return typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes);
}

/** A path relative to the checkout's top (from this file) or to dist/'s parent (from a bundle). */
function besideTheCode(relative: string): string {
  return fileURLToPath(new URL(`${build === undefined ? '../../' : '../'}${relative}`, import.meta.url));
}

/** The version `coresmd --version` prints: package.json's, read at build time by the bundles. */
export function packageVersion(): string {
  if (build !== undefined) return build.version;
  const pkg = JSON.parse(readFileSync(besideTheCode('package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/**
 * The directory of iPXE binaries served when tftp_dir does not exist (firmware/ipxe/README.md):
 * firmware/ipxe/bin of the checkout. null in the single executable, which embeds them.
 */
export function firmwareDirectory(): string | null {
  return runtimeForm() === 'sea' ? null : besideTheCode('firmware/ipxe/bin');
}

/**
 * The iPXE binaries embedded in the single executable, by file name, as views of the executable's
 * own mapped bytes (node:sea getRawAsset: no copy). Empty in the other forms.
 */
export function embeddedFirmware(): ReadonlyMap<string, Uint8Array> {
  if (build === undefined || runtimeForm() !== 'sea') return new Map();
  return new Map(build.firmware.map((name) => [name, rawAsset(`firmware/${name}`)]));
}

/** examples/inventory.json, the demo's inventory: `name` is what errors cite. */
export function demoInventory(): { readonly name: string; readonly text: string } {
  if (build !== undefined) return { name: 'examples/inventory.json (built in)', text: build.demoInventory };
  const name = besideTheCode('examples/inventory.json');
  return { name, text: readFileSync(name, 'utf8') };
}

/**
 * Opens a native addon from its bytes: writes them to a file in a fresh private directory of the
 * temporary directory (mkdtemp: mode 0700; $TMPDIR when set, which must allow executables),
 * process.dlopen()s it and removes the directory again. The loaded library stays mapped, so
 * nothing is left on disk while the program runs, and a crash leaves nothing behind.
 */
export function loadAddon(bytes: Uint8Array, fileName: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'coresmd-addon-'));
  try {
    const file = join(dir, fileName);
    writeFileSync(file, bytes, { mode: 0o500, flag: 'wx' });
    const module = { exports: {} as unknown };
    process.dlopen(module, file);
    return module.exports;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The single executable's addon `asset` (scripts/build.mjs maps raw-socket's
 * `require('./build/Release/raw.node')` to this). Throws outside the single executable, as a
 * missing addon would.
 */
export function loadEmbeddedAddon(asset: string): unknown {
  if (runtimeForm() !== 'sea') throw new Error(`${asset} is embedded only in the single executable`);
  return loadAddon(rawAsset(asset), asset.slice(asset.lastIndexOf('/') + 1));
}
