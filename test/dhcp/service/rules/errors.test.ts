import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  errDuplicateKey,
  errInvalidValue,
  errKeyValFormat,
  errMutualExclusion,
  errNoKey,
  errRequiredKeys,
  errUnknownKey,
  RuleErrorCode,
  type RuleError,
} from '../../../../src/dhcp/service/rules/errors.ts';

describe('rule error texts (spec §3.7 L, part of the contract)', () => {
  const cases: Array<[string, RuleError, string, string]> = [
    ['KeyValFormat(3, "bogus")', errKeyValFormat(3, 'bogus'), RuleErrorCode.KeyValFormat, 'element 3: expected key:val, got "bogus"'],
    ['NoKey(2, ":x")', errNoKey(2, ':x'), RuleErrorCode.NoKey, 'element 2: empty key (got ":x")'],
    ['UnknownKey(1, "domian")', errUnknownKey(1, 'domian'), RuleErrorCode.UnknownKey, 'element 1: unknown key "domian"'],
    [
      'DuplicateKey(4, "hostname:x", "hostname")',
      errDuplicateKey(4, 'hostname:x', 'hostname'),
      RuleErrorCode.DuplicateKey,
      'element 4: duplicate key "hostname": got "hostname:x"',
    ],
    [
      'RequiredKeys("hostname", "routers")',
      errRequiredKeys('hostname', 'routers'),
      RuleErrorCode.RequiredKeys,
      'required key missing, at least one of [hostname routers]',
    ],
    [
      'InvalidValue("domain_append", "maybe", "global|rule|none")',
      errInvalidValue('domain_append', 'maybe', 'global|rule|none'),
      RuleErrorCode.InvalidValue,
      'invalid value for key "domain_append" (expected global|rule|none but got "maybe")',
    ],
    ['MutualExclusion("netmask", "cidr")', errMutualExclusion('netmask', 'cidr'), RuleErrorCode.MutualExclusion, 'keys are mutually exclusive: [netmask cidr]'],
  ];
  for (const [name, err, code, message] of cases) {
    test(name, () => {
      assert.equal(err.code, code);
      assert.equal(err.message, message);
    });
  }
});
