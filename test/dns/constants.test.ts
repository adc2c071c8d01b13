import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DnsClass, DnsOpcode, DnsRcode, DnsType, nameOf } from '../../src/dns/constants.ts';

describe('nameOf', () => {
  const cases: ReadonlyArray<{ table: Readonly<Record<string, number>>; code: number; want: string }> = [
    { table: DnsType, code: 28, want: 'AAAA' },
    { table: DnsType, code: 12, want: 'PTR' },
    { table: DnsType, code: 41, want: 'OPT' },
    { table: DnsType, code: 65280, want: 'unknown(65280)' },
    { table: DnsClass, code: 3, want: 'CH' },
    { table: DnsRcode, code: 16, want: 'BADVERS' },
    { table: DnsRcode, code: 3, want: 'NXDOMAIN' },
    { table: DnsOpcode, code: 3, want: 'unknown(3)' },
  ];
  for (const c of cases) test(`${c.code} → ${c.want}`, () => assert.equal(nameOf(c.table, c.code), c.want));

  test('codes in each table are unique, so names are unambiguous', () => {
    for (const table of [DnsType, DnsClass, DnsRcode, DnsOpcode]) {
      const codes = Object.values(table);
      assert.equal(new Set(codes).size, codes.length);
    }
  });
});
