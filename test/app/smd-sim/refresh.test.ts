// The real client (src/net/http-client.ts + src/smd/client.ts) and refresher against the SMD
// test double on 127.0.0.1: success, every failure mode, recovery, auth, base paths and TLS.

import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/seams/clock.ts';
import { nullLogger } from '../../../src/seams/logger.ts';
import { httpGet } from '../../../src/net/http-client.ts';
import { createSmdSource } from '../../../src/smd/client.ts';
import { SmdError } from '../../../src/smd/errors.ts';
import { createInventory } from '../../../src/smd/inventory.ts';
import type { InventorySource } from '../../../src/smd/types.ts';
import { startSmdSim } from '../../../src/app/smd-sim/server.ts';
import type { SmdSim } from '../../../src/app/smd-sim/server.ts';
import { CaptureLogger } from '../../smd/support/capture-logger.ts';
import { loadExample } from '../../smd/support/example.ts';

const EI = '/hsm/v2/Inventory/EthernetInterfaces';
const SC = '/hsm/v2/State/Components';

function source(sim: SmdSim, extra: { timeoutMs?: number; token?: () => string | undefined; ca?: Buffer } = {}): InventorySource {
  return createSmdSource({ baseUrl: sim.url, timeoutMs: extra.timeoutMs ?? 2000, httpGet, ...extra });
}

