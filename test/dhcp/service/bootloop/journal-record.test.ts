import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import {
  formatRecord,
  JOURNAL_HEADER,
  parseHeader,
  parseRecord,
  type JournalRecord,
} from '../../../../src/dhcp/service/bootloop/journal-record.ts';
import { ip } from './support.ts';

const lease = { mac: 'aa:bb:cc:dd:ee:ff', ip: ip('10.0.0.5'), expiresAt: 1741111500000, grantedAt: 1741111200000, hostname: 'node1' };

function parseLine(line: string) {
  const buf = Buffer.from(line, 'utf8');
  const end = buf[buf.length - 1] === 0x0a ? buf.length - 1 : buf.length;
  return parseRecord(buf, 0, end);
}

/** A line with a correct checksum around an arbitrary payload. */
function signed(payload: string): string {
  return `${crc32(payload).toString(16).padStart(8, '0')} ${payload}\n`;
}

describe('journal record format', () => {
  test('a put is one line: checksum, space, JSON array, LF (pinned bytes)', () => {
    assert.equal(
      formatRecord({ op: 'put', lease }),
      '7485471a ["put","aa:bb:cc:dd:ee:ff","10.0.0.5",1741111500000,1741111200000,"node1"]\n',
    );
  });

  test('a delete is one line (pinned bytes)', () => {
    assert.equal(formatRecord({ op: 'del', mac: 'aa:bb:cc:dd:ee:ff' }), 'ef314b3c ["del","aa:bb:cc:dd:ee:ff"]\n');
  });

  test('the header names the format version', () => {
    assert.equal(JOURNAL_HEADER, 'coresmd-ts bootloop journal 1\n');
  });

  const roundTrips: { name: string; record: JournalRecord }[] = [
    { name: 'a plain put', record: { op: 'put', lease } },
    { name: 'an empty hostname', record: { op: 'put', lease: { ...lease, hostname: '' } } },
    { name: 'a hostname with LF, quotes and backslashes', record: { op: 'put', lease: { ...lease, hostname: 'a\nb"c\\d\r\u0000' } } },
    { name: 'a non-ASCII hostname', record: { op: 'put', lease: { ...lease, hostname: 'nœud-ü-雪' } } },
    { name: 'address 0.0.0.0 and 255.255.255.255 bounds', record: { op: 'put', lease: { ...lease, ip: 0xffffffff } } },
    { name: 'a 20-octet InfiniBand MAC', record: { op: 'put', lease: { ...lease, mac: Array(20).fill('0a').join(':') } } },
    { name: 'a delete', record: { op: 'del', mac: 'aa:bb:cc:dd:ee:ff' } },
  ];
  for (const c of roundTrips) {
    test(`round trip: ${c.name}`, () => {
      const line = formatRecord(c.record);
      assert.equal(line.indexOf('\n'), line.length - 1, 'exactly one LF, at the end');
      assert.deepEqual(parseLine(line), { ok: true, record: c.record });
    });
  }

  const good = formatRecord({ op: 'put', lease });
  const bad: { name: string; line: string; kind: 'frame' | 'content'; problem: RegExp }[] = [
    { name: 'one flipped payload byte', line: good.replace('10.0.0.5', '10.0.0.6'), kind: 'frame', problem: /checksum mismatch/ },
    { name: 'a torn record (prefix)', line: good.slice(0, 40), kind: 'frame', problem: /checksum mismatch/ },
    { name: 'only a checksum', line: good.slice(0, 9), kind: 'frame', problem: /not "<crc> <payload>"/ },
    { name: 'zeros (a power-loss hole)', line: '\0'.repeat(60), kind: 'frame', problem: /not "<crc> <payload>"/ },
    { name: 'an upper-case checksum', line: good.replace(/^[0-9a-f]{8}/, (h) => h.toUpperCase().replace(/[0-9]/, 'A')), kind: 'frame', problem: /./ },
    { name: 'a valid checksum over non-JSON', line: signed('["put",'), kind: 'content', problem: /not JSON/ },
    { name: 'an unknown operation', line: signed('["zap","aa:bb:cc:dd:ee:ff"]'), kind: 'content', problem: /unknown operation "zap"/ },
    { name: 'an upper-case MAC', line: signed('["del","AA:BB:CC:DD:EE:FF"]'), kind: 'content', problem: /lowercase colon MAC/ },
    { name: 'an IPv6 address', line: signed('["put","aa:bb:cc:dd:ee:ff","2001:db8::1",1,1,""]'), kind: 'content', problem: /not an IPv4 address/ },
    { name: 'a fractional expiry', line: signed('["put","aa:bb:cc:dd:ee:ff","10.0.0.1",1.5,1,""]'), kind: 'content', problem: /expiresAt/ },
    { name: 'a missing field', line: signed('["put","aa:bb:cc:dd:ee:ff","10.0.0.1",1,1]'), kind: 'content', problem: /expected \["put"/ },
    { name: 'an object payload', line: signed('{"op":"put"}'), kind: 'content', problem: /not an array/ },
  ];
  for (const c of bad) {
    test(`rejects ${c.name} as ${c.kind} damage`, () => {
      const r = parseLine(c.line);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.kind, c.kind);
      assert.match(r.problem, c.problem);
    });
  }
});

describe('journal header', () => {
  const cases: { name: string; bytes: string; expect: { ok: true; length: number } | { empty: boolean; problem: RegExp } }[] = [
    { name: 'our header', bytes: JOURNAL_HEADER + 'x', expect: { ok: true, length: JOURNAL_HEADER.length } },
    { name: 'an empty file', bytes: '', expect: { empty: true, problem: /no header/ } },
    { name: 'a prefix of our header', bytes: JOURNAL_HEADER.slice(0, 12), expect: { empty: true, problem: /no header/ } },
    { name: 'a SQLite database', bytes: 'SQLite format 3\0\x10\x00\x01\x01\n', expect: { empty: false, problem: /SQLite database.*original coresmd lease file/ } },
    { name: 'a future format', bytes: 'coresmd-ts bootloop journal 2\n', expect: { empty: false, problem: /format 2 is not supported \(this build reads format 1\)/ } },
    { name: 'some other text file', bytes: 'hello\nworld\n', expect: { empty: false, problem: /not a coresmd-ts bootloop journal/ } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = parseHeader(Buffer.from(c.bytes, 'latin1'));
      if ('ok' in c.expect) {
        assert.deepEqual(r, c.expect);
        return;
      }
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.empty, c.expect.empty);
      assert.match(r.problem, c.expect.problem);
    });
  }
});
