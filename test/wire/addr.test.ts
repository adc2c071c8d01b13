import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cidrContains,
  formatIPv4,
  formatIPv6,
  formatMac,
  ipv4FromBytes,
  ipv4ToBytes,
  macToBytes,
  maskToPrefix,
  parseCidr,
  parseIp,
  parseIPv4,
  parseIPv6,
  parseMac,
  prefixToMask,
} from '../../src/wire/addr.ts';

describe('parseMac', () => {
  const accepted: ReadonlyArray<{ text: string; want: string }> = [
    { text: 'aa:bb:cc:dd:ee:ff', want: 'aa:bb:cc:dd:ee:ff' },
    { text: 'AA-BB-CC-DD-EE-FF', want: 'aa:bb:cc:dd:ee:ff' },
    { text: 'aabb.ccdd.eeff', want: 'aa:bb:cc:dd:ee:ff' },
    { text: 'AaBb.CcDd.EeFf', want: 'aa:bb:cc:dd:ee:ff' },
    { text: 'aabbccddeeff', want: 'aa:bb:cc:dd:ee:ff' },
    { text: '00:11:22:33:44:55:66:77', want: '00:11:22:33:44:55:66:77' }, // EUI-64
    { text: '0011.2233.4455.6677', want: '00:11:22:33:44:55:66:77' },
    {
      // 20-octet InfiniBand address, as Go's ParseMAC accepts
      text: '00-00-00-00-fe-80-00-00-00-00-00-00-02-00-5e-10-00-00-00-01',
      want: '00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01',
    },
  ];
  for (const c of accepted) {
    test(`normalizes ${c.text}`, () => assert.equal(parseMac(c.text), c.want));
  }

  const rejected: ReadonlyArray<{ text: string; why: string }> = [
    { text: 'aa:bb-cc:dd:ee:ff', why: 'mixed separators' },
    { text: 'aa-bb:cc-dd:ee-ff', why: 'mixed separators' },
    { text: 'aabb.ccdd:eeff', why: 'mixed separators' },
    { text: 'aa:bb:cc:dd:ee', why: '5 octets' },
    { text: 'aa:bb:cc:dd:ee:ff:00', why: '7 octets' },
    { text: 'aabbccddeeff00', why: '7 octets, bare' },
    { text: 'aabbccddeef', why: 'odd digit count' },
    { text: 'aabb.ccdd.ee', why: 'short dotted group' },
    { text: 'aabb.ccdd', why: '4 octets dotted' },
    { text: 'a:bb:cc:dd:ee:ff', why: 'one-digit group' },
    { text: 'aa:bb:cc:dd:ee:fg', why: 'non-hex digit' },
    { text: 'aa::bb:cc:dd:ee', why: 'empty group' },
    { text: 'aa:bb:cc:dd:ee:ff:', why: 'trailing separator' },
    { text: '', why: 'empty' },
  ];
  for (const c of rejected) {
    test(`rejects ${JSON.stringify(c.text)} (${c.why})`, () => assert.equal(parseMac(c.text), undefined));
  }

  test('macToBytes gives the octets of any accepted form, undefined otherwise', () => {
    assert.deepEqual(macToBytes('AA-BB-CC-DD-EE-0F'), Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x0f));
    assert.equal(macToBytes('aa:bb'), undefined);
  });

  test('formatMac renders a slice of a buffer in lowercase colon form', () => {
    const buf = Uint8Array.of(0xff, 0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f, 0xff);
    assert.equal(formatMac(buf, 1, 6), '00:1a:2b:3c:4d:5e');
    assert.equal(formatMac(Uint8Array.of(0xab, 0x01)), 'ab:01');
  });
});

