// The four-layer rule of design.md, checked on the real import graph:
//   wire → codecs → services → app, plus `seams` (interfaces only) usable from anywhere.
// Imports go one way only; sockets and process state stay in the app layer.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

type Layer = 'seams' | 'wire' | 'codec' | 'service' | 'net' | 'app';

export function layerOf(path: string): Layer {
  const p = path.replaceAll('\\', '/');
  if (p.startsWith('src/seams/')) return 'seams';
  if (p.startsWith('src/wire/')) return 'wire';
  if (p.startsWith('src/net/')) return 'net';
  if (p.startsWith('src/app/')) return 'app';
  if (/^src\/(dhcp|dns|tftp)\/service\//.test(p)) return 'service';
  if (p.startsWith('src/smd/') || p.startsWith('src/boot/')) return 'service';
  if (/^src\/dhcp\/v[46]\//.test(p) || /^src\/(dns|tftp)\/[^/]+\.ts$/.test(p)) return 'codec';
  throw new Error(`${path}: not in any layer; place it under a folder of design.md`);
}

// Which of our layers each layer may import.
const mayImport: Record<Layer, readonly Layer[]> = {
  seams: ['seams'],
  wire: ['wire'],
  codec: ['wire', 'codec'],
  service: ['seams', 'wire', 'codec', 'service'],
  net: ['seams', 'wire', 'codec', 'service', 'net'],
  app: ['seams', 'wire', 'codec', 'service', 'net', 'app'],
};

// Node modules that mean I/O a layer must not do itself (house style §5.1).
const socketModules = ['node:dgram', 'node:net', 'node:os', 'node:http', 'node:https', 'node:tls', 'node:child_process', 'raw-socket'];
const forbiddenModules: Record<Layer, readonly string[]> = {
  seams: ['*'],
  wire: ['*'],
  codec: ['*'],
  service: socketModules,
  net: [],
  app: [],
};

export interface Violation {
  file: string;
  problem: string;
}

export function checkFile(file: string, source: string): Violation[] {
  const out: Violation[] = [];
  const from = layerOf(file);
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? '',
  );
  for (const spec of specifiers) {
    if (spec.startsWith('.')) {
      const target = relative(root, resolve(root, dirname(file), spec));
      const to = layerOf(target);
      if (!mayImport[from].includes(to)) out.push({ file, problem: `${from} imports ${to} (${spec})` });
      continue;
    }
    const banned = forbiddenModules[from];
    const allowedInPure = spec === 'node:buffer';
    if (banned.includes('*') ? !allowedInPure : banned.includes(spec)) {
      out.push({ file, problem: `${from} imports ${spec}` });
    }
  }
  // Only the app layer reads the environment and argv or handles signals (smee: "only main decides").
  if (from !== 'app' && /process\.(env|argv)\b|process\.on\(\s*['"]SIG/.test(source)) {
    out.push({ file, problem: `${from} touches process.env/argv/signals` });
  }
  return out;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts')) out.push(relative(root, p));
  }
  return out;
}

describe('layer rule', () => {
  test('every source file sits in a layer and imports only what its layer may', () => {
    const files = walk(join(root, 'src'));
    assert.ok(files.length > 0);
    const violations = files.flatMap((f) => checkFile(f, readFileSync(join(root, f), 'utf8')));
    assert.deepEqual(violations, []);
  });

  const cases: { name: string; file: string; src: string; bad: boolean }[] = [
    { name: 'wire importing a codec', file: 'src/wire/x.ts', src: "import { a } from '../dhcp/v4/view.ts';", bad: true },
    { name: 'codec importing wire', file: 'src/dhcp/v4/x.ts', src: "import { Reader } from '../../wire/reader.ts';", bad: false },
    { name: 'codec importing node:fs', file: 'src/dns/name.ts', src: "import { readFileSync } from 'node:fs';", bad: true },
    { name: 'service importing dgram', file: 'src/smd/x.ts', src: "import dgram from 'node:dgram';", bad: true },
    { name: 'service importing the app layer', file: 'src/boot/x.ts', src: "import { log } from '../app/log.ts';", bad: true },
    { name: 'service importing seams', file: 'src/boot/x.ts', src: "import type { Logger } from '../seams/logger.ts';", bad: false },
    { name: 'service reading process.env', file: 'src/smd/x.ts', src: 'const t = process.env.TOKEN;', bad: true },
    { name: 'net importing app', file: 'src/net/x.ts', src: "export { a } from '../app/main.ts';", bad: true },
    { name: 'app importing anything', file: 'src/app/x.ts', src: "import dgram from 'node:dgram';\nimport { a } from '../net/udp.ts';", bad: false },
    { name: 'dynamic import across layers', file: 'src/wire/x.ts', src: "const m = await import('../smd/snapshot.ts');", bad: true },
  ];
  for (const c of cases) {
    test(`checker flags ${c.name}: ${c.bad}`, () => {
      assert.equal(checkFile(c.file, c.src).length > 0, c.bad);
    });
  }

  test('a file outside every layer is reported', () => {
    assert.throws(() => layerOf('src/misc/x.ts'), /not in any layer/);
  });
});
