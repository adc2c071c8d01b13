import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSmdSource, joinUrl } from '../../src/smd/client.ts';
import type { SmdHttpGet } from '../../src/smd/client.ts';
import { SmdError } from '../../src/smd/errors.ts';

interface Call {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly ca: Buffer | undefined;
}

/** A fake transport answering per path suffix; records each call. */
function fakeGet(answers: Record<string, { status: number; body: string } | Error>): { get: SmdHttpGet; calls: Call[] } {
  const calls: Call[] = [];
  const get: SmdHttpGet = async (url, options) => {
    calls.push({ url, headers: options.headers, timeoutMs: options.timeoutMs, ca: options.ca });
    const key = Object.keys(answers).find((k) => url.endsWith(k));
    const answer = key === undefined ? undefined : answers[key];
    if (answer === undefined) throw new Error(`unexpected URL ${url}`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { get, calls };
}

const fixture = (name: string) => readFileSync(new URL(`../fixtures/smd/${name}`, import.meta.url), 'utf8');

const OK = {
  '/EthernetInterfaces': { status: 200, body: '[{"MACAddress":"52:54:00:be:ef:01","ComponentID":"x1000c0s0b0n0","IPAddresses":[]}]\n' },
  '/Components': { status: 200, body: '{"Components":[{"ID":"x1000c0s0b0n0","Type":"Node","NID":1}]}\n' },
};

async function rejectsWith(p: Promise<unknown>, want: Partial<Record<'code' | 'url' | 'status' | 'detail' | 'field', unknown>>): Promise<SmdError> {
  let caught: unknown;
  await p.catch((err: unknown) => {
    caught = err;
  });
  assert.ok(caught instanceof SmdError, `expected SmdError, got ${String(caught)}`);
  for (const [k, v] of Object.entries(want)) assert.equal((caught as unknown as Record<string, unknown>)[k], v, k);
  return caught;
}

describe('joinUrl (spec coresmd-dhcp §4.1)', () => {
  const cases: [base: string, want: string][] = [
    ['https://h', 'https://h/hsm/v2/State/Components'],
    ['https://h/', 'https://h/hsm/v2/State/Components'],
    ['https://h/apis/smd', 'https://h/apis/smd/hsm/v2/State/Components'],
    ['https://h/apis/smd/', 'https://h/apis/smd/hsm/v2/State/Components'],
    ['http://127.0.0.1:27779//', 'http://127.0.0.1:27779/hsm/v2/State/Components'],
  ];
  for (const [base, want] of cases) {
    test(`${base} keeps its base path`, () => assert.equal(joinUrl(base, '/hsm/v2/State/Components'), want));
  }
});

describe('createSmdSource', () => {
  test('GETs both lists and returns them validated', async () => {
    const { get, calls } = fakeGet(OK);
    const src = createSmdSource({ baseUrl: 'https://smd.example:8443/apis/smd/', timeoutMs: 1234, httpGet: get });
    const raw = await src.fetch();
    assert.equal(raw.interfaces[0]?.MACAddress, '52:54:00:be:ef:01');
    assert.equal(raw.components[0]?.NID, 1);
    assert.deepEqual(calls.map((c) => c.url).sort(), [
      'https://smd.example:8443/apis/smd/hsm/v2/Inventory/EthernetInterfaces',
      'https://smd.example:8443/apis/smd/hsm/v2/State/Components',
    ]);
    for (const c of calls) {
      assert.deepEqual(c.headers, { Accept: 'application/json' });
      assert.equal(c.timeoutMs, 1234);
      assert.equal(c.ca, undefined);
    }
    assert.equal(src.kind, 'smd');
    assert.equal(src.describe(), 'https://smd.example:8443/apis/smd');
  });

  test('accepts the spec’s example SMD bodies byte for byte (coresmd-dns §3.2, §3.3)', async () => {
    const { get } = fakeGet({
      '/EthernetInterfaces': { status: 200, body: fixture('ethernet-interfaces.json') },
      '/Components': { status: 200, body: fixture('components.json') },
    });
    const raw = await createSmdSource({ baseUrl: 'http://h', timeoutMs: 10, httpGet: get }).fetch();
    assert.deepEqual(raw.interfaces.map((i) => [i.MACAddress, i.ComponentID, i.IPAddresses.length]), [
      ['de:ca:fc:0f:fe:e1', 'x1000c0s0b0', 1],
      ['52:54:00:be:ef:01', 'x1000c0s0b0n0', 2],
      ['52:54:00:de:ad:aa', '', 0],
    ]);
    assert.deepEqual(raw.components.map((c) => [c.ID, c.NID]), [['x1000c0s0b0', undefined], ['x1000c0s0b0n0', 1], ['x1000c0s0b1n0', 2]]);
  });

  test('the problem body upstream decodes as zero components is a status error here', async () => {
    const { get } = fakeGet({ ...OK, '/Components': { status: 500, body: fixture('problem-500.json') } });
    await rejectsWith(createSmdSource({ baseUrl: 'http://h', timeoutMs: 10, httpGet: get }).fetch(), { code: 'ERR_SMD_STATUS' });
    // Even if a proxy rewrote the status to 200, the body still fails validation instead of emptying the list.
    const { get: get200 } = fakeGet({ ...OK, '/Components': { status: 200, body: fixture('problem-500.json') } });
    await rejectsWith(createSmdSource({ baseUrl: 'http://h', timeoutMs: 10, httpGet: get200 }).fetch(), {
      code: 'ERR_SMD_SHAPE',
      field: 'Components',
    });
  });

  test('sends the bearer token the provider returns at each fetch, and none when it returns undefined', async () => {
    const { get, calls } = fakeGet(OK);
    let token: string | undefined = 'tok-1';
    const src = createSmdSource({ baseUrl: 'http://h', timeoutMs: 10, httpGet: get, token: () => token });
    await src.fetch();
    token = undefined;
    await src.fetch();
    assert.deepEqual(calls.map((c) => c.headers['Authorization']), ['Bearer tok-1', 'Bearer tok-1', undefined, undefined]);
  });

  test('passes the CA bundle to the transport', async () => {
    const { get, calls } = fakeGet(OK);
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----\n');
    await createSmdSource({ baseUrl: 'https://h', ca, timeoutMs: 10, httpGet: get }).fetch();
    assert.ok(calls.every((c) => c.ca === ca));
  });

  test('never shows URL credentials in describe()', () => {
    const src = createSmdSource({ baseUrl: 'https://user:secret@h/apis/smd', timeoutMs: 10, httpGet: fakeGet({}).get });
    assert.equal(src.describe(), 'https://h/apis/smd');
  });

  test('a 500 problem on Components fails the fetch instead of emptying the components (coresmd-dns §5.12)', async () => {
    const { get } = fakeGet({
      ...OK,
      '/Components': {
        status: 500,
        body: '{"type":"about:blank","title":"Internal Server Error","detail":"failed to query DB.","status":500}\n',
      },
    });
    const err = await rejectsWith(createSmdSource({ baseUrl: 'http://h', timeoutMs: 10, httpGet: get }).fetch(), {
      code: 'ERR_SMD_STATUS',
      status: 500,
      detail: 'failed to query DB.',
      url: 'http://h/hsm/v2/State/Components',
    });
    assert.match(err.message, /HTTP 500 Internal Server Error: failed to query DB\./);
  });

  test('a non-2xx answer without a problem body still fails with its status', async () => {
    const { get } = fakeGet({ ...OK, '/EthernetInterfaces': { status: 404, body: '404 page not found\n' } });
    await rejectsWith(createSmdSource({ baseUrl: 'http://h', timeoutMs: 10, httpGet: get }).fetch(), {
      code: 'ERR_SMD_STATUS',
      status: 404,
      detail: undefined,
    });
  });

  test('bad JSON fails with ERR_SMD_JSON naming the URL', async () => {
    const { get } = fakeGet({ ...OK, '/EthernetInterfaces': { status: 200, body: '[{"MACAddress":' } });
    await rejectsWith(createSmdSource({ baseUrl: 'http://h', timeoutMs: 10, httpGet: get }).fetch(), {
      code: 'ERR_SMD_JSON',
      url: 'http://h/hsm/v2/Inventory/EthernetInterfaces',
    });
  });

  test('a bad shape fails with ERR_SMD_SHAPE naming URL and field', async () => {
    const { get } = fakeGet({ ...OK, '/Components': { status: 200, body: '{"Components":[{"ID":"x1","Type":"Node","NID":"1"}]}' } });
    const err = await rejectsWith(createSmdSource({ baseUrl: 'http://h', timeoutMs: 10, httpGet: get }).fetch(), {
      code: 'ERR_SMD_SHAPE',
      field: 'Components[0].NID',
      url: 'http://h/hsm/v2/State/Components',
    });
    assert.match(err.message, /^GET http:\/\/h\/hsm\/v2\/State\/Components: Components\[0\]\.NID: expected integer, found string$/);
  });

  test('transport errors keep their code', async () => {
    const timeout = Object.assign(new Error('no complete answer within 10 ms'), { code: 'ERR_HTTP_TIMEOUT' });
    const { get } = fakeGet({ ...OK, '/Components': timeout });
    const err = await rejectsWith(createSmdSource({ baseUrl: 'http://h', timeoutMs: 10, httpGet: get }).fetch(), {
      code: 'ERR_HTTP_TIMEOUT',
      url: 'http://h/hsm/v2/State/Components',
    });
    assert.equal(err.cause, timeout);
  });
});
