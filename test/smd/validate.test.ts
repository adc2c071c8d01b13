import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SmdError } from '../../src/smd/errors.ts';
import { validateComponentsBody, validateEthernetInterfaces } from '../../src/smd/validate.ts';

const iface = (over: Record<string, unknown> = {}) => ({
  ID: '525400beef01',
  Description: 'Interface 0 for compute1',
  MACAddress: '52:54:00:be:ef:01',
  LastUpdate: '2025-03-04T18:22:41.602913Z',
  ComponentID: 'x1000c0s0b0n0',
  Type: 'Node',
  IPAddresses: [{ IPAddress: '172.16.0.1', Network: 'management' }],
  ...over,
});

interface ErrorCase {
  readonly name: string;
  readonly body: unknown;
  readonly field: string;
  readonly message?: string;
}

function expectShape(fn: () => unknown, field: string, message?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SmdError);
    assert.equal(err.code, 'ERR_SMD_SHAPE');
    assert.equal(err.field, field);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

describe('validateEthernetInterfaces', () => {
  const rejects: ErrorCase[] = [
    { name: 'a null body (Go would decode it as empty)', body: null, field: 'EthernetInterfaces', message: 'EthernetInterfaces: expected array, found null' },
    { name: 'an RFC 7807 problem object instead of an array', body: { type: 'about:blank', status: 500 }, field: 'EthernetInterfaces' },
    { name: 'a non-object entry', body: [iface(), 'oops'], field: 'EthernetInterfaces[1]' },
    { name: 'a missing MACAddress', body: [{ ComponentID: '' }], field: 'EthernetInterfaces[0].MACAddress' },
    { name: 'a numeric MACAddress', body: [iface({ MACAddress: 525400 })], field: 'EthernetInterfaces[0].MACAddress' },
    { name: 'a numeric ComponentID', body: [iface({ ComponentID: 7 })], field: 'EthernetInterfaces[0].ComponentID' },
    { name: 'a boolean Type', body: [iface({ Type: true })], field: 'EthernetInterfaces[0].Type' },
    { name: 'IPAddresses that is an object', body: [iface({ IPAddresses: {} })], field: 'EthernetInterfaces[0].IPAddresses' },
    {
      name: 'an IPAddress that is a number, naming entry and field',
      body: [...Array.from({ length: 12 }, () => iface()), iface({ IPAddresses: [{ IPAddress: 17216001 }] })],
      field: 'EthernetInterfaces[12].IPAddresses[0].IPAddress',
      message: 'EthernetInterfaces[12].IPAddresses[0].IPAddress: expected string, found number',
    },
    { name: 'a null IP mapping', body: [iface({ IPAddresses: [null] })], field: 'EthernetInterfaces[0].IPAddresses[0]' },
  ];
  for (const c of rejects) {
    test(`rejects ${c.name}`, () => expectShape(() => validateEthernetInterfaces(c.body), c.field, c.message));
  }

  const accepts: { name: string; body: unknown[]; want: Record<string, unknown> }[] = [
    { name: 'SMD’s own shape unchanged', body: [iface()], want: iface() },
    {
      name: 'keys in any case, as Go encoding/json does',
      body: [{ macaddress: 'aa:bb:cc:dd:ee:ff', COMPONENTID: 'x1', ipaddresses: [{ ipaddress: '10.0.0.1', NETWORK: 'hsn' }] }],
      want: { MACAddress: 'aa:bb:cc:dd:ee:ff', ComponentID: 'x1', IPAddresses: [{ IPAddress: '10.0.0.1', Network: 'hsn' }] },
    },
    {
      name: 'the last of several spellings of one key',
      body: [{ MACAddress: 'aa:aa:aa:aa:aa:aa', macAddress: 'bb:bb:bb:bb:bb:bb', IPAddresses: [] }],
      want: { MACAddress: 'bb:bb:bb:bb:bb:bb', ComponentID: '', IPAddresses: [] },
    },
    {
      name: 'Go’s long-s fold (U+017F matches s)',
      body: [{ MACAddress: 'aa:bb:cc:dd:ee:ff', IPAddresses: [], 'De\u017fcription': 'x' }],
      want: { MACAddress: 'aa:bb:cc:dd:ee:ff', Description: 'x', ComponentID: '', IPAddresses: [] },
    },
    {
      name: 'a missing or null ComponentID and IPAddresses as "" and []',
      body: [{ MACAddress: 'aa:bb:cc:dd:ee:ff', ComponentID: null, IPAddresses: null }],
      want: { MACAddress: 'aa:bb:cc:dd:ee:ff', ComponentID: '', IPAddresses: [] },
    },
    {
      name: 'an empty Network dropped, as SMD omits it',
      body: [{ MACAddress: 'aa:bb:cc:dd:ee:ff', IPAddresses: [{ IPAddress: '10.0.0.1', Network: '' }] }],
      want: { MACAddress: 'aa:bb:cc:dd:ee:ff', ComponentID: '', IPAddresses: [{ IPAddress: '10.0.0.1' }] },
    },
    {
      name: 'garbage IP text (SMD stores it unvalidated; the snapshot skips it)',
      body: [{ MACAddress: 'aa:bb:cc:dd:ee:ff', IPAddresses: [{ IPAddress: 'not-an-ip' }] }],
      want: { MACAddress: 'aa:bb:cc:dd:ee:ff', ComponentID: '', IPAddresses: [{ IPAddress: 'not-an-ip' }] },
    },
    {
      name: 'unknown keys ignored and a wrong-typed LastUpdate dropped',
      body: [{ MACAddress: 'aa:bb:cc:dd:ee:ff', IPAddresses: [], LastUpdate: 5, Extra: { a: 1 } }],
      want: { MACAddress: 'aa:bb:cc:dd:ee:ff', ComponentID: '', IPAddresses: [] },
    },
  ];
  for (const c of accepts) {
    test(`accepts ${c.name}`, () => {
      const [got] = validateEthernetInterfaces(c.body);
      assert.deepEqual(got, c.want);
    });
  }

  test('accepts an empty array', () => assert.deepEqual(validateEthernetInterfaces([]), []));

  test('returns SMD’s own clean entries without copying, and copies ones that need fixing', () => {
    const body = [iface(), iface({ IPAddresses: [{ IPAddress: '10.0.0.1', Network: '' }] }), iface({ ComponentID: null })];
    const got = validateEthernetInterfaces(body);
    assert.equal(got[0], body[0]);
    assert.notEqual(got[1], body[1]);
    assert.deepEqual(got[1]?.IPAddresses, [{ IPAddress: '10.0.0.1' }]);
    assert.notEqual(got[2], body[2]);
    assert.equal(got[2]?.ComponentID, '');
  });

  test('keeps SMD key order so the result serializes back to SMD’s shape', () => {
    const [got] = validateEthernetInterfaces([iface()]);
    assert.equal(JSON.stringify(got), JSON.stringify(iface()));
  });
});