describe('parseIPv4 (Go parity)', () => {
  const accepted: ReadonlyArray<{ text: string; want: number }> = [
    { text: '10.1.1.1', want: 0x0a010101 },
    { text: '0.0.0.0', want: 0 },
    { text: '255.255.255.255', want: 0xffffffff },
    { text: '192.168.0.10', want: 0xc0a8000a },
  ];
  for (const c of accepted) {
    test(`parses ${c.text}`, () => assert.equal(parseIPv4(c.text), c.want));
  }

  const rejected = [
    '010.1.1.1', // leading zero: Go rejects, octal in inet_aton
    '1.01.1.1',
    '00.1.1.1',
    '256.1.1.1',
    '1.2.3.999',
    '1.2.3', // 3 parts
    '1.2.3.4.5', // 5 parts
    '1..2.3',
    '',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '+1.2.3.4',
    '1.2.3.-4',
    '0x1.2.3.4',
    '1e1.1.1.1',
    '::ffff:1.2.3.4',
  ];
  for (const text of rejected) {
    test(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseIPv4(text), undefined));
  }

  test('formatIPv4, ipv4ToBytes and ipv4FromBytes agree', () => {
    const v = 0xc0a80a01;
    assert.equal(formatIPv4(v), '192.168.10.1');
    assert.deepEqual(ipv4ToBytes(v), Uint8Array.of(192, 168, 10, 1));
    assert.equal(ipv4FromBytes(Uint8Array.of(0, 0, 192, 168, 10, 1), 2), v);
    assert.equal(ipv4FromBytes(Uint8Array.of(255, 255, 255, 255)), 0xffffffff);
  });
});

describe('prefixToMask / maskToPrefix', () => {
  const cases: ReadonlyArray<{ prefix: number; mask: number }> = [
    { prefix: 0, mask: 0 },
    { prefix: 1, mask: 0x80000000 },
    { prefix: 8, mask: 0xff000000 },
    { prefix: 24, mask: 0xffffff00 },
    { prefix: 31, mask: 0xfffffffe },
    { prefix: 32, mask: 0xffffffff },
  ];
  for (const c of cases) {
    test(`/${c.prefix} is ${formatIPv4(c.mask)} and back`, () => {
      assert.equal(prefixToMask(c.prefix), c.mask);
      assert.equal(maskToPrefix(c.mask), c.prefix);
    });
  }

  const nonContiguous = ['255.0.255.0', '0.255.255.255', '255.255.255.253', '128.0.0.1'];
  for (const text of nonContiguous) {
    test(`${text} has no prefix`, () => assert.equal(maskToPrefix(parseIPv4(text)!), undefined));
  }
});

