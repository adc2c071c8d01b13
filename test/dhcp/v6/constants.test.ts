import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DHCP6_HOP_COUNT_LIMIT,
  DHCP6_OPTIONS,
  Dhcp6Opt,
  isRelayMessageType,
  messageTypeName,
  nameOf,
  optionInfo,
  statusName,
} from '../../../src/dhcp/v6/constants.ts';

describe('DHCPv6 constants', () => {
  test('HOP_COUNT_LIMIT is 8 (RFC 8415 §7.6)', () => assert.equal(DHCP6_HOP_COUNT_LIMIT, 8));

  test('every named option code is in the registry, and the registry has no duplicates', () => {
    const codes = DHCP6_OPTIONS.map((o) => o.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const code of Object.values(Dhcp6Opt)) assert.ok(optionInfo(code), `code ${code} missing`);
  });

  const names: ReadonlyArray<[(n: number) => string, number, string]> = [
    [messageTypeName, 1, 'SOLICIT'],
    [messageTypeName, 11, 'INFORMATION-REQUEST'],
    [messageTypeName, 12, 'RELAY-FORW'],
    [messageTypeName, 99, 'unknown(99)'],
    [nameOf, 39, 'CLIENT_FQDN'],
    [nameOf, 79, 'CLIENT_LINKLAYER_ADDR'],
    [nameOf, 65534, 'unknown(65534)'],
    [statusName, 2, 'NoAddrsAvail'],
    [statusName, 300, 'unknown(300)'],
  ];
  for (const [fn, code, name] of names) test(`${fn.name}(${code}) is ${name}`, () => assert.equal(fn(code), name));

  test('only RELAY-FORW and RELAY-REPL have the relay header', () => {
    assert.deepEqual([...Array(16).keys()].filter(isRelayMessageType), [12, 13]);
  });
});
