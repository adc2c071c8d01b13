import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HostsFileError, parseHostsFile } from '../../../../src/dhcp/service/handlers/hosts-file.ts';
import { ip } from './support.ts';

describe('hosts file: what loads (coredhcp plugins/file format)', () => {
  const cases: Array<[string, string, Array<[string, string]>]> = [
    ['one lease per line', '00:11:22:33:44:55 10.0.0.1\n01:23:45:67:89:01 10.0.10.10\n', [['00:11:22:33:44:55', '10.0.0.1'], ['01:23:45:67:89:01', '10.0.10.10']]],
    ['comment lines, blank and whitespace-only lines', '# rack 1\n\n   \n\t# indented comment\n00:11:22:33:44:55 10.0.0.1', [['00:11:22:33:44:55', '10.0.0.1']]],
    ['a trailing comment', '00:11:22:33:44:55 10.0.0.1 # node 1', [['00:11:22:33:44:55', '10.0.0.1']]],
    ['tabs and runs of spaces separate fields', '00:11:22:33:44:55\t \t10.0.0.1', [['00:11:22:33:44:55', '10.0.0.1']]],
    ['CRLF line ends', '00:11:22:33:44:55 10.0.0.1\r\n00:11:22:33:44:56 10.0.0.2\r\n', [['00:11:22:33:44:55', '10.0.0.1'], ['00:11:22:33:44:56', '10.0.0.2']]],
    ['MACs in any case or separator are normalized', 'AA-BB-CC-DD-EE-FF 10.0.0.1\naabb.ccdd.ee00 10.0.0.2', [['aa:bb:cc:dd:ee:ff', '10.0.0.1'], ['aa:bb:cc:dd:ee:00', '10.0.0.2']]],
    ['an IPv4-mapped IPv6 address is its IPv4 address (Go To4)', '00:11:22:33:44:55 ::ffff:10.0.0.9', [['00:11:22:33:44:55', '10.0.0.9']]],
    ['the same lease twice is harmless', '00:11:22:33:44:55 10.0.0.1\n00:11:22:33:44:55 10.0.0.1', [['00:11:22:33:44:55', '10.0.0.1']]],
    ['an empty file', '', []],
  ];
  for (const [name, text, want] of cases) {
    test(name, () => {
      assert.deepEqual([...parseHostsFile(text, 'leases.txt')], want.map(([m, a]) => [m, ip(a)]));
    });
  }
});

describe('hosts file: what is refused, with file:line', () => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['one field', '# c\n00:11:22:33:44:55\n', 2, /want 2 fields .* got 1/],
    ['three fields', '00:11:22:33:44:55 10.0.0.1 extra', 1, /got 3/],
    ['a bad MAC', '\n\n00:11:22:33:44 10.0.0.1', 3, /malformed hardware address "00:11:22:33:44"/],
    ['an IPv6 address', '00:11:22:33:44:55 fd00::1', 1, /expected an IPv4 address/],
    ['a hostname instead of an address', '00:11:22:33:44:55 node1', 1, /expected an IPv4 address/],
    ['0.0.0.0', '00:11:22:33:44:55 0.0.0.0', 1, /cannot be leased/],
    ['one MAC with two addresses', '00:11:22:33:44:55 10.0.0.1\n00:11:22:33:44:55 10.0.0.2', 2, /already given another address on line 1/],
  ];
  for (const [name, text, line, re] of cases) {
    test(name, () => {
      assert.throws(
        () => parseHostsFile(text, '/etc/coredhcp/leases.txt'),
        (e: unknown) => {
          assert.ok(e instanceof HostsFileError);
          assert.equal(e.file, '/etc/coredhcp/leases.txt');
          assert.equal(e.line, line);
          assert.ok(e.message.startsWith(`/etc/coredhcp/leases.txt:${line}: `), e.message);
          assert.match(e.message, re);
          return true;
        },
      );
    });
  }
});
