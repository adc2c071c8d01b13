import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatHex, formatHexdump } from '../../src/wire/hex.ts';
import { loadHexFixture, parseAnnotatedHex } from '../support/hex.ts';

describe('formatHexdump', () => {
  test('renders offset, two groups of eight, and printable ASCII', () => {
    const bytes = Uint8Array.from({ length: 20 }, (_, i) => 0x3e + i);
    assert.equal(
      formatHexdump(bytes),
      [
        '0000  3e 3f 40 41 42 43 44 45  46 47 48 49 4a 4b 4c 4d  >?@ABCDEFGHIJKLM',
        '0010  4e 4f 50 51                                       NOPQ',
      ].join('\n'),
    );
  });

  test('non-printable bytes show as dots', () => {
    assert.equal(formatHexdump(Uint8Array.of(0x00, 0x7f, 0x20, 0xff)), `0000  00 7f 20 ff${' '.repeat(37)}  .. .`);
  });

  test('shows the first 64 bytes by default and says how many were left out', () => {
    const lines = formatHexdump(new Uint8Array(300)).split('\n');
    assert.equal(lines.length, 5);
    assert.ok(lines[3]!.startsWith('0030  '));
    assert.equal(lines[4], '(236 more bytes)');
  });

  test('maxBytes cuts mid-row', () => {
    assert.equal(formatHexdump(Uint8Array.of(0x41, 0x42, 0x43), 2), `0000  41 42${' '.repeat(43)}  AB\n(1 more bytes)`);
  });

  test('an empty buffer is an empty string', () => {
    assert.equal(formatHexdump(new Uint8Array(0)), '');
  });
});

describe('formatHex', () => {
  const cases: ReadonlyArray<{ bytes: number[]; max?: number; want: string }> = [
    { bytes: [0x00, 0xab, 0x0f], want: '00ab0f' },
    { bytes: [1, 2, 3], max: 2, want: '0102…' },
    { bytes: [], want: '' },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.bytes)} max ${c.max ?? 'default'} → ${c.want}`, () => {
      assert.equal(formatHex(Uint8Array.from(c.bytes), c.max), c.want);
    });
  }

  test('defaults to 64 bytes', () => {
    assert.equal(formatHex(new Uint8Array(65)), `${'00'.repeat(64)}…`);
  });
});

// Tests for the fixture loader in test/support/hex.ts live here, next to the formatter.
describe('parseAnnotatedHex', () => {
  test('ignores the ;; header, ; comments and all whitespace', () => {
    const text = [
      ';; udhcpc 1.35.0, captured in netns 2024-01-01 ; not a byte: ff',
      ';; second header line 00',
      '45 00  ; version/IHL, TOS',
      '\t0a 00 00 01\t; src',
      '',
      'DEADbeef',
      '; ab cd (a commented-out line)',
      '01 02 ; trailing ; second semicolon 03',
    ].join('\n');
    assert.deepEqual(parseAnnotatedHex(text), Uint8Array.of(0x45, 0x00, 0x0a, 0x00, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02));
  });

  test('accepts CRLF line endings', () => {
    assert.deepEqual(parseAnnotatedHex('01 02\r\n03 04 ; x\r\n'), Uint8Array.of(1, 2, 3, 4));
  });

  const bad: ReadonlyArray<{ name: string; text: string; line: number }> = [
    { name: 'an odd digit count', text: ';; header\n01 02\n03 0', line: 3 },
    { name: 'a non-hex character', text: '01\n02 0g', line: 2 },
    { name: 'a 0x prefix', text: '0x01', line: 1 },
    { name: 'a byte split across lines', text: '0\n1', line: 1 },
  ];
  for (const c of bad) {
    test(`rejects ${c.name} with its line number`, () => {
      assert.throws(() => parseAnnotatedHex(c.text, 'x.hex'), (e: unknown) => e instanceof Error && e.message.startsWith(`x.hex:${c.line}:`));
    });
  }

  test('loadHexFixture reads a file by path or URL and names it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hex-fixture-'));
    try {
      const good = join(dir, 'good.hex');
      writeFileSync(good, ';; test\nca fe ; magic\n');
      assert.deepEqual(loadHexFixture(good), Uint8Array.of(0xca, 0xfe));
      assert.deepEqual(loadHexFixture(new URL(`file://${good}`)), Uint8Array.of(0xca, 0xfe));
      const broken = join(dir, 'broken.hex');
      writeFileSync(broken, 'ca f\n');
      assert.throws(() => loadHexFixture(broken), (e: unknown) => e instanceof Error && e.message.startsWith(`${broken}:1:`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
