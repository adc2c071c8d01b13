import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDnsNameList, dnsNameByteLength, domainList, readDnsName, writeDnsName } from '../../../src/dhcp/v6/dns-name.ts';
import { EncodeError, EncodeErrorCode, WireErrorCode } from '../../../src/wire/errors.ts';
import { Writer } from '../../../src/wire/writer.ts';
import { ascii, hex, wireErrorOf } from './support.ts';

function wire(name: string): Uint8Array {
  const buf = Buffer.alloc(300, 0xa5);
  const w = new Writer(buf);
  writeDnsName(w, name);
  assert.equal(w.length, dnsNameByteLength(name));
  return w.finish();
}

describe('writeDnsName', () => {
  test('spec coresmd-dhcp §6.4: nid0007.override.local is one name with one final zero, not one per label', () => {
    const correct = [7, ...ascii('nid0007'), 8, ...ascii('override'), 5, ...ascii('local'), 0];
    const originalBug = [7, ...ascii('nid0007'), 0, 8, ...ascii('override'), 0, 5, ...ascii('local'), 0];
    assert.deepEqual([...wire('nid0007.override.local')], correct);
    assert.notDeepEqual([...wire('nid0007.override.local')], originalBug);
  });

  test('a trailing dot changes nothing; a single label is a one-label name', () => {
    assert.equal(hex(wire('nid0007.override.local.')), hex(wire('nid0007.override.local')));
    assert.deepEqual([...wire('nid0007')], [7, ...ascii('nid0007'), 0]);
  });

  const bad: ReadonlyArray<{ name: string; value: string }> = [
    { name: 'an empty name', value: '' },
    { name: 'the root alone', value: '.' },
    { name: 'an empty label', value: 'a..b' },
    { name: 'a 64-octet label', value: `${'a'.repeat(64)}.local` },
    { name: 'a name over 255 octets', value: Array.from({ length: 5 }, () => 'a'.repeat(63)).join('.') },
    { name: 'a non-ASCII label', value: 'nœud.local' },
  ];
  for (const c of bad) {
    test(`${c.name} is ERR_ENCODE_VALUE`, () => {
      assert.throws(() => wire(c.value), (e: unknown) => e instanceof EncodeError && e.code === EncodeErrorCode.Value);
    });
  }
});

describe('readDnsName and decodeDnsNameList', () => {
  test('reads a fully qualified name and a partial one (RFC 4704 §4.2)', () => {
    const full = Uint8Array.from([7, ...ascii('nid0007'), 5, ...ascii('local'), 0]);
    assert.deepEqual(readDnsName(full, 0, full.length, 'n', false), { name: { name: 'nid0007.local', fullyQualified: true }, next: full.length });
    const partial = Uint8Array.from([7, ...ascii('nid0007')]);
    assert.deepEqual(readDnsName(partial, 0, partial.length, 'n', true).name, { name: 'nid0007', fullyQualified: false });
  });

  test('a domain list is names one after another (RFC 3646 §4)', () => {
    const list = domainList(['cluster.example', 'example.']);
    assert.deepEqual(decodeDnsNameList(list, 0, list.length, 'options[24]'), ['cluster.example', 'example']);
  });

  const bad: ReadonlyArray<{ name: string; bytes: number[]; want: { code: string; offset: number; field: string } }> = [
    { name: 'a compression pointer (RFC 8415 §10 forbids them)', bytes: [1, 0x61, 0, 0xc0, 0], want: { code: WireErrorCode.Malformed, offset: 3, field: 'l[1]' } },
    { name: 'a label running past the end', bytes: [5, 0x61, 0x62], want: { code: WireErrorCode.Truncated, offset: 0, field: 'l[0]' } },
    { name: 'a name without its zero label', bytes: [1, 0x61], want: { code: WireErrorCode.Truncated, offset: 2, field: 'l[0]' } },
    { name: 'a name over 255 octets (the fourth 63-octet label)', bytes: [...Array.from({ length: 5 }, () => [63, ...new Array<number>(63).fill(0x61)]).flat(), 0], want: { code: WireErrorCode.Limit, offset: 192, field: 'l[0]' } },
  ];
  for (const c of bad) {
    test(`${c.name}: ${c.want.code}`, () => {
      const bytes = Uint8Array.from(c.bytes);
      assert.deepEqual(wireErrorOf(() => decodeDnsNameList(bytes, 0, bytes.length, 'l')), c.want);
    });
  }
});

describe('domainList', () => {
  test('an empty list cannot be sent', () => {
    assert.throws(() => domainList([]), (e: unknown) => e instanceof EncodeError && e.field === 'options[24]');
  });
});