describe('parseIPv6 / formatIPv6 (RFC 4291 §2.2, RFC 5952 §4)', () => {
  const cases: ReadonlyArray<{ text: string; want: string; why: string }> = [
    { text: '2001:db8:0:0:0:0:2:1', want: '2001:db8::2:1', why: '§4.2.1 shorten as much as possible' },
    { text: '2001:0db8:0000:0000:0000:0000:0002:0001', want: '2001:db8::2:1', why: '§4.1 no leading zeros' },
    { text: '2001:db8:0:1:1:1:1:1', want: '2001:db8:0:1:1:1:1:1', why: '§4.2.2 one zero group is not compressed' },
    { text: '2001:0:0:1:0:0:0:1', want: '2001:0:0:1::1', why: '§4.2.3 longest run' },
    { text: '2001:db8:0:0:1:0:0:1', want: '2001:db8::1:0:0:1', why: '§4.2.3 first run on a tie' },
    { text: '2001:DB8::AbCd', want: '2001:db8::abcd', why: '§4.3 lowercase' },
    { text: '::', want: '::', why: 'all zeros' },
    { text: '0:0:0:0:0:0:0:1', want: '::1', why: 'loopback' },
    { text: '1:0:0:0:0:0:0:0', want: '1::', why: 'trailing run' },
    { text: '1:2:3:4:5:6:7::', want: '1:2:3:4:5:6:7:0', why: '`::` for one group parses, formats expanded' },
    { text: '1:2:3:4:5:6:7:8', want: '1:2:3:4:5:6:7:8', why: 'no zeros' },
    { text: '::ffff:10.0.0.1', want: '::ffff:10.0.0.1', why: 'RFC 5952 §5 mapped IPv4 keeps dotted tail' },
    { text: '::FFFF:0a00:0001', want: '::ffff:10.0.0.1', why: 'mapped written in hex' },
    { text: '64:ff9b::1.2.3.4', want: '64:ff9b::102:304', why: 'embedded IPv4 tail (RFC 6052)' },
    { text: '::1.2.3.4', want: '::102:304', why: 'IPv4-compatible tail' },
    { text: '1:2:3:4:5:6:1.2.3.4', want: '1:2:3:4:5:6:102:304', why: 'six groups and a tail' },
    { text: 'fe80::1:2.3.4.5', want: 'fe80::1:203:405', why: 'compression before a tail' },
  ];
  for (const c of cases) {
    test(`${c.text} formats as ${c.want} (${c.why})`, () => {
      const bytes = parseIPv6(c.text);
      assert.ok(bytes, 'parses');
      assert.equal(formatIPv6(bytes), c.want);
      assert.deepEqual(parseIPv6(c.want), bytes, 'formatted text parses to the same bytes');
    });
  }

  test('parses to the expected bytes', () => {
    assert.deepEqual(parseIPv6('2001:db8::ff00:42:8329'), Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0x00, 0x42, 0x83, 0x29));
  });

  const rejected: ReadonlyArray<{ text: string; why: string }> = [
    { text: 'fe80::1%eth0', why: 'zone id' },
    { text: 'fe80::1%1', why: 'numeric zone id' },
    { text: '[::1]', why: 'brackets' },
    { text: '::1/128', why: 'CIDR suffix' },
    { text: '1:2:3:4:5:6:7', why: '7 groups' },
    { text: '1:2:3:4:5:6:7:8:9', why: '9 groups' },
    { text: '1:2:3:4:5:6:7:8::', why: '`::` standing for no group' },
    { text: '::1:2:3:4:5:6:7:8', why: '`::` standing for no group' },
    { text: '1::2::3', why: 'two `::`' },
    { text: ':::1', why: 'three colons' },
    { text: ':1:2:3:4:5:6:7', why: 'leading single colon' },
    { text: '1:2:3:4:5:6:7:', why: 'trailing single colon' },
    { text: '12345::', why: 'five-digit group' },
    { text: 'g::1', why: 'non-hex' },
    { text: '::ffff:010.0.0.1', why: 'leading zero in the IPv4 tail' },
    { text: '::ffff:1.2.3', why: 'short IPv4 tail' },
    { text: '1.2.3.4::', why: 'IPv4 not at the end' },
    { text: '1:2:3:4:5:6:7:1.2.3.4', why: 'tail after seven groups' },
    { text: '1.2.3.4', why: 'plain IPv4' },
    { text: ':', why: 'lone colon' },
    { text: '', why: 'empty' },
  ];
  for (const c of rejected) {
    test(`rejects ${JSON.stringify(c.text)} (${c.why})`, () => assert.equal(parseIPv6(c.text), undefined));
  }
});

describe('parseIp', () => {
  const cases: ReadonlyArray<{ text: string; family: 4 | 6; canonical: string }> = [
    { text: '10.0.0.1', family: 4, canonical: '10.0.0.1' },
    { text: '::ffff:10.0.0.1', family: 4, canonical: '10.0.0.1' }, // Go To4()
    { text: '::FFFF:a00:1', family: 4, canonical: '10.0.0.1' },
    { text: '2001:DB8::0001', family: 6, canonical: '2001:db8::1' },
    { text: '::1.2.3.4', family: 6, canonical: '::102:304' }, // compatible, not mapped
  ];
  for (const c of cases) {
    test(`${c.text} is IPv${c.family} ${c.canonical}`, () => {
      const ip = parseIp(c.text);
      assert.equal(ip?.family, c.family);
      assert.equal(ip?.text, c.canonical);
    });
  }

  test('the IPv4 value of a mapped address is the embedded address', () => {
    const ip = parseIp('::ffff:192.168.1.2');
    assert.ok(ip?.family === 4);
    assert.equal(ip.v4, 0xc0a80102);
  });

  for (const text of ['fe80::1%eth0', '[::1]', '10.0.0.1/24', '::1/128', 'localhost', '010.0.0.1', '']) {
    test(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseIp(text), undefined));
  }
});

