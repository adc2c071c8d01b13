// Readiness (spec coresmd-dns §2.7, §1.9), computed per request and never latched.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReadiness, readyMaxAgeFor, READY_MAX_AGE_MS } from '../../../src/app/dns/readiness.ts';
import type { InventoryStatus } from '../../../src/smd/inventory.ts';

const NOW = Date.UTC(2025, 2, 4, 18, 0, 0);
const clock = { now: () => NOW };

function source(lastSuccessAt: number | undefined) {
  const status: InventoryStatus = {
    lastSuccessAt,
    lastAttemptAt: undefined,
    lastError: undefined,
    lastDurationMs: undefined,
    consecutiveFailures: 0,
    snapshotSource: undefined,
    ageMs: () => undefined,
  };
  return { plugin: 'coresmd', inventory: { status: () => status }, maxAgeMs: READY_MAX_AGE_MS };
}

describe('readiness: the spec §2.7 table', () => {
  const cases: readonly [state: string, last: number | undefined, ready: boolean][] = [
    ['no successful refresh yet (cache nil / LastUpdated zero)', undefined, false],
    ['LastUpdated = now', NOW, true],
    ['LastUpdated = now − 5 min (the limit itself)', NOW - 5 * 60_000, true],
    ['LastUpdated = now − 5 min − 1 ms', NOW - 5 * 60_000 - 1, false],
    ['LastUpdated = now − 10 min', NOW - 10 * 60_000, false],
  ];
  for (const [state, last, ready] of cases) {
    test(`${state}: ${ready ? 'ready' : 'not ready'}`, () => {
      assert.deepEqual(checkReadiness([source(last)], clock), { ready, notReady: ready ? [] : ['coresmd'] });
    });
  }
  test('no plugin that reports readiness: ready', () => assert.deepEqual(checkReadiness([], clock), { ready: true, notReady: [] }));
  test('two coresmd blocks, one stale: coresmd listed once', () => {
    assert.deepEqual(checkReadiness([source(NOW), source(undefined), source(undefined)], clock).notReady, ['coresmd']);
  });
  test('the limit grows with a long cache_duration so readiness does not flap', () => {
    assert.equal(readyMaxAgeFor(30_000), READY_MAX_AGE_MS);
    assert.equal(readyMaxAgeFor(10 * 60_000), 30 * 60_000);
  });
});
