import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EncodeError, WireError } from '../../src/wire/errors.ts';
import { Reader } from '../../src/wire/reader.ts';
import { Writer } from '../../src/wire/writer.ts';
import { DnsCompressor } from '../../src/dns/compression.ts';
import {
  MAX_LABEL_OCTETS,
  MAX_NAME_OCTETS,
  MAX_POINTER_HOPS,
  decodeName,
  encodeName,
  nameByteLength,
  nameKey,
  parseNameWire,
  skipName,
} from '../../src/dns/name.ts';
import { label, labels, labelsNoRoot, ptr } from './support.ts';

/** Decodes the name at `at` in `bytes`, returning the text and where the reader stopped. */
function decodeAt(bytes: number[], at: number, end = bytes.length): { text: string; next: number } {
  const r = new Reader(Uint8Array.from(bytes), at, end);
  const text = decodeName(r, 'name');
  return { text, next: r.offset };
}

// A chain of `hops` pointers, each pointing at the previous one, ending at a name "a.":
// [01 61 00] [c0 00] [c0 03] [c0 05] ... ; the last pointer is where decoding starts.
function pointerChain(hops: number): { bytes: number[]; start: number } {
  const bytes = [...labels('a')];
  let prev = 0;
  for (let i = 0; i < hops; i++) {
    const at = bytes.length;
    bytes.push(...ptr(prev));
    prev = at;
  }
  return { bytes, start: prev };
}

describe('decodeName limits are derived from RFC 1035', () => {
  test('MAX_POINTER_HOPS is 127: a 255-octet name has at most 127 one-octet labels', () => {
    assert.equal(MAX_NAME_OCTETS, 255);
    assert.equal(MAX_LABEL_OCTETS, 63);
    assert.equal(MAX_POINTER_HOPS, 127);
  });
});

