import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expandHostnamePattern } from '../../../../src/dhcp/service/rules/hostname.ts';

describe('expandHostnamePattern (spec §3.7 K and §3.5)', () => {
  const cases: Array<[string, number, string, string]> = [
    ['nid{04d}', 1, '', 'nid0001'],
    ['dev-s{02d}', 5, '', 'dev-s05'],
    ['bmc{03d}', 42, '', 'bmc042'],
    ['{id}', 0, 'x3000c0s0b1', 'x3000c0s0b1'],
    ['node-{id}-svc', 0, 'x3000c0s0b1', 'node-x3000c0s0b1-svc'],
    ['nid{03d}-{id}', 7, 'x1000c0s0b0', 'nid007-x1000c0s0b0'],
    ['rack{02d}-node{03d}', 7, '', 'rack07-node007'],
    ['static-hostname', 123, 'ignored', 'static-hostname'],
    ['node{4d}', 7, '', 'node0007'],
    ['nid{02d}', 123, '', 'nid123'],
    ['nid{03d}', 0, '', 'nid000'],
    ['nid{04d}', -1, '', 'nid-001'],
    // §3.5 width semantics beyond the Go table.
    ['n{00d}', 7, '', 'n7'],
    ['n{0d}', 0, '', 'n0'],
    ['n{10d}', 7, '', 'n0000000007'],
    ['n{010d}', 7, '', 'n0000000007'],
    ['n{0d}', -3, '', 'n-3'],
    ['n{1000001d}', 7, '', 'n%!(BADWIDTH)7'],
    ['n{d}{4}', 7, '', 'n{d}{4}'],
    ['{ID}', 7, 'x1', '{ID}'],
    // Step 2 also expands what step 1 inserted.
    ['{id}', 7, 'a{03d}', 'a007'],
    ['{id}', 7, 'x$&y', 'x$&y'],
  ];
  for (const [pattern, nid, id, want] of cases) {
    test(`${pattern} nid=${nid} id=${JSON.stringify(id)} → ${want}`, () => assert.equal(expandHostnamePattern(pattern, nid, id), want));
  }
});
