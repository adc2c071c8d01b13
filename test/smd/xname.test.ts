import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeHmsType, normalizeXname, verifyXname, xnameType } from '../../src/smd/xname.ts';

describe('xnames (spec coresmd-dns §3.6)', () => {
  const cases: { input: string; want: { id: string; type: string } | undefined }[] = [
    { input: 'x1000c0s0b0n0', want: { id: 'x1000c0s0b0n0', type: 'Node' } },
    { input: 'X1000C0S01B0N0', want: { id: 'x1000c0s1b0n0', type: 'Node' } },
    { input: '  x0003000c0s19b1 ', want: { id: 'x3000c0s19b1', type: 'NodeBMC' } },
    { input: 'x1000c0s0b0n0v3', want: { id: 'x1000c0s0b0n0v3', type: 'VirtualNode' } },
    { input: 'x1000c0w14', want: { id: 'x1000c0w14', type: 'MgmtSwitch' } },
    { input: 'x1000c0s0e0', want: { id: 'x1000c0s0e0', type: 'NodeEnclosure' } },
    { input: 'x1000', want: { id: 'x1000', type: 'Cabinet' } },
    { input: 'x1000c8', want: undefined }, // chassis is 0-7
    { input: 'x10000c0', want: undefined }, // cabinet is at most 4 digits
    { input: 'nid001', want: undefined },
    { input: 's0', want: undefined }, // query-only special, not a component
    { input: '', want: undefined },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.input)} → ${c.want === undefined ? 'invalid' : `${c.want.id} (${c.want.type})`}`, () => {
      assert.deepEqual(verifyXname(c.input), c.want);
    });
  }

  test('normalizeXname strips leading zeros but keeps a lone 0', () => {
    assert.equal(normalizeXname('x0c00s000b0n0'), 'x0c0s0b0n0');
  });

  test('xnameType wants an already normalized ID', () => {
    assert.equal(xnameType('X1000C0S0B0'), undefined);
    assert.equal(xnameType('x1000c0s0b0'), 'NodeBMC');
  });

  test('normalizeHmsType accepts any case and rejects unknown names', () => {
    assert.equal(normalizeHmsType('nodebmc'), 'NodeBMC');
    assert.equal(normalizeHmsType('NODE'), 'Node');
    assert.equal(normalizeHmsType('Toaster'), undefined);
  });
});
