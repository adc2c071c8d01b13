#!/usr/bin/env node
// Runs the node:test suites through tsx with an explicit file list.
// Node 20's `--test` only discovers .js files and does not expand globs, so `tsx --test test/`
// runs nothing and still exits 0; this script walks the tree itself and fails on zero files.
//
//   node scripts/test.mjs                      every test/**/*.test.ts
//   node scripts/test.mjs test/wire            only that folder (files work too)
//   node scripts/test.mjs --only=fuzz          only files whose path contains "fuzz"
//   node scripts/test.mjs -- --test-name-pattern=reader   extra flags go to node --test
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const dash = args.indexOf('--');
const own = dash === -1 ? args : args.slice(0, dash);
const only = own.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const targets = own.filter((a) => !a.startsWith('--'));
const passThrough = dash === -1 ? own.filter((a) => a.startsWith('--') && !a.startsWith('--only=')) : args.slice(dash + 1);

function walk(path, out) {
  const st = statSync(path);
  if (st.isFile()) {
    if (path.endsWith('.test.ts')) out.push(path);
    return out;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    walk(join(path, name), out);
  }
  return out;
}

let files = [];
for (const t of targets.length > 0 ? targets : ['test']) walk(join(root, t), files);
if (only !== undefined) files = files.filter((f) => relative(root, f).includes(only));
if (files.length === 0) {
  console.error(`test.mjs: no *.test.ts files under ${targets.join(', ') || 'test'}${only === undefined ? '' : ` matching '${only}'`}`);
  process.exit(1);
}
console.log(`test.mjs: ${files.length} test files`);
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', ...passThrough, ...files.map((f) => relative(root, f))],
  { cwd: root, stdio: 'inherit' },
);
process.exit(res.status ?? 1);
