import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmdError } from '../../src/smd/errors.ts';
import { createInventory } from '../../src/smd/inventory.ts';
import type { Snapshot } from '../../src/smd/snapshot.ts';
import type { InventorySource, RawInventory } from '../../src/smd/types.ts';
import { CaptureLogger } from './support/capture-logger.ts';
import { loadExample } from './support/example.ts';
import { FakeClock, settle } from './support/fake-clock.ts';

const EXAMPLE = loadExample();
const INTERVAL = 30_000;

/** A source whose answers the test scripts: each fetch takes the next queued step. */
class ScriptedSource implements InventorySource {
  readonly kind = 'smd' as const;
  calls = 0;
  #steps: (() => Promise<RawInventory>)[] = [];
  #fallback: () => Promise<RawInventory>;

  constructor(fallback: () => Promise<RawInventory> = async () => EXAMPLE) {
    this.#fallback = fallback;
  }

  describe(): string {
    return 'https://smd.test';
  }

  queue(...steps: (() => Promise<RawInventory>)[]): void {
    this.#steps.push(...steps);
  }

  fetch(): Promise<RawInventory> {
    this.calls++;
    return (this.#steps.shift() ?? this.#fallback)();
  }
}

const down = () => Promise.reject(new SmdError('ERR_HTTP_CONNECT', 'GET https://smd.test/hsm/v2/State/Components: connect ECONNREFUSED'));
const status500 = () => Promise.reject(new SmdError('ERR_SMD_STATUS', 'HTTP 500', { status: 500 }));

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('inventory refresher', () => {
  test('start loads a first snapshot, reports it and logs it once at info', async () => {
    const clock = new FakeClock();
    const log = new CaptureLogger();
    const inv = createInventory({ source: new ScriptedSource(), clock, logger: log, refreshIntervalMs: INTERVAL });
    await inv.start();
    const snap = inv.current();
    assert.equal(snap?.stats.interfaces, 13);
    assert.equal(snap?.source, 'https://smd.test');
    const st = inv.status();
    assert.equal(st.snapshotSource, 'smd');
    assert.equal(st.lastSuccessAt, clock.now());
    assert.equal(st.lastAttemptAt, clock.now());
    assert.equal(st.lastError, undefined);
    assert.equal(st.consecutiveFailures, 0);
    assert.equal(st.ageMs(clock.now() + 5000), 5000);
    assert.deepEqual(log.at('info').map((l) => l.msg), ['inventory loaded']);
    assert.equal(log.at('info')[0]?.fields['component'], 'inventory');
    await inv.stop();
  });

  test('polls every refreshIntervalMs through the clock and swaps in each new snapshot', async () => {
    const clock = new FakeClock();
    const src = new ScriptedSource();
    const inv = createInventory({ source: src, clock, logger: new CaptureLogger(), refreshIntervalMs: INTERVAL });
    await inv.start();
    const first = inv.current();
    clock.advance(INTERVAL - 1);
    await settle();
    assert.equal(src.calls, 1);
    clock.advance(1);
    await settle();
    assert.equal(src.calls, 2);
    assert.notEqual(inv.current(), first);
    clock.advance(INTERVAL);
    await settle();
    assert.equal(src.calls, 3);
    await inv.stop();
  });

  test('never overlaps refreshes: a slow one delays the schedule instead of stacking requests', async () => {
    const clock = new FakeClock();
    const src = new ScriptedSource();
    const inv = createInventory({ source: src, clock, logger: new CaptureLogger(), refreshIntervalMs: INTERVAL });
    await inv.start();
    const slow = deferred<RawInventory>();
    src.queue(() => slow.promise);
    clock.advance(INTERVAL);
    await settle();
    assert.equal(src.calls, 2);
    assert.equal(clock.pending(), 0, 'no timer runs while a refresh is in flight');
    clock.advance(INTERVAL * 5);
    await settle();
    assert.equal(src.calls, 2);
    // A manual refresh joins the one in flight.
    const joined = inv.refreshNow();
    assert.equal(src.calls, 2);
    slow.resolve(EXAMPLE);
    assert.equal((await joined).ok, true);
    await settle();
    assert.equal(clock.pending(), 1, 'the next refresh is scheduled once this one finished');
    clock.advance(INTERVAL);
    await settle();
    assert.equal(src.calls, 3);
    await inv.stop();
  });

  test('keeps serving the last good snapshot through failures; logs the streak once and the recovery once', async () => {
    const clock = new FakeClock();
    const src = new ScriptedSource();
    const log = new CaptureLogger();
    const inv = createInventory({ source: src, clock, logger: log, refreshIntervalMs: INTERVAL });
    await inv.start();
    const good = inv.current();
    const goodAt = clock.now();
    src.queue(status500, status500, down);
    for (let i = 0; i < 3; i++) {
      clock.advance(INTERVAL);
      await settle();
    }
    assert.equal(inv.current(), good);
    const st = inv.status();
    assert.equal(st.consecutiveFailures, 3);
    assert.deepEqual(st.lastError, { code: 'ERR_HTTP_CONNECT', message: 'GET https://smd.test/hsm/v2/State/Components: connect ECONNREFUSED' });
    assert.equal(st.lastSuccessAt, goodAt);
    assert.equal(st.lastAttemptAt, clock.now());
    assert.equal(st.ageMs(clock.now()), 3 * INTERVAL);
    const errors = log.at('error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.msg, 'inventory refresh failed; serving the last good snapshot');
    assert.equal(errors[0]?.fields['code'], 'ERR_SMD_STATUS');
    assert.equal(log.lines.filter((l) => l.msg === 'inventory refresh still failing' && l.level === 'debug').length, 2);

    clock.advance(INTERVAL);
    await settle();
    assert.notEqual(inv.current(), good);
    assert.equal(inv.status().consecutiveFailures, 0);
    assert.equal(inv.status().lastError, undefined);
    const recovered = log.lines.filter((l) => l.msg === 'inventory refresh recovered');
    assert.equal(recovered.length, 1);
    assert.equal(recovered[0]?.level, 'info');
    assert.equal(recovered[0]?.fields['failures'], 3);
    await inv.stop();
  });

  test('SMD down at start is not fatal: start resolves, nothing is served, polling goes on', async () => {
    const clock = new FakeClock();
    const src = new ScriptedSource();
    src.queue(down);
    const log = new CaptureLogger();
    const inv = createInventory({ source: src, clock, logger: log, refreshIntervalMs: INTERVAL });
    await inv.start();
    assert.equal(inv.current(), undefined);
    assert.equal(inv.status().snapshotSource, undefined);
    assert.equal(inv.status().ageMs(clock.now()), undefined);
    assert.equal(log.at('error')[0]?.msg, 'inventory refresh failed; no inventory to serve yet');
    clock.advance(INTERVAL);
    await settle();
    assert.equal(inv.current()?.stats.interfaces, 13);
    await inv.stop();
  });

  test('refreshNow reports the outcome', async () => {
    const src = new ScriptedSource();
    src.queue(status500);
    const inv = createInventory({ source: src, clock: new FakeClock(), logger: new CaptureLogger(), refreshIntervalMs: INTERVAL });
    const bad = await inv.refreshNow();
    assert.equal(bad.ok, false);
    assert.equal(!bad.ok && bad.error.code, 'ERR_SMD_STATUS');
    const good = await inv.refreshNow();
    assert.equal(good.ok && good.snapshot, inv.current());
  });

  test('stop cancels the schedule', async () => {
    const clock = new FakeClock();
    const src = new ScriptedSource();
    const inv = createInventory({ source: src, clock, logger: new CaptureLogger(), refreshIntervalMs: INTERVAL });
    await inv.start();
    await inv.stop();
    clock.advance(INTERVAL * 3);
    await settle();
    assert.equal(src.calls, 1);
    assert.equal(clock.pending(), 0);
  });

  test('onSwap listeners see next and previous; a throwing listener is logged and does not stop the swap', async () => {
    const log = new CaptureLogger();
    const inv = createInventory({ source: new ScriptedSource(), clock: new FakeClock(), logger: log, refreshIntervalMs: INTERVAL });
    const seen: [Snapshot, Snapshot | undefined][] = [];
    inv.onSwap(() => {
      throw new Error('boom');
    });
    const off = inv.onSwap((next, prev) => seen.push([next, prev]));
    await inv.refreshNow();
    const first = inv.current();
    await inv.refreshNow();
    off();
    await inv.refreshNow();
    assert.equal(seen.length, 2);
    assert.equal(seen[0]?.[1], undefined);
    assert.equal(seen[1]?.[1], first);
    assert.equal(log.at('error').filter((l) => l.msg === 'inventory swap listener threw').length, 3);
  });

  test('warns about skipped SMD entries only when the counts change', async () => {
    const dirty: RawInventory = {
      interfaces: [...EXAMPLE.interfaces, { MACAddress: 'not-a-mac', ComponentID: '', IPAddresses: [] }],
      components: EXAMPLE.components,
    };
    const src = new ScriptedSource(async () => dirty);
    const log = new CaptureLogger();
    const inv = createInventory({ source: src, clock: new FakeClock(), logger: log, refreshIntervalMs: INTERVAL });
    await inv.refreshNow();
    await inv.refreshNow();
    const warns = log.at('warn');
    assert.equal(warns.length, 1);
    assert.equal(warns[0]?.fields['invalidMacs'], 1);
  });

  test('rejects a non-positive interval at construction', () => {
    assert.throws(
      () => createInventory({ source: new ScriptedSource(), clock: new FakeClock(), logger: new CaptureLogger(), refreshIntervalMs: 0 }),
      RangeError,
    );
  });
});

describe('inventory cache_file', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coresmd-cache-'));
    file = join(dir, 'inventory-cache.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('persists each good refresh in the versioned document format, with no .tmp left behind', async () => {
    const clock = new FakeClock();
    const inv = createInventory({ source: new ScriptedSource(), clock, logger: new CaptureLogger(), refreshIntervalMs: INTERVAL, cacheFile: file });
    await inv.start();
    await inv.stop();
    const doc = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    assert.equal(doc['version'], 1);
    assert.equal(doc['fetchedAt'], clock.now());
    assert.equal(doc['source'], 'https://smd.test');
    assert.deepEqual(doc['EthernetInterfaces'], EXAMPLE.interfaces);
    assert.deepEqual(doc['Components'], EXAMPLE.components);
    await assert.rejects(readFile(`${file}.tmp`), { code: 'ENOENT' });
  });

  test('a restart while SMD is down serves the cached snapshot, aged from its fetchedAt', async () => {
    const clock = new FakeClock();
    const first = createInventory({ source: new ScriptedSource(), clock, logger: new CaptureLogger(), refreshIntervalMs: INTERVAL, cacheFile: file });
    await first.start();
    await first.stop();
    const fetchedAt = clock.now();

    clock.advance(3_600_000);
    const log = new CaptureLogger();
    const src = new ScriptedSource(down);
    const second = createInventory({ source: src, clock, logger: log, refreshIntervalMs: INTERVAL, cacheFile: file });
    await second.start();
    const snap = second.current();
    assert.equal(snap?.stats.interfaces, 13);
    assert.equal(snap?.byMac('52:54:00:be:ef:01')?.componentId, 'x1000c0s0b0n0');
    assert.equal(snap?.fetchedAt, fetchedAt);
    const st = second.status();
    assert.equal(st.snapshotSource, 'cache_file');
    assert.equal(st.lastSuccessAt, undefined);
    assert.equal(st.consecutiveFailures, 1);
    assert.equal(st.ageMs(clock.now()), 3_600_000);
    assert.equal(log.at('info')[0]?.msg, 'inventory loaded from cache_file');
    assert.equal(log.at('error')[0]?.msg, 'inventory refresh failed; serving the last good snapshot');
    await second.stop();
  });

  test('SMD data replaces the cached snapshot as soon as a refresh succeeds', async () => {
    const clock = new FakeClock();
    const first = createInventory({ source: new ScriptedSource(), clock, logger: new CaptureLogger(), refreshIntervalMs: INTERVAL, cacheFile: file });
    await first.refreshNow();
    clock.advance(1000);
    const second = createInventory({ source: new ScriptedSource(), clock, logger: new CaptureLogger(), refreshIntervalMs: INTERVAL, cacheFile: file });
    await second.start();
    assert.equal(second.status().snapshotSource, 'smd');
    assert.equal(second.current()?.fetchedAt, clock.now());
    await second.stop();
  });

  const corrupt: [name: string, content: (good: string) => string][] = [
    ['truncated', (good) => good.slice(0, Math.floor(good.length / 2))],
    ['not JSON at all', () => '\u0000\u0001garbage'],
    ['the wrong version', (good) => good.replace('"version":1', '"version":2')],
    ['a bad entry', (good) => good.replace('"NID":1', '"NID":"1"')],
    ['empty', () => ''],
  ];
  for (const [name, mutate] of corrupt) {
    test(`a ${name} cache file is logged and ignored, never fatal`, async () => {
      const seed = createInventory({ source: new ScriptedSource(), clock: new FakeClock(), logger: new CaptureLogger(), refreshIntervalMs: INTERVAL, cacheFile: file });
      await seed.refreshNow();
      await writeFile(file, mutate(await readFile(file, 'utf8')));
      const log = new CaptureLogger();
      const inv = createInventory({ source: new ScriptedSource(down), clock: new FakeClock(), logger: log, refreshIntervalMs: INTERVAL, cacheFile: file });
      await inv.start();
      assert.equal(inv.current(), undefined);
      const warn = log.at('warn').find((l) => l.msg === 'ignoring unusable cache_file');
      assert.ok(warn);
      assert.match(String(warn.fields['code']), /^ERR_SMD_(JSON|SHAPE)$/);
      await inv.stop();
    });
  }

  test('a leftover .tmp from an interrupted write is ignored and later overwritten', async () => {
    const seed = createInventory({ source: new ScriptedSource(), clock: new FakeClock(), logger: new CaptureLogger(), refreshIntervalMs: INTERVAL, cacheFile: file });
    await seed.refreshNow();
    await writeFile(`${file}.tmp`, '{"version":1,"fetchedAt":1,"source":"x","EthernetInterfaces":[');
    const inv = createInventory({ source: new ScriptedSource(down), clock: new FakeClock(), logger: new CaptureLogger(), refreshIntervalMs: INTERVAL, cacheFile: file });
    await inv.start();
    assert.equal(inv.status().snapshotSource, 'cache_file');
    assert.equal(inv.current()?.stats.interfaces, 13);
    await inv.stop();
    const fresh = createInventory({ source: new ScriptedSource(), clock: new FakeClock(), logger: new CaptureLogger(), refreshIntervalMs: INTERVAL, cacheFile: file });
    await fresh.refreshNow();
    await assert.rejects(readFile(`${file}.tmp`), { code: 'ENOENT' });
  });

  test('a missing cache file is normal at first start (info, not a warning)', async () => {
    const log = new CaptureLogger();
    const inv = createInventory({ source: new ScriptedSource(down), clock: new FakeClock(), logger: log, refreshIntervalMs: INTERVAL, cacheFile: file });
    await inv.start();
    assert.ok(log.at('info').some((l) => l.msg === 'no cache_file yet'));
    assert.equal(log.at('warn').length, 0);
    await inv.stop();
  });

  test('a cache write failure is a warning; the refresh still succeeds', async () => {
    const log = new CaptureLogger();
    const inv = createInventory({
      source: new ScriptedSource(),
      clock: new FakeClock(),
      logger: log,
      refreshIntervalMs: INTERVAL,
      cacheFile: join(dir, 'missing-dir', 'cache.json'),
    });
    const outcome = await inv.refreshNow();
    assert.equal(outcome.ok, true);
    assert.equal(log.at('warn')[0]?.msg, 'cannot write cache_file');
  });
});