describe('validateComponentsBody', () => {
  const comp = (over: Record<string, unknown> = {}) => ({ ID: 'x1000c0s0b0n0', Type: 'Node', NID: 1, ...over });
  const rejects: ErrorCase[] = [
    { name: 'a null body', body: null, field: 'Components' },
    { name: 'a bare array', body: [comp()], field: 'Components' },
    { name: 'an object without Components (an RFC 7807 problem)', body: { type: 'about:blank', title: 'Internal Server Error', status: 500 }, field: 'Components', message: 'Components: expected array, found nothing' },
    { name: '"Components": null', body: { Components: null }, field: 'Components' },
    { name: 'a string NID (fails the whole body, as Go does)', body: { Components: [comp(), comp({ NID: '2' })] }, field: 'Components[1].NID', message: 'Components[1].NID: expected integer, found string' },
    { name: 'a fractional NID', body: { Components: [comp({ NID: 1.5 })] }, field: 'Components[0].NID' },
    { name: 'an NID beyond 2^53', body: { Components: [comp({ NID: 2 ** 60 })] }, field: 'Components[0].NID' },
    { name: 'a missing ID', body: { Components: [{ Type: 'Node' }] }, field: 'Components[0].ID' },
    { name: 'a numeric Type', body: { Components: [comp({ Type: 1 })] }, field: 'Components[0].Type' },
  ];
  for (const c of rejects) {
    test(`rejects ${c.name}`, () => expectShape(() => validateComponentsBody(c.body), c.field, c.message));
  }

  const accepts: { name: string; body: unknown; want: unknown[] }[] = [
    { name: 'an empty list', body: { Components: [] }, want: [] },
    {
      name: 'a component without NID (left undefined, never 0)',
      body: { Components: [{ ID: 'x1000c0s1b0n0', Type: 'Node', State: 'Off', Enabled: false }] },
      want: [{ ID: 'x1000c0s1b0n0', Type: 'Node', State: 'Off', Enabled: false }],
    },
    { name: 'a null NID as no NID', body: { Components: [comp({ NID: null })] }, want: [{ ID: 'x1000c0s0b0n0', Type: 'Node' }] },
    { name: 'NID 0, which is a real NID', body: { Components: [comp({ NID: 0 })] }, want: [comp({ NID: 0 })] },
    {
      name: 'keys in any case, including the wrapper',
      body: { components: [{ id: 'x1', TYPE: 'Cabinet', nid: 3, role: 'Service' }] },
      want: [{ ID: 'x1', Type: 'Cabinet', Role: 'Service', NID: 3 }],
    },
    {
      name: 'fields only we read dropped when mistyped (upstream never reads them)',
      body: { Components: [comp({ State: 7, Enabled: 'yes', Role: ['Compute'] })] },
      want: [comp()],
    },
  ];
  for (const c of accepts) {
    test(`accepts ${c.name}`, () => assert.deepEqual(validateComponentsBody(c.body), c.want));
  }

  test('a copy it has to make is in hms-base key order', () => {
    const [got] = validateComponentsBody({ Components: [{ nid: 1, Role: 'Compute', Enabled: true, Flag: 'OK', State: 'On', Type: 'Node', ID: 'x1000c0s0b0n0' }] });
    assert.equal(JSON.stringify(got), '{"ID":"x1000c0s0b0n0","Type":"Node","State":"On","Flag":"OK","Enabled":true,"Role":"Compute","NID":1}');
  });

  test('returns clean entries and lists themselves, without copying (a 100k refresh allocates no copies)', () => {
    const list = [comp(), comp({ ID: 'x1000c0s0b1n0', NID: 2, State: 'On', Enabled: true })];
    const got = validateComponentsBody({ Components: list });
    assert.equal(got, list);
    assert.equal(got[1], list[1]);
  });

  test('copies only the entries that need fixing', () => {
    const list = [comp(), comp({ NID: null }), comp()];
    const got = validateComponentsBody({ Components: list });
    assert.notEqual(got, list);
    assert.equal(got[0], list[0]);
    assert.notEqual(got[1], list[1]);
    assert.equal(got[2], list[2]);
    assert.deepEqual(got[1], { ID: 'x1000c0s0b0n0', Type: 'Node' });
  });
});