describe('parseCidr', () => {
  const cases: ReadonlyArray<{ text: string; want: string; family: 4 | 6; prefix: number }> = [
    { text: '10.0.0.5/24', want: '10.0.0.0/24', family: 4, prefix: 24 },
    { text: '10.0.0.5/32', want: '10.0.0.5/32', family: 4, prefix: 32 },
    { text: '172.31.255.255/12', want: '172.16.0.0/12', family: 4, prefix: 12 },
    { text: '1.2.3.4/0', want: '0.0.0.0/0', family: 4, prefix: 0 },
    { text: '2001:db8::1/64', want: '2001:db8::/64', family: 6, prefix: 64 },
    { text: '2001:db8:ffff::1/33', want: '2001:db8:8000::/33', family: 6, prefix: 33 },
    { text: 'FE80::1/128', want: 'fe80::1/128', family: 6, prefix: 128 },
    { text: '::1/0', want: '::/0', family: 6, prefix: 0 },
  ];
  for (const c of cases) {
    test(`${c.text} is ${c.want}`, () => {
      const cidr = parseCidr(c.text);
      assert.equal(cidr?.text, c.want);
      assert.equal(cidr?.family, c.family);
      assert.equal(cidr?.prefix, c.prefix);
    });
  }

  const rejected = ['10.0.0.0/33', '::/129', '10.0.0.0', '10.0.0.0/', '10.0.0.0/a', '10.0.0.0/-1', '10.0.0.0/24/1', '10.0.0.0/ 24', '010.0.0.0/8', 'fe80::1%eth0/64', '[::]/0', '/24'];
  for (const text of rejected) {
    test(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseCidr(text), undefined));
  }
});

describe('cidrContains', () => {
  const cases: ReadonlyArray<{ cidr: string; ip: string; want: boolean }> = [
    { cidr: '10.0.0.0/24', ip: '10.0.0.0', want: true },
    { cidr: '10.0.0.0/24', ip: '10.0.0.255', want: true },
    { cidr: '10.0.0.0/24', ip: '10.0.1.0', want: false },
    { cidr: '10.0.0.0/24', ip: '9.255.255.255', want: false },
    { cidr: '10.0.0.0/24', ip: '::ffff:10.0.0.7', want: true }, // mapped text is IPv4
    { cidr: '10.0.0.0/24', ip: '::a00:7', want: false }, // IPv6, other family
    { cidr: '0.0.0.0/0', ip: '255.255.255.255', want: true },
    { cidr: '0.0.0.0/0', ip: '::1', want: false },
    { cidr: '::/0', ip: '2001:db8::1', want: true },
    { cidr: '::/0', ip: '10.0.0.1', want: false },
    { cidr: '2001:db8::/32', ip: '2001:db8:ffff::1', want: true },
    { cidr: '2001:db8::/32', ip: '2001:db9::', want: false },
    { cidr: '2001:db8::/33', ip: '2001:db8:7fff::', want: true },
    { cidr: '2001:db8::/33', ip: '2001:db8:8000::', want: false },
    { cidr: '10.0.0.1/32', ip: '10.0.0.1', want: true },
    { cidr: '10.0.0.1/32', ip: '10.0.0.2', want: false },
  ];
  for (const c of cases) {
    test(`${c.cidr} ${c.want ? 'contains' : 'does not contain'} ${c.ip}`, () => {
      assert.equal(cidrContains(parseCidr(c.cidr)!, parseIp(c.ip)!), c.want);
    });
  }
});