async function fetchError(src: InventorySource): Promise<SmdError> {
  const err = await src.fetch().then(
    () => assert.fail('expected the fetch to fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SmdError, String(err));
  return err;
}

describe('SMD client against smd-sim', () => {
  let sim: SmdSim;
  beforeEach(async () => {
    sim = await startSmdSim({ inventory: loadExample(), host: '127.0.0.1', port: 0, logger: nullLogger });
  });
  afterEach(async () => {
    await sim.close();
  });

  test('fetches the whole inventory', async () => {
    const raw = await source(sim).fetch();
    assert.deepEqual(raw, loadExample());
    assert.equal(sim.lastGetHeaders(EI)?.['accept'], 'application/json');
    assert.equal(sim.lastGetHeaders(SC)?.['authorization'], undefined);
  });

  test('sends the bearer token on both GETs', async () => {
    await source(sim, { token: () => 'eyJhbGciOi.test.token' }).fetch();
    assert.equal(sim.lastGetHeaders(EI)?.['authorization'], 'Bearer eyJhbGciOi.test.token');
    assert.equal(sim.lastGetHeaders(SC)?.['authorization'], 'Bearer eyJhbGciOi.test.token');
  });

  test('a 500 problem on Components only is an error, never an empty inventory', async () => {
    sim.faults.set({ mode: 'status500', paths: [SC] });
    const err = await fetchError(source(sim));
    assert.equal(err.code, 'ERR_SMD_STATUS');
    assert.equal(err.status, 500);
    assert.equal(err.detail, 'failed to query DB.');
    assert.equal(err.url, `${sim.url}${SC}`);
  });

  test('an answer slower than the timeout fails with ERR_HTTP_TIMEOUT, on time', async () => {
    sim.faults.set({ mode: 'slow', delayMs: 5000 });
    const t0 = performance.now();
    const err = await fetchError(source(sim, { timeoutMs: 150 }));
    assert.equal(err.code, 'ERR_HTTP_TIMEOUT');
    assert.ok(performance.now() - t0 < 2000);
  });

  test('a truncated body fails with ERR_SMD_JSON', async () => {
    sim.faults.set({ mode: 'malformed', paths: [EI] });
    assert.equal((await fetchError(source(sim))).code, 'ERR_SMD_JSON');
  });

  test('a reset connection fails with ERR_HTTP_RESET', async () => {
    sim.faults.set({ mode: 'reset', paths: [SC] });
    assert.equal((await fetchError(source(sim))).code, 'ERR_HTTP_RESET');
  });

  test('nothing listening fails with ERR_HTTP_CONNECT', async () => {
    const src = source(sim);
    await sim.close();
    assert.equal((await fetchError(src)).code, 'ERR_HTTP_CONNECT');
    sim = await startSmdSim({ host: '127.0.0.1', port: 0, logger: nullLogger });
  });

  test('a body over maxBytes fails with ERR_HTTP_TOO_LARGE', async () => {
    await assert.rejects(httpGet(`${sim.url}${EI}`, { timeoutMs: 2000, maxBytes: 100 }), { code: 'ERR_HTTP_TOO_LARGE' });
  });

  test('httpGet rejects URLs it cannot fetch', async () => {
    await assert.rejects(httpGet('ftp://127.0.0.1/x', { timeoutMs: 100 }), { code: 'ERR_HTTP_URL' });
    await assert.rejects(httpGet('not a url', { timeoutMs: 100 }), { code: 'ERR_HTTP_URL' });
  });
});

describe('refresher against smd-sim', () => {
  let sim: SmdSim;
  beforeEach(async () => {
    sim = await startSmdSim({ inventory: loadExample(), host: '127.0.0.1', port: 0, logger: nullLogger });
  });
  afterEach(async () => {
    await sim.close();
  });

  test('through an outage: last good snapshot serves, status shows the error, the streak is logged once, recovery once', async () => {
    const log = new CaptureLogger();
    const inv = createInventory({ source: source(sim), clock: systemClock, logger: log, refreshIntervalMs: 60_000 });
    assert.equal((await inv.refreshNow()).ok, true);
    const good = inv.current();

    sim.faults.set({ mode: 'status500' });
    for (let i = 0; i < 3; i++) assert.equal((await inv.refreshNow()).ok, false);
    assert.equal(inv.current(), good);
    const st = inv.status();
    assert.equal(st.consecutiveFailures, 3);
    assert.equal(st.lastError?.code, 'ERR_SMD_STATUS');
    assert.match(st.lastError?.message ?? '', /HTTP 500 Internal Server Error: failed to query DB\./);
    assert.equal(log.at('error').length, 1);
    assert.equal(log.at('debug').filter((l) => l.msg === 'inventory refresh still failing').length, 2);

    sim.faults.clear();
    assert.equal((await inv.refreshNow()).ok, true);
    assert.notEqual(inv.current(), good);
    assert.equal(inv.current()?.stats.components, 12);
    const recovered = log.at('info').filter((l) => l.msg === 'inventory refresh recovered');
    assert.deepEqual(recovered.map((l) => l.fields['failures']), [3]);
  });

  test('a Components-only 500 keeps every component being served', async () => {
    const inv = createInventory({ source: source(sim), clock: systemClock, logger: nullLogger, refreshIntervalMs: 60_000 });
    await inv.refreshNow();
    sim.faults.set({ mode: 'status500', paths: [SC], times: 1 });
    const outcome = await inv.refreshNow();
    assert.equal(outcome.ok, false);
    assert.equal(inv.current()?.stats.components, 12);
    assert.equal(inv.current()?.byMac('52:54:00:be:ef:01')?.nid, 1);
  });

  test('changes made through the SMD API appear at the next refresh', async () => {
    const inv = createInventory({ source: source(sim), clock: systemClock, logger: nullLogger, refreshIntervalMs: 60_000 });
    await inv.refreshNow();
    const post = await fetch(`${sim.url}${EI}`, {
      method: 'POST',
      body: JSON.stringify({ MACAddress: '52:54:00:BE:EF:07', ComponentID: 'x1000c0s1b0n0', IPAddresses: [{ IPAddress: '172.16.0.7' }] }),
    });
    assert.equal(post.status, 201);
    assert.equal(inv.current()?.byMac('52:54:00:be:ef:07'), undefined, 'not before a refresh');
    await inv.refreshNow();
    assert.equal(inv.current()?.byMac('52:54:00:be:ef:07')?.componentId, 'x1000c0s1b0n0');
    assert.deepEqual(inv.current()?.byXname('x1000c0s1b0n0')?.interfaces.map((i) => i.mac), ['52:54:00:be:ef:06', '52:54:00:be:ef:07']);

    const patch = await fetch(`${sim.url}${SC}/x1000c0s1b0n0/NID`, { method: 'PATCH', body: '{"NID":6}' });
    assert.equal(patch.status, 204);
    await inv.refreshNow();
    assert.equal(inv.current()?.byMac('52:54:00:be:ef:06')?.nid, 6);
    assert.deepEqual(inv.current()?.byNid(6).map((c) => c.id), ['x1000c0s1b0n0']);

    assert.equal((await fetch(`${sim.url}${EI}/525400beef07`, { method: 'DELETE' })).status, 200);
    await inv.refreshNow();
    assert.equal(inv.current()?.byMac('52:54:00:be:ef:07'), undefined);
  });
});

describe('base path join against smd-sim', () => {
  let sim: SmdSim;
  before(async () => {
    sim = await startSmdSim({ inventory: loadExample(), host: '127.0.0.1', port: 0, logger: nullLogger, basePath: '/apis/smd' });
  });
  after(async () => {
    await sim.close();
  });

  for (const suffix of ['', '/']) {
    test(`a base URL with a path${suffix === '/' ? ' and a trailing slash' : ''} keeps the path`, async () => {
      const src = createSmdSource({ baseUrl: `${sim.url}${suffix}`, timeoutMs: 2000, httpGet });
      assert.equal((await src.fetch()).interfaces.length, 13);
      assert.ok(sim.lastGetHeaders(EI));
    });
  }
});

//------------ HTTPS with a private CA ------------------------------------------------

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A throwaway CA and a server certificate for 127.0.0.1 signed by it. */
function makePki(dir: string, name: string): { ca: Buffer; key: Buffer; cert: Buffer } {
  const p = (f: string) => join(dir, `${name}-${f}`);
  const ossl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ossl('req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', `/CN=coresmd test CA ${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  ossl('req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(p('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  ossl('x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial',
    '-out', p('server.pem'), '-days', '2', '-extfile', p('ext.cnf'));
  return { ca: readFileSync(p('ca.pem')), key: readFileSync(p('server.key')), cert: readFileSync(p('server.pem')) };
}

const opensslMissing = hasOpenssl() ? false : 'openssl is not installed: cannot make a throwaway CA (apt-get install openssl)';

describe('HTTPS with a CA file (spec coresmd-dns §5.18)', { skip: opensslMissing }, () => {
  let dir: string;
  let sim: SmdSim;
  let pki: { ca: Buffer; key: Buffer; cert: Buffer };
  let otherCa: Buffer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coresmd-pki-'));
    pki = makePki(dir, 'a');
    otherCa = makePki(dir, 'b').ca;
    sim = await startSmdSim({ inventory: loadExample(), host: '127.0.0.1', port: 0, logger: nullLogger, tls: { key: pki.key, cert: pki.cert } });
  });
  after(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('trusts the server when given the CA that signed it', async () => {
    assert.match(sim.url, /^https:/);
    const raw = await source(sim, { ca: pki.ca }).fetch();
    assert.equal(raw.interfaces.length, 13);
  });

  test('fails with ERR_HTTP_TLS without the CA (system roots do not know it)', async () => {
    assert.equal((await fetchError(source(sim))).code, 'ERR_HTTP_TLS');
  });

  test('fails with ERR_HTTP_TLS given another CA: only the configured CA is trusted', async () => {
    assert.equal((await fetchError(source(sim, { ca: otherCa }))).code, 'ERR_HTTP_TLS');
  });
});