describe('decodeName accepts well-formed names', () => {
  const long255 = [...label(63, 'a'), ...label(63, 'b'), ...label(63, 'c'), ...label(61, 'd'), 0];
  const cases: ReadonlyArray<{ name: string; bytes: number[]; at?: number; want: string; next: number }> = [
    { name: 'the root is "."', bytes: [0], want: '.', next: 1 },
    { name: 'a plain name keeps its case', bytes: labels('NiD0001.Cluster.local'), want: 'NiD0001.Cluster.local.', next: 23 },
    {
      name: 'compression pointer: www + pointer to example.com',
      bytes: [...labels('example.com'), ...labelsNoRoot('www'), ...ptr(0)],
      at: 13,
      want: 'www.example.com.',
      next: 19, // the reader stops after the pointer, not after the target
    },
    {
      name: 'a name that is only a pointer',
      bytes: [...labels('example.com'), ...ptr(0)],
      at: 13,
      want: 'example.com.',
      next: 15,
    },
    {
      name: 'pointer to a suffix in the middle of an earlier name',
      bytes: [...labels('www.example.com'), ...labelsNoRoot('mail'), ...ptr(4)],
      at: 17,
      want: 'mail.example.com.',
      next: 24,
    },
    { name: 'a label of 63 octets', bytes: [...label(63), 0], want: `${'a'.repeat(63)}.`, next: 65 },
    { name: 'a name of exactly 255 octets', bytes: long255, want: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.`, next: 255 },
    {
      name: `a chain of ${MAX_POINTER_HOPS} pointers to pointers (the hop limit)`,
      ...(() => {
        const c = pointerChain(MAX_POINTER_HOPS);
        return { bytes: c.bytes, at: c.start, next: c.start + 2 };
      })(),
      want: 'a.',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(decodeAt(c.bytes, c.at ?? 0), { text: c.want, next: c.next });
    });
  }
});

describe('decodeName rejects hostile names', () => {
  const over = [...label(63, 'a'), ...label(63, 'b'), ...label(63, 'c')]; // 192 octets, no root
  const cases: ReadonlyArray<{ name: string; bytes: number[]; at?: number; end?: number; code: string; offset: number }> = [
    { name: 'a name of 256 octets', bytes: [...over, ...label(62, 'd'), 0], code: 'ERR_WIRE_LIMIT', offset: 192 },
    {
      name: 'too long by pointer: 192 octets + pointer to a 65-octet name',
      bytes: [...label(63, 'x'), 0, ...over, ...ptr(0)],
      at: 65,
      code: 'ERR_WIRE_LIMIT',
      offset: 0, // found while reading the pointer target
    },
    {
      name: `a chain of ${MAX_POINTER_HOPS + 1} pointers to pointers`,
      ...(() => {
        const c = pointerChain(MAX_POINTER_HOPS + 1);
        return { bytes: c.bytes, at: c.start, offset: 3 }; // the 128th pointer, at the bottom
      })(),
      code: 'ERR_WIRE_LIMIT',
    },
    { name: 'a pointer to itself', bytes: [0, ...ptr(1)], at: 1, code: 'ERR_WIRE_MALFORMED', offset: 1 },
    {
      name: 'pointer loop: a label, then a pointer back to the same name',
      bytes: [...labelsNoRoot('a'), ...ptr(0)],
      code: 'ERR_WIRE_MALFORMED',
      offset: 2,
    },
    {
      name: 'two names pointing at each other (the second jump is forwards)',
      bytes: [...labelsNoRoot('a'), ...ptr(4), ...labelsNoRoot('b'), ...ptr(0)],
      at: 4,
      code: 'ERR_WIRE_MALFORMED',
      offset: 2,
    },
    { name: 'a forward pointer', bytes: [...ptr(2), ...labels('a')], code: 'ERR_WIRE_MALFORMED', offset: 0 },
    { name: 'a 64-octet label (length octet 0x40 is label type 01)', bytes: [...label(64), 0], code: 'ERR_WIRE_MALFORMED', offset: 0 },
    { name: 'label type 10 (0x80)', bytes: [0x80, 0x61, 0], code: 'ERR_WIRE_MALFORMED', offset: 0 },
    { name: 'no root label before the end', bytes: labelsNoRoot('abc'), code: 'ERR_WIRE_TRUNCATED', offset: 4 },
    { name: 'a label running past the end', bytes: [5, 0x61, 0x62], code: 'ERR_WIRE_TRUNCATED', offset: 1 },
    { name: 'a pointer missing its second octet', bytes: [...labels('a'), 0xc0], at: 3, code: 'ERR_WIRE_TRUNCATED', offset: 3 },
    { name: 'an empty buffer', bytes: [], code: 'ERR_WIRE_TRUNCATED', offset: 0 },
    {
      name: 'inline labels must stay inside the reader range (RDATA)',
      bytes: [...labels('abc')],
      end: 3,
      code: 'ERR_WIRE_TRUNCATED',
      offset: 1,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => decodeAt(c.bytes, c.at ?? 0, c.end),
        (e: unknown) => e instanceof WireError && e.code === c.code && e.offset === c.offset && e.field === 'name',
      );
    });
  }

  test('a pointer may reach outside the reader range, to earlier in the message', () => {
    const bytes = [...labels('example.com'), ...labelsNoRoot('www'), ...ptr(0)];
    const r = new Reader(Uint8Array.from(bytes), 13, bytes.length);
    assert.equal(decodeName(r, 'name'), 'www.example.com.');
    assert.ok(r.atEnd);
  });
});

describe('decodeName escapes label bytes as miekg/dns does', () => {
  const cases: ReadonlyArray<{ name: string; label: number[]; want: string }> = [
    { name: 'dot inside a label', label: [0x61, 0x2e, 0x62], want: 'a\\.b.' },
    { name: 'backslash', label: [0x5c], want: '\\\\.' },
    { name: 'space', label: [0x61, 0x20, 0x62], want: 'a\\ b.' },
    { name: 'zone-file specials', label: Array.from('@;()"\'', (c) => c.charCodeAt(0)), want: '\\@\\;\\(\\)\\"\\\'.' },
    { name: 'NUL and control bytes as \\DDD', label: [0x00, 0x09, 0x1f], want: '\\000\\009\\031.' },
    { name: 'DEL and high bytes as \\DDD', label: [0x7f, 0x80, 0xff], want: '\\127\\128\\255.' },
    { name: 'printable punctuation stays', label: Array.from('-_*~!', (c) => c.charCodeAt(0)), want: '-_*~!.' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(decodeAt([c.label.length, ...c.label, 0], 0).text, c.want);
    });
  }

  test('every octet value survives decode → text → encode', () => {
    for (let b = 0; b < 256; b++) {
      const bytes = [3, 0x61, b, 0x41, 0];
      const text = decodeAt(bytes, 0).text;
      assert.deepEqual(Array.from(parseNameWire(text), (ch) => ch.charCodeAt(0)), bytes, `octet ${b}: ${text}`);
    }
  });
});

describe('skipName', () => {
  const cases: ReadonlyArray<{ name: string; bytes: number[]; next: number }> = [
    { name: 'stops after the root', bytes: [...labels('a.bc'), 0xff], next: 6 },
    { name: 'stops after the first pointer without following it', bytes: [...labelsNoRoot('a'), ...ptr(0x3fff), 0xff], next: 4 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = new Reader(Uint8Array.from(c.bytes));
      skipName(r, 'name');
      assert.equal(r.offset, c.next);
    });
  }
  test('rejects label type 01 and names over 255 octets', () => {
    assert.throws(() => skipName(new Reader(Uint8Array.of(0x40)), 'n'), { code: 'ERR_WIRE_MALFORMED', field: 'n' });
    const long = Uint8Array.from([...label(63), ...label(63), ...label(63), ...label(63), 0]);
    assert.throws(() => skipName(new Reader(long), 'n'), { code: 'ERR_WIRE_LIMIT', offset: 192 });
  });
});

describe('nameKey folds ASCII letters only (RFC 4343 §3)', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ['NiD0001.ClUsTeR.LoCaL.', 'nid0001.cluster.local.'],
    ['A\\.B.', 'a\\.b.'],
    ['\\065.', '\\065.'], // an escaped "A" is left alone: keys are compared as decoded text
    ['ÀB.', 'Àb.'], // Latin-1 letters keep their case
  ];
  for (const [text, want] of cases) test(`${text} → ${want}`, () => assert.equal(nameKey(text), want));
});

describe('parseNameWire (presentation text → wire)', () => {
  const wire = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
  const cases: ReadonlyArray<{ text: string; want: number[] }> = [
    { text: '.', want: [0] },
    { text: '', want: [0] },
    { text: 'a.b.', want: labels('a.b') },
    { text: 'a.b', want: labels('a.b') }, // relative-looking text is taken as absolute
    { text: 'a\\.b.', want: [3, 0x61, 0x2e, 0x62, 0] },
    { text: '\\065\\b.', want: [2, 0x41, 0x62, 0] },
    { text: '\\200.', want: [1, 200, 0] },
    { text: `${'x'.repeat(63)}.`, want: [...label(63, 'x'), 0] },
  ];
  for (const c of cases) test(`${JSON.stringify(c.text)}`, () => assert.deepEqual(wire(parseNameWire(c.text)), c.want));

  const bad: ReadonlyArray<{ text: string; why: string }> = [
    { text: 'a..b.', why: 'empty label' },
    { text: '.a.', why: 'leading dot' },
    { text: `${'x'.repeat(64)}.`, why: 'label of 64 octets' },
    { text: `${'x'.repeat(63)}.${'y'.repeat(63)}.${'z'.repeat(63)}.${'w'.repeat(62)}.`, why: 'name of 256 octets' },
    { text: 'a\\', why: 'dangling backslash' },
    { text: '\\256.', why: '\\DDD above 255' },
    { text: 'a\\12', why: '\\DDD with two digits' },
    { text: 'café.', why: 'raw non-ASCII' },
  ];
  for (const c of bad) {
    test(`rejects ${c.why}`, () => {
      assert.throws(() => parseNameWire(c.text, 'q'), (e: unknown) => e instanceof EncodeError && e.code === 'ERR_ENCODE_VALUE' && e.field === 'q');
    });
  }

  test('nameByteLength counts length octets and the root', () => {
    assert.equal(nameByteLength('nid0001.cluster.local.'), 23);
    assert.equal(nameByteLength('.'), 1);
  });
});

describe('encodeName', () => {
  function encodeAll(names: string[], compress: boolean, start = 0): number[] {
    const buf = new Uint8Array(600).fill(0xa5);
    const w = new Writer(buf, start);
    const c = compress ? new DnsCompressor(start) : undefined;
    for (const n of names) encodeName(w, n, c);
    return Array.from(w.finish());
  }

  test('without a compressor writes every name whole', () => {
    assert.deepEqual(encodeAll(['example.com.', 'www.example.com.'], false), [...labels('example.com'), ...labels('www.example.com')]);
  });

  test('with a compressor a known suffix becomes a pointer', () => {
    assert.deepEqual(encodeAll(['example.com.', 'www.example.com.', 'example.com.'], true), [
      ...labels('example.com'),
      ...labelsNoRoot('www'),
      ...ptr(0),
      ...ptr(0),
    ]);
  });

  test('suffixes match case-insensitively and the pointer keeps the first case', () => {
    const out = encodeAll(['WWW.Example.COM.', 'mail.example.com.'], true);
    assert.deepEqual(out, [...labels('WWW.Example.COM'), ...labelsNoRoot('mail'), ...ptr(4)]);
  });

  test('a repeated spelling points at labels, never at an earlier pointer', () => {
    // "a.example." is first written as a pointer to "A.example."; its next use must point there too.
    const out = encodeAll(['A.example.', 'a.example.', 'a.example.'], true);
    assert.deepEqual(out, [...labels('A.example'), ...ptr(0), ...ptr(0)]);
  });

  test('pointers are message-relative when the message starts inside the buffer', () => {
    const out = encodeAll(['example.com.', 'www.example.com.'], true, 100);
    assert.deepEqual(out, [...labels('example.com'), ...labelsNoRoot('www'), ...ptr(0)]);
  });

  test('the root is never replaced by a pointer', () => {
    assert.deepEqual(encodeAll(['.', '.'], true), [0, 0]);
  });

  test('suffixes beyond offset 0x3fff are not remembered (14-bit pointers)', () => {
    const buf = new Uint8Array(0x4100);
    const w = new Writer(buf);
    const c = new DnsCompressor(0);
    w.zeros(0x4000);
    encodeName(w, 'far.example.', c);
    assert.equal(c.size, 0);
    encodeName(w, 'far.example.', c);
    assert.equal(w.length, 0x4000 + 2 * nameByteLength('far.example.'));
  });

  test('a name that does not fit throws ERR_ENCODE_OVERFLOW', () => {
    const w = new Writer(new Uint8Array(5));
    assert.throws(() => encodeName(w, 'example.com.'), { code: 'ERR_ENCODE_OVERFLOW' });
  });
});
