import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RELAY_SUBOPTIONS, decodeRelayAgentInfo } from '../../../src/dhcp/v4/relay-agent.ts';
import { formatIPv4 } from '../../../src/wire/addr.ts';
import { WireErrorCode } from '../../../src/wire/errors.ts';
import { parseAnnotatedHex } from '../../support/hex.ts';
import { wireErrorOf } from './support.ts';

const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('latin1'));

describe('decodeRelayAgentInfo (option 82)', () => {
  test('circuit id, remote id, link selection and server id override, unknown sub-options kept', () => {
    const value = parseAnnotatedHex(`
      01 04 73 77 70 37        ; 1 circuit id "swp7" (RFC 3046 §3.1)
      02 06 00 11 22 33 44 55  ; 2 remote id: a MAC (RFC 3046 §3.2)
      09 02 ab cd              ; 9 vendor-specific, unknown to us: kept
      05 04 0a 01 02 00        ; 5 link selection 10.1.2.0 (RFC 3527 §3)
      0b 04 c0 00 02 01        ; 11 server id override 192.0.2.1 (RFC 5107 §4)
    `);
    // Walk it at an offset inside a larger buffer, as the options index does.
    const buf = new Uint8Array(10 + value.length);
    buf.set(value, 10);
    const r = decodeRelayAgentInfo(buf, 10, buf.length);
    assert.equal(text(r.circuitId), 'swp7');
    assert.equal(Buffer.from(r.remoteId!).toString('hex'), '001122334455');
    assert.equal(formatIPv4(r.linkSelection!), '10.1.2.0');
    assert.equal(formatIPv4(r.serverIdOverride!), '192.0.2.1');
    assert.deepEqual(r.subOptions.map((s) => s.code), [1, 2, 9, 5, 11]);
    assert.deepEqual([...r.raw], [...value], 'raw is the value exactly, for the echo');
    assert.equal(r.raw.buffer, buf.buffer, 'zero-copy');
  });

  test('the first instance of a repeated sub-option wins', () => {
    const v = Uint8Array.of(1, 1, 0x61, 1, 1, 0x62);
    const r = decodeRelayAgentInfo(v, 0, v.length);
    assert.equal(text(r.circuitId), 'a');
    assert.equal(r.subOptions.length, 2);
  });

  test('an empty option has no sub-options', () => {
    const r = decodeRelayAgentInfo(new Uint8Array(0), 0, 0);
    assert.deepEqual(r.subOptions, []);
    assert.equal(r.circuitId, undefined);
    assert.equal(r.linkSelection, undefined);
  });

  const bad: ReadonlyArray<{ name: string; value: number[]; want: { code: string; offset: number; field: string } }> = [
    { name: 'a sub-option running past the option', value: [1, 5, 0x61], want: { code: WireErrorCode.Truncated, offset: 1, field: 'options[82][1].length' } },
    { name: 'a code without a length', value: [1, 1, 0x61, 2], want: { code: WireErrorCode.Truncated, offset: 4, field: 'options[82][2].length' } },
    { name: 'link selection of 3 bytes', value: [5, 3, 10, 0, 0], want: { code: WireErrorCode.Malformed, offset: 2, field: 'options[82][5].length' } },
    { name: 'server id override of 5 bytes', value: [11, 5, 10, 0, 0, 1, 0], want: { code: WireErrorCode.Malformed, offset: 2, field: 'options[82][11].length' } },
    {
      name: `more than ${MAX_RELAY_SUBOPTIONS} sub-options`,
      value: Array.from({ length: MAX_RELAY_SUBOPTIONS + 1 }, () => [9, 0]).flat(),
      want: { code: WireErrorCode.Limit, offset: MAX_RELAY_SUBOPTIONS * 2, field: 'options[82].count' },
    },
  ];
  for (const c of bad) {
    test(`rejects ${c.name}`, () => {
      const v = Uint8Array.from(c.value);
      assert.deepEqual(wireErrorOf(() => decodeRelayAgentInfo(v, 0, v.length)), c.want);
    });
  }

  test('Pad (0) and End (255) are ordinary codes in option 82 (RFC 3046 defines neither)', () => {
    const v = Uint8Array.of(0, 1, 0x61, 255, 0);
    const r = decodeRelayAgentInfo(v, 0, v.length);
    assert.deepEqual(r.subOptions.map((s) => [s.code, [...s.data]]), [[0, [0x61]], [255, []]]);
  });
});
