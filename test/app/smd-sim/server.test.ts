import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nullLogger } from '../../../src/seams/logger.ts';
import { startSmdSim } from '../../../src/app/smd-sim/server.ts';
import type { SmdSim } from '../../../src/app/smd-sim/server.ts';
import { loadExample } from '../../smd/support/example.ts';

const EI = '/hsm/v2/Inventory/EthernetInterfaces';
const SC = '/hsm/v2/State/Components';
const NOW = new Date('2025-06-01T12:00:00.123Z');

interface Reply {
  readonly status: number;
  readonly type: string | null;
  readonly text: string;
  readonly headers: Headers;
  json(): unknown;
}

async function call(sim: SmdSim, method: string, path: string, body?: unknown): Promise<Reply> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${sim.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text, headers: res.headers, json: () => JSON.parse(text) };
}

function problem(status: number, title: string, detail: string): string {
  return `${JSON.stringify({ type: 'about:blank', title, detail, status })}\n`;
}

describe('smd-sim', () => {
  let sim: SmdSim;
  // A fresh simulator per test: the write tests change the store.
  beforeEach(async () => {
    await sim?.close();
    sim = await startSmdSim({ inventory: loadExample(), host: '127.0.0.1', port: 0, logger: nullLogger, now: () => NOW });
  });
  after(async () => {
    await sim.close();
  });

  describe('reads (spec coresmd-dns §3.2, §3.3)', () => {
    test('EthernetInterfaces is a bare array, compact JSON plus newline, SMD key order', async () => {
      const r = await call(sim, 'GET', EI);
      assert.equal(r.status, 200);
      assert.equal(r.type, 'application/json');
      assert.ok(r.text.endsWith('}]\n'));
      const first = r.text.slice(1, r.text.indexOf('},{') + 1);
      assert.equal(
        first,
        '{"ID":"decafc0ffee1","Description":"Interface for BMC x1000c0s0b0","MACAddress":"de:ca:fc:0f:fe:e1","LastUpdate":"2025-03-04T18:22:41.513207Z","ComponentID":"x1000c0s0b0","Type":"NodeBMC","IPAddresses":[{"IPAddress":"172.16.0.101"}]}',
      );
      assert.equal((r.json() as unknown[]).length, 13);
    });

    test('Components is wrapped; NID omitted when unset; empty fields omitted', async () => {
      const r = await call(sim, 'GET', SC);
      assert.equal(r.status, 200);
      assert.ok(r.text.startsWith('{"Components":[{"ID":"x1000c0s0b0","Type":"NodeBMC","Enabled":true},'));
      assert.ok(r.text.includes('{"ID":"x1000c0s0b0n0","Type":"Node","State":"On","Flag":"OK","Enabled":true,"Role":"Compute","NID":1}'));
      assert.ok(r.text.includes('{"ID":"x1000c0s1b0n0","Type":"Node","State":"Off","Flag":"OK","Enabled":false,"Role":"Compute"}'));
      assert.ok(r.text.endsWith(']}\n'));
    });

    const interfaceFilters: [query: string, wantIds: string[]][] = [
      ['MACAddress=52:54:00:BE:EF:01', ['525400beef01']],
      ['macaddress=52:54:00:be:ef:01&MACADDRESS=de:ca:fc:0f:fe:e1', ['decafc0ffee1', '525400beef01']],
      ['ComponentID=X1000C0S0B04N0', ['525400beef05', '020000913105']],
      ['ComponentID=', ['525400deadaa']],
      ['Type=nodebmc&IPAddress=172.16.0.104', ['decafc0ffee4']],
      ['IPAddress=fd00:172:16::3', ['525400beef03']],
      ['network=HSN', ['020000913105']],
      ['id=525400BEEF06', ['525400beef06']],
    ];
    for (const [query, wantIds] of interfaceFilters) {
      test(`EthernetInterfaces?${query}`, async () => {
        const r = await call(sim, 'GET', `${EI}?${query}`);
        assert.equal(r.status, 200);
        assert.deepEqual((r.json() as { ID: string }[]).map((i) => i.ID), wantIds);
      });
    }

    test('an empty IPAddress filter selects interfaces without addresses', async () => {
      await call(sim, 'POST', EI, { MACAddress: '02:00:00:00:00:01' });
      const r = await call(sim, 'GET', `${EI}?IPAddress=`);
      assert.deepEqual((r.json() as { ID: string }[]).map((i) => i.ID), ['020000000001']);
    });

    const componentFilters: [query: string, wantIds: string[]][] = [
      ['type=Node&type=NodeBMC&nid=1', ['x1000c0s0b0n0']],
      ['TYPE=nodebmc&id=x1000c0s1b0', ['x1000c0s1b0']],
      ['nid=5', ['x1000c0s0b4n0']],
      ['state=off', ['x1000c0s1b0n0']],
      ['enabled=false', ['x1000c0s1b0n0']],
      ['id=X1000C0S0B01N0', ['x1000c0s0b1n0']],
    ];
    for (const [query, wantIds] of componentFilters) {
      test(`State/Components?${query}`, async () => {
        const r = await call(sim, 'GET', `${SC}?${query}`);
        assert.equal(r.status, 200);
        assert.deepEqual((r.json() as { Components: { ID: string }[] }).Components.map((c) => c.ID), wantIds);
      });
    }

    test('nidonly=true returns only ID, Type and NID', async () => {
      const r = await call(sim, 'GET', `${SC}?type=Node&nidonly=true&nid=2`);
      assert.equal(r.text, '{"Components":[{"ID":"x1000c0s0b1n0","Type":"Node","NID":2}]}\n');
    });

    const badFilters: [path: string, detail: string][] = [
      [`${EI}?Type=Toaster`, 'Invalid HMS type.'],
      [`${EI}?ComponentID=nid001`, 'Invalid CompID.'],
      [`${SC}?type=Toaster`, 'bad query param: Argument was not a valid HMS Type'],
      [`${SC}?nid=one`, 'bad query param: Argument was not a valid NID'],
    ];
    for (const [path, detail] of badFilters) {
      test(`400 problem for ${path}`, async () => {
        const r = await call(sim, 'GET', path);
        assert.equal(r.status, 400);
        assert.equal(r.type, 'application/problem+json');
        assert.equal(r.text, problem(400, 'Bad Request', detail));
      });
    }

    test('single items: interface by ID in any case, component by xname', async () => {
      assert.equal((await call(sim, 'GET', `${EI}/525400BEEF01`).then((r) => r.json()) as { MACAddress: string }).MACAddress, '52:54:00:be:ef:01');
      assert.deepEqual(await call(sim, 'GET', `${SC}/x1000c0s0b0n0`).then((r) => r.json()), {
        ID: 'x1000c0s0b0n0', Type: 'Node', State: 'On', Flag: 'OK', Enabled: true, Role: 'Compute', NID: 1,
      });
    });

    test('404 problems for unknown items', async () => {
      assert.equal((await call(sim, 'GET', `${EI}/ffffffffffff`)).text, problem(404, 'Not Found', 'No such component ethernet interface: ffffffffffff'));
      assert.equal((await call(sim, 'GET', `${SC}/x9c0s0b0n0`)).text, problem(404, 'Not Found', 'no such xname.'));
    });

    test('trailing slashes are stripped, as SMD’s router does', async () => {
      assert.equal((await call(sim, 'GET', `${SC}/`)).status, 200);
    });

    test('service ready and liveness', async () => {
      const ready = await call(sim, 'GET', '/hsm/v2/service/ready');
      assert.equal(ready.text, '{"code":0,"message":"HSM is healthy"}\n');
      const live = await call(sim, 'GET', '/hsm/v2/service/liveness');
      assert.equal(live.status, 204);
      assert.equal(live.text, '');
    });
  });

  describe('errors (spec coresmd-dns §3.4)', () => {
    test('an unknown path is Go’s plain-text 404, not JSON', async () => {
      const r = await call(sim, 'GET', '/hsm/v2/Nope');
      assert.equal(r.status, 404);
      assert.equal(r.type, 'text/plain; charset=utf-8');
      assert.equal(r.text, '404 page not found\n');
    });

    test('paths are case-sensitive', async () => {
      assert.equal((await call(sim, 'GET', '/hsm/v2/state/components')).status, 404);
    });

    test('a wrong method is a 405 problem with an allow header', async () => {
      const r = await call(sim, 'PUT', EI);
      assert.equal(r.status, 405);
      assert.equal(r.headers.get('allow'), 'GET, POST, DELETE');
      assert.equal(r.text, problem(405, 'Method Not Allowed', 'allow GET, POST, DELETE'));
    });

    test('a body that is not JSON is a 500 problem, as SMD answers', async () => {
      const r = await call(sim, 'POST', EI, '{"MACAddress":');
      assert.equal(r.status, 500);
      assert.match((r.json() as { detail: string }).detail, /^error decoding JSON /);
    });
  });

  describe('writes (spec coresmd-dns §3.5)', () => {
    test('POST an interface: MAC normalized, ID without colons, 201 with Location and URI', async () => {
      const r = await call(sim, 'POST', EI, {
        Description: 'new node',
        MACAddress: '52-54-00-AA-BB-CC',
        ComponentID: 'X1000C0S0B0N0',
        IPAddresses: [{ IPAddress: '172.16.0.50', Network: 'management' }],
      });
      assert.equal(r.status, 201);
      assert.equal(r.headers.get('location'), `${EI}/525400aabbcc`);
      assert.equal(r.text, `{"URI":"${EI}/525400aabbcc"}\n`);
      const got = await call(sim, 'GET', `${EI}/525400aabbcc`);
      assert.equal(
        got.text,
        '{"ID":"525400aabbcc","Description":"new node","MACAddress":"52:54:00:aa:bb:cc","LastUpdate":"2025-06-01T12:00:00.123Z","ComponentID":"x1000c0s0b0n0","Type":"Node","IPAddresses":[{"IPAddress":"172.16.0.50","Network":"management"}]}\n',
      );
    });

    const badPosts: [name: string, body: unknown, status: number, detail: string][] = [
      ['a duplicate MAC', { MACAddress: '52:54:00:BE:EF:01' }, 409, 'operation would conflict with an existing component ethernet interface that has the same MAC address.'],
      ['a short MAC', { MACAddress: '52:54:00:be:ef' }, 400, 'MAC string has invalid length'],
      ['a missing MAC', { ComponentID: 'x1000c0s0b0n0' }, 400, 'MAC string has invalid length'],
      ['an invalid ComponentID', { MACAddress: '02:00:00:00:00:09', ComponentID: 'nid9' }, 400, 'Invalid CompEthInterface component ID'],
    ];
    for (const [name, body, status, detail] of badPosts) {
      test(`POST an interface with ${name} → ${status}`, async () => {
        const r = await call(sim, 'POST', EI, body);
        assert.equal(r.status, status);
        assert.equal(r.type, 'application/problem+json');
        assert.equal((r.json() as { detail: string }).detail, detail);
      });
    }

    test('PATCH an interface changes IPs and ComponentID and bumps LastUpdate', async () => {
      const r = await call(sim, 'PATCH', `${EI}/525400deadaa`, { ComponentID: 'x1000c0s1b0n0', IPAddresses: [{ IPAddress: '172.16.0.7' }] });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json(), {
        ID: '525400deadaa', Description: '', MACAddress: '52:54:00:de:ad:aa', LastUpdate: NOW.toISOString(),
        ComponentID: 'x1000c0s1b0n0', Type: 'Node', IPAddresses: [{ IPAddress: '172.16.0.7' }],
      });
    });

    test('PATCH without fields is 400; PATCH of an unknown interface is 404', async () => {
      assert.equal((await call(sim, 'PATCH', `${EI}/525400deadaa`, {})).status, 400);
      assert.equal((await call(sim, 'PATCH', `${EI}/ffffffffffff`, { Description: 'x' })).status, 404);
    });

    test('DELETE one interface, then the collection, then an empty collection', async () => {
      assert.equal((await call(sim, 'DELETE', `${EI}/525400deadaa`)).text, '{"code":0,"message":"deleted 1 entry"}\n');
      assert.equal((await call(sim, 'DELETE', `${EI}/525400deadaa`)).status, 404);
      assert.equal((await call(sim, 'DELETE', EI)).text, '{"code":0,"message":"deleted 12 entries"}\n');
      assert.equal((await call(sim, 'DELETE', EI)).text, problem(404, 'Not Found', 'no entries to delete'));
      assert.equal((await call(sim, 'GET', EI)).text, '[]\n');
    });

    test('POST components normalizes IDs, derives Type, fills Flag and Role; 204', async () => {
      const r = await call(sim, 'POST', SC, { Components: [{ ID: ' X1000C0S02B0N0 ', Type: 'Ignored', State: 'on', NID: 42 }] });
      assert.equal(r.status, 204);
      assert.deepEqual(await call(sim, 'GET', `${SC}/x1000c0s2b0n0`).then((g) => g.json()), {
        ID: 'x1000c0s2b0n0', Type: 'Node', State: 'On', Flag: 'OK', Enabled: true, Role: 'Compute', NID: 42,
      });
    });

    const badComponents: [name: string, body: unknown, status: number, detail: string][] = [
      ['an invalid xname', { Components: [{ ID: 'nid001', State: 'On' }] }, 400, "couldn't validate components: xname ID 'nid001' is invalid"],
      ['no components', { Components: [] }, 400, 'Missing Components'],
      ['a missing State', { Components: [{ ID: 'x1000c0s3b0n0' }] }, 400, "couldn't validate components: state '' is invalid for xname ID 'x1000c0s3b0n0'"],
    ];
    for (const [name, body, status, detail] of badComponents) {
      test(`POST components with ${name} → ${status}`, async () => {
        const r = await call(sim, 'POST', SC, body);
        assert.equal(r.text, problem(status, 'Bad Request', detail));
      });
    }

    test('POST components leaves existing ones unless Force, which overwrites State and Flag', async () => {
      await call(sim, 'POST', SC, { Components: [{ ID: 'x1000c0s0b0n0', State: 'Off', NID: 99 }] });
      assert.equal((await call(sim, 'GET', `${SC}/x1000c0s0b0n0`).then((r) => r.json()) as { State: string }).State, 'On');
      await call(sim, 'POST', SC, { Components: [{ ID: 'x1000c0s0b0n0', State: 'Off' }], Force: true });
      assert.deepEqual(await call(sim, 'GET', `${SC}/x1000c0s0b0n0`).then((r) => r.json()), {
        ID: 'x1000c0s0b0n0', Type: 'Node', State: 'Off', Flag: 'OK', Enabled: true, Role: 'Compute', NID: 1,
      });
    });

    test('PATCH …/NID, …/Enabled and …/StateData change one component (swagger doCompNIDPatch & co)', async () => {
      assert.equal((await call(sim, 'PATCH', `${SC}/x1000c0s1b0n0/NID`, { NID: 6 })).status, 204);
      assert.equal((await call(sim, 'PATCH', `${SC}/x1000c0s1b0n0/Enabled`, { Enabled: true })).status, 204);
      assert.equal((await call(sim, 'PATCH', `${SC}/x1000c0s1b0n0/StateData`, { State: 'ready' })).status, 204);
      assert.deepEqual(await call(sim, 'GET', `${SC}/x1000c0s1b0n0`).then((r) => r.json()), {
        ID: 'x1000c0s1b0n0', Type: 'Node', State: 'Ready', Flag: 'OK', Enabled: true, Role: 'Compute', NID: 6,
      });
    });

    test('PATCH …/NID rejects a missing NID (400), a string NID (500 decode error) and unknown xnames (404)', async () => {
      assert.equal((await call(sim, 'PATCH', `${SC}/x1000c0s1b0n0/NID`, {})).status, 400);
      assert.equal((await call(sim, 'PATCH', `${SC}/x1000c0s1b0n0/NID`, { NID: '6' })).status, 500);
      assert.equal((await call(sim, 'PATCH', `${SC}/x9c0s0b0n0/NID`, { NID: 6 })).status, 404);
      assert.equal((await call(sim, 'GET', `${SC}/x1000c0s1b0n0/NID`)).headers.get('allow'), 'PATCH');
    });

    test('DELETE a component; invalid xnames are 400', async () => {
      assert.equal((await call(sim, 'DELETE', `${SC}/X1000C0S1B0`)).text, '{"code":0,"message":"deleted 1 entry"}\n');
      assert.equal((await call(sim, 'GET', `${SC}/x1000c0s1b0`)).status, 404);
      assert.equal((await call(sim, 'DELETE', `${SC}/nid1`)).text, problem(400, 'Bad Request', 'invalid xname'));
      assert.equal((await call(sim, 'DELETE', SC)).text, '{"code":0,"message":"deleted 11 entries"}\n');
    });
  });

  describe('test hooks', () => {
    test('faults over HTTP: status500 for a number of requests on given paths, then normal again', async () => {
      const set = await call(sim, 'POST', '/__sim/faults', { mode: 'status500', paths: [SC], times: 2 });
      assert.equal(set.status, 204);
      assert.equal((await call(sim, 'GET', EI)).status, 200);
      const failed = await call(sim, 'GET', SC);
      assert.equal(failed.text, problem(500, 'Internal Server Error', 'failed to query DB.'));
      assert.equal((await call(sim, 'GET', `${SC}/x1000c0s0b0n0`)).status, 500);
      assert.equal((await call(sim, 'GET', SC)).status, 200);
      assert.deepEqual((await call(sim, 'GET', '/__sim/faults')).json(), { mode: 'none' });
    });

    test('an invalid fault spec is a 400 problem', async () => {
      const r = await call(sim, 'POST', '/__sim/faults', { mode: 'explode' });
      assert.equal(r.status, 400);
      assert.match((r.json() as { detail: string }).detail, /^fault spec: mode: expected one of none, status500, slow, malformed, reset$/);
    });

    test('malformed answers 200 with a truncated JSON body', async () => {
      sim.faults.set({ mode: 'malformed', times: 1 });
      const r = await call(sim, 'GET', EI);
      assert.equal(r.status, 200);
      assert.throws(() => r.json(), SyntaxError);
    });

    test('records the headers of the last GET per path and counts requests', async () => {
      await fetch(`${sim.url}${EI}`, { headers: { Authorization: 'Bearer abc' } });
      assert.equal(sim.lastGetHeaders(EI)?.['authorization'], 'Bearer abc');
      assert.equal(sim.lastGetHeaders(SC), undefined);
      assert.equal(sim.requestCount(EI), 1);
      await call(sim, 'GET', SC);
      assert.equal(sim.requestCount(), 2);
    });

    test('the store can be driven directly, with the same rules', () => {
      assert.throws(() => sim.store.createInterface({ MACAddress: 'zz' }), { name: 'SimProblem', status: 400 });
      sim.store.createInterface({ MACAddress: 'aabb.ccdd.eeff' });
      assert.equal(sim.store.getInterface('aabbccddeeff').MACAddress, 'aa:bb:cc:dd:ee:ff');
    });
  });
});

describe('smd-sim under a gateway base path', () => {
  let sim: SmdSim;
  before(async () => {
    sim = await startSmdSim({ inventory: loadExample(), host: '127.0.0.1', port: 0, logger: nullLogger, basePath: '/apis/smd/' });
  });
  after(async () => {
    await sim.close();
  });

  test('serves SMD routes under the prefix and nothing outside it', async () => {
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+\/apis\/smd$/);
    assert.equal((await fetch(`${sim.url}${SC}`)).status, 200);
    const outside = await fetch(`http://127.0.0.1:${sim.port}${SC}`);
    assert.equal(outside.status, 404);
    assert.equal(await outside.text(), '404 page not found\n');
  });
});
