// Seeded mutations of the fixture configs: the loader either returns or throws ConfigErrors
// with real positions, never anything else (small budget; raise CONFIG_FUZZ_ITERATIONS locally).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigErrors } from '../../../src/app/config/config-error.ts';
import { loadCoredhcpConfig } from '../../../src/app/config/coredhcp-config.ts';

const dir = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));
const texts = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(dir + f, 'utf8'));
const ITERATIONS = Number(process.env['CONFIG_FUZZ_ITERATIONS'] ?? 1500);
const ALPHABET = ' \t\n-:#|>"\'[]{},&*!%/=?x0.\\';

describe('loadCoredhcpConfig under mutation', () => {
  test(`${ITERATIONS} seeded mutations never escape as anything but ConfigErrors`, () => {
    let seed = 20260526;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < ITERATIONS; i++) {
      let t = texts[rnd(texts.length)]!;
      for (let j = 1 + rnd(4); j > 0; j--) {
        const pos = rnd(t.length + 1);
        const ch = ALPHABET[rnd(ALPHABET.length)]!;
        const op = rnd(3);
        t = t.slice(0, pos) + (op === 1 ? '' : ch) + t.slice(op === 0 ? pos : pos + 1);
      }
      try {
        loadCoredhcpConfig(t, 'fuzz.yaml');
      } catch (e) {
        if (!(e instanceof ConfigErrors)) assert.fail(`iteration ${i}: ${String(e)}\n${JSON.stringify(t)}`);
        for (const x of e.errors) assert.ok(x.line >= 1 && x.col >= 1 && x.file === 'fuzz.yaml', String(x));
      }
    }
  });
});
