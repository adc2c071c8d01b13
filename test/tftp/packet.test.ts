import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EncodeError, EncodeErrorCode, WireError, WireErrorCode } from '../../src/wire/errors.ts';
import { Writer } from '../../src/wire/writer.ts';
import { TftpErrorCode, TftpMode, TftpOpcode } from '../../src/tftp/constants.ts';
import {
  byteLength,
  decodeTftp,
  encodeAck,
  encodeData,
  encodeError,
  encodeOack,
  encodeRrq,
  encodeTftp,
  encodeWrq,
  ERROR_MESSAGE_MAX_LENGTH,
  FILENAME_MAX_LENGTH,
  OPTIONS_MAX,
  peekTftpOpcode,
} from '../../src/tftp/packet.ts';
import type { TftpOptionList, TftpPacket } from '../../src/tftp/packet.ts';
import { tftpFixture, tftpFixtureNames } from './fixtures.ts';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...parts: (Uint8Array | number[])[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
/** `text` followed by its NUL, as every RRQ/WRQ/OACK field is sent (RFC 1350 §5, RFC 2347). */
const z = (s: string): number[] => [...ascii(s), 0];

interface WantError {
  readonly code: string;
  readonly offset: number;
  readonly field: string;
}

function decodeOk(buf: Uint8Array): TftpPacket {
  const r = decodeTftp(buf);
  if (!r.ok) assert.fail(`expected a packet, got ${r.error.message}`);
  return r.value;
}

function decodeErr(buf: Uint8Array): WantError {
  const r = decodeTftp(buf);
  if (r.ok) assert.fail(`expected a WireError, got ${JSON.stringify(r.value)}`);
  assert.ok(r.error instanceof WireError);
  return { code: r.error.code, offset: r.error.offset, field: r.error.field };
}

function encodeErr(fn: (w: Writer) => void, capacity = 2048): { code: string; field: string } {
  try {
    fn(new Writer(new Uint8Array(capacity)));
  } catch (e) {
    assert.ok(e instanceof EncodeError, `expected EncodeError, got ${String(e)}`);
    return { code: e.code, field: e.field };
  }
  assert.fail('expected an EncodeError, nothing was thrown');
}

const DIRTY = 0xa5;
const AT = 10;

/** Encodes into a 0xa5-filled buffer at offset 10 and checks nothing outside the packet moved. */
function encodeDirty(fn: (w: Writer) => void, size = 70000): Uint8Array {
  const buf = new Uint8Array(size).fill(DIRTY);
  const w = new Writer(buf, AT, size - AT - 10);
  fn(w);
  const out = w.finish();
  assert.ok(buf.subarray(0, AT).every((b) => b === DIRTY), 'bytes before the packet were touched');
  assert.ok(buf.subarray(AT + out.length).every((b) => b === DIRTY), 'bytes after the packet were touched');
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------

interface FixtureCase {
  readonly fixture: string;
  readonly want?: TftpPacket;
  readonly wantError?: WantError;
  /** Re-encoding the decoded model gives back exactly the fixture's bytes. */
  readonly canonical?: boolean;
}

const rrq = (filename: string, mode: TftpMode, options: TftpOptionList = []): TftpPacket => ({
  kind: 'rrq',
  filename: utf8(filename),
  filenameText: filename,
  mode,
  options,
});
const wrq = (filename: string, mode: TftpMode, options: TftpOptionList = []): TftpPacket => ({
  kind: 'wrq',
  filename: utf8(filename),
  filenameText: filename,
  mode,
  options,
});

const fixtureCases: FixtureCase[] = [
  // captured: tftp-hpa 5.2 sends no options
  { fixture: 'tftp-hpa-5.2-rrq-octet.hex', want: rrq('pxelinux.0', 'octet'), canonical: true },
  { fixture: 'tftp-hpa-5.2-rrq-netascii.hex', want: rrq('boot.txt', 'netascii'), canonical: true },
  { fixture: 'tftp-hpa-5.2-rrq-utf8-filename.hex', want: rrq('café/ipxe.efi', 'octet'), canonical: true },
  { fixture: 'tftp-hpa-5.2-rrq-literal-backslash.hex', want: rrq('C:\\boot\\pxe.0', 'octet'), canonical: true },
  { fixture: 'tftp-hpa-5.2-wrq-octet.hex', want: wrq('upload.txt', 'octet'), canonical: true },
  { fixture: 'tftp-hpa-5.2-data-block1.hex', want: { kind: 'data', block: 1, payload: ascii('hello\n') }, canonical: true },
  { fixture: 'tftp-hpa-5.2-ack-block1.hex', want: { kind: 'ack', block: 1 }, canonical: true },
  // captured: atftp 0.8.0 with and without --option
  {
    fixture: 'atftp-0.8.0-rrq-blksize-tsize-windowsize.hex',
    want: rrq('ipxe-x86_64.efi', 'octet', [['tsize', '0'], ['blksize', '1428'], ['windowsize', '8']]),
    canonical: true,
  },
  { fixture: 'atftp-0.8.0-rrq-plain.hex', want: rrq('undionly.kpxe', 'octet'), canonical: true },
  {
    fixture: 'atftp-0.8.0-rrq-tsize-enable-timeout.hex',
    want: rrq('config.ipxe', 'octet', [['tsize', 'enable'], ['timeout', '1'], ['blksize', '65464']]),
    canonical: true,
  },
  { fixture: 'atftp-0.8.0-rrq-netascii.hex', want: rrq('boot.txt', 'netascii'), canonical: true },
  { fixture: 'atftp-0.8.0-wrq-tsize-blksize.hex', want: wrq('upload.txt', 'octet', [['tsize', '6'], ['blksize', '1428']]), canonical: true },
  { fixture: 'atftp-0.8.0-ack-oack.hex', want: { kind: 'ack', block: 0 }, canonical: true },
  // hand-built
  {
    fixture: 'handmade-oack-tsize-blksize-windowsize.hex',
    want: { kind: 'oack', options: [['tsize', '14'], ['blksize', '1428'], ['windowsize', '8']] },
    canonical: true,
  },
  { fixture: 'handmade-error-option-negotiation.hex', want: { kind: 'error', code: TftpErrorCode.OptionNegotiation, message: 'tsize probe done' }, canonical: true },
  { fixture: 'handmade-error-no-nul.hex', want: { kind: 'error', code: TftpErrorCode.FileNotFound, message: 'File not found' } },
  { fixture: 'handmade-rrq-dangling-option.hex', want: rrq('ipxe.efi', 'octet', [['blksize', '1428']]) },
  { fixture: 'handmade-rrq-nul-padding.hex', want: rrq('ipxe.efi', 'octet', [['blksize', '1428']]) },
  { fixture: 'handmade-rrq-no-nul.hex', wantError: { code: WireErrorCode.Truncated, offset: 18, field: 'mode' } },
  { fixture: 'handmade-rrq-duplicate-option.hex', wantError: { code: WireErrorCode.Malformed, offset: 38, field: 'option.name' } },
  { fixture: 'handmade-rrq-empty-filename.hex', wantError: { code: WireErrorCode.Malformed, offset: 2, field: 'filename' } },
  { fixture: 'handmade-rrq-many-options.hex', wantError: { code: WireErrorCode.Limit, offset: 209, field: 'options' } },
];

describe('decodeTftp over the fixtures', () => {
  test('every fixture file has a case', () => {
    assert.deepEqual(tftpFixtureNames(), fixtureCases.map((c) => c.fixture).sort());
  });

  for (const c of fixtureCases) {
    test(`${c.fixture} ${c.wantError ? `is refused with ${c.wantError.code} in ${c.wantError.field}` : `decodes to ${c.want?.kind}`}`, () => {
      const buf = tftpFixture(c.fixture);
      if (c.wantError) assert.deepEqual(decodeErr(buf), c.wantError);
      else assert.deepEqual(decodeOk(buf), c.want);
    });
  }

  for (const c of fixtureCases.filter((c) => c.want !== undefined)) {
    test(`${c.fixture} round-trips through encodeTftp into a dirty buffer`, () => {
      const model = decodeOk(tftpFixture(c.fixture));
      const out = encodeDirty((w) => encodeTftp(w, model));
      assert.equal(out.length, byteLength(model));
      assert.deepEqual(decodeOk(out), model);
      if (c.canonical) assert.deepEqual(out, tftpFixture(c.fixture));
    });
  }

  test('the filename is a zero-copy view of the datagram and the payload too', () => {
    const req = tftpFixture('tftp-hpa-5.2-rrq-utf8-filename.hex');
    const r = decodeOk(req);
    assert.equal(r.kind, 'rrq');
    if (r.kind !== 'rrq') return;
    assert.equal(r.filename.buffer, req.buffer);
    assert.deepEqual([...r.filename.subarray(3, 5)], [0xc3, 0xa9]); // é in UTF-8, kept as sent
    const data = tftpFixture('tftp-hpa-5.2-data-block1.hex');
    const d = decodeOk(data);
    assert.ok(d.kind === 'data' && d.payload.buffer === data.buffer && d.payload.byteOffset === 4);
  });
});

// ---------------------------------------------------------------------------------------------

interface InlineCase {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly want?: TftpPacket;
  readonly wantError?: WantError;
}

const RQ = [0x00, 0x01]; // opcode RRQ
const longName = 'f'.repeat(FILENAME_MAX_LENGTH);
const manyOptions = (n: number): number[] => Array.from({ length: n }, (_, i) => [...z(`o${i}`), ...z('1')]).flat();

const inlineCases: InlineCase[] = [
  // header
  { name: 'an empty datagram is truncated at the opcode', bytes: cat([]), wantError: { code: WireErrorCode.Truncated, offset: 0, field: 'opcode' } },
  { name: 'one byte is truncated at the opcode', bytes: cat([0x00]), wantError: { code: WireErrorCode.Truncated, offset: 0, field: 'opcode' } },
  { name: 'opcode 0 is malformed', bytes: cat([0x00, 0x00, 0x00, 0x01]), wantError: { code: WireErrorCode.Malformed, offset: 0, field: 'opcode' } },
  { name: 'opcode 7 is malformed', bytes: cat([0x00, 0x07]), wantError: { code: WireErrorCode.Malformed, offset: 0, field: 'opcode' } },
  { name: 'opcode 0x0101 is malformed', bytes: cat([0x01, 0x01, ...z('x'), ...z('octet')]), wantError: { code: WireErrorCode.Malformed, offset: 0, field: 'opcode' } },
  // requests
  { name: 'an RRQ with no filename NUL is truncated', bytes: cat(RQ, ascii('pxelinux.0')), wantError: { code: WireErrorCode.Truncated, offset: 12, field: 'filename' } },
  { name: 'an RRQ without a mode is truncated', bytes: cat(RQ, z('pxelinux.0')), wantError: { code: WireErrorCode.Truncated, offset: 13, field: 'mode' } },
  { name: 'mode is case-insensitive (RFC 1350 §5)', bytes: cat(RQ, z('x'), z('OCTET')), want: rrq('x', 'octet') },
  { name: 'mode NetAscii is netascii', bytes: cat(RQ, z('x'), z('NetAscii')), want: rrq('x', 'netascii') },
  { name: 'mode mail decodes (the service refuses it)', bytes: cat(RQ, z('x'), z('mail')), want: rrq('x', 'mail') },
  { name: 'mode binary is malformed: clients translate it to octet', bytes: cat(RQ, z('x'), z('binary')), wantError: { code: WireErrorCode.Malformed, offset: 4, field: 'mode' } },
  { name: 'an empty mode is malformed', bytes: cat(RQ, z('x'), [0]), wantError: { code: WireErrorCode.Malformed, offset: 4, field: 'mode' } },
  { name: 'a non-ASCII mode is malformed', bytes: cat(RQ, z('x'), [0x6f, 0xe9, 0x00]), wantError: { code: WireErrorCode.Malformed, offset: 5, field: 'mode' } },
  { name: `a ${FILENAME_MAX_LENGTH}-byte filename decodes`, bytes: cat(RQ, z(longName), z('octet')), want: rrq(longName, 'octet') },
  { name: 'a longer filename hits the limit', bytes: cat(RQ, z(`${longName}f`), z('octet')), wantError: { code: WireErrorCode.Limit, offset: 2, field: 'filename' } },
  {
    name: 'invalid UTF-8 in a filename is kept raw, with U+FFFD in the text',
    bytes: cat(RQ, [0x61, 0xff, 0x00], z('octet')),
    want: { kind: 'rrq', filename: Uint8Array.of(0x61, 0xff), filenameText: 'a\ufffd', mode: 'octet', options: [] },
  },
  { name: 'option names are lowercased, values kept verbatim', bytes: cat(RQ, z('x'), z('octet'), z('BlkSize'), z('ABC')), want: rrq('x', 'octet', [['blksize', 'ABC']]) },
  { name: 'an empty value is a value', bytes: cat(RQ, z('x'), z('octet'), z('blksize'), [0], z('tsize'), z('0')), want: rrq('x', 'octet', [['blksize', ''], ['tsize', '0']]) },
  { name: 'an unterminated option value is truncated', bytes: cat(RQ, z('x'), z('octet'), z('blksize'), ascii('1428')), wantError: { code: WireErrorCode.Truncated, offset: 22, field: 'option.value' } },
  { name: 'an unterminated option name is truncated', bytes: cat(RQ, z('x'), z('octet'), ascii('blksize')), wantError: { code: WireErrorCode.Truncated, offset: 17, field: 'option.name' } },
  { name: 'a non-ASCII option name is malformed', bytes: cat(RQ, z('x'), z('octet'), [0x62, 0x80, 0x00], z('1')), wantError: { code: WireErrorCode.Malformed, offset: 11, field: 'option.name' } },
  { name: 'a non-ASCII option value is malformed', bytes: cat(RQ, z('x'), z('octet'), z('blksize'), [0x31, 0xff, 0x00]), wantError: { code: WireErrorCode.Malformed, offset: 19, field: 'option.value' } },
  { name: 'a duplicate in the same case is malformed', bytes: cat(RQ, z('x'), z('octet'), z('tsize'), z('0'), z('tsize'), z('0')), wantError: { code: WireErrorCode.Malformed, offset: 18, field: 'option.name' } },
  { name: `${OPTIONS_MAX} options decode`, bytes: cat(RQ, z('x'), z('octet'), manyOptions(OPTIONS_MAX)), want: rrq('x', 'octet', Array.from({ length: OPTIONS_MAX }, (_, i) => [`o${i}`, '1'] as const)) },
  { name: 'an option name over 255 bytes hits the limit', bytes: cat(RQ, z('x'), z('octet'), z('n'.repeat(256)), z('1')), wantError: { code: WireErrorCode.Limit, offset: 10, field: 'option.name' } },
  { name: 'padding followed by more bytes is trailing garbage', bytes: cat(RQ, z('x'), z('octet'), [0, 0, 0x41]), wantError: { code: WireErrorCode.Trailing, offset: 12, field: 'padding' } },
  { name: 'a single NUL of padding ends the options', bytes: cat(RQ, z('x'), z('octet'), z('tsize'), z('0'), [0]), want: rrq('x', 'octet', [['tsize', '0']]) },
  { name: 'a WRQ decodes like an RRQ', bytes: cat([0x00, 0x02], z('x'), z('octet'), z('tsize'), z('6')), want: wrq('x', 'octet', [['tsize', '6']]) },
  // DATA
  { name: 'DATA with an empty payload ends a transfer whose size is a multiple of blksize', bytes: cat([0x00, 0x03, 0x12, 0x34]), want: { kind: 'data', block: 0x1234, payload: new Uint8Array(0) } },
  { name: 'DATA without a block number is truncated', bytes: cat([0x00, 0x03, 0x00]), wantError: { code: WireErrorCode.Truncated, offset: 2, field: 'block' } },
  { name: 'DATA block 65535 decodes', bytes: cat([0x00, 0x03, 0xff, 0xff, 0x01]), want: { kind: 'data', block: 65535, payload: Uint8Array.of(1) } },
  { name: 'a DATA payload over 65464 octets hits the RFC 2348 limit', bytes: cat([0x00, 0x03, 0x00, 0x01], new Uint8Array(65465)), wantError: { code: WireErrorCode.Limit, offset: 4, field: 'payload' } },
  // ACK
  { name: 'an ACK of 3 bytes is truncated', bytes: cat([0x00, 0x04, 0x00]), wantError: { code: WireErrorCode.Truncated, offset: 2, field: 'block' } },
  { name: 'bytes after an ACK block are ignored', bytes: cat([0x00, 0x04, 0x00, 0x07, 0xde, 0xad]), want: { kind: 'ack', block: 7 } },
  // ERROR
  { name: 'an ERROR of 3 bytes is truncated', bytes: cat([0x00, 0x05, 0x00]), wantError: { code: WireErrorCode.Truncated, offset: 2, field: 'code' } },
  { name: 'an ERROR with no message decodes', bytes: cat([0x00, 0x05, 0x00, 0x00]), want: { kind: 'error', code: 0, message: '' } },
  { name: 'bytes after the ERROR message NUL are ignored', bytes: cat([0x00, 0x05, 0x00, 0x02], z('denied'), [0x41, 0x42]), want: { kind: 'error', code: 2, message: 'denied' } },
  { name: 'an unknown error code is kept', bytes: cat([0x00, 0x05, 0x01, 0x00], z('x')), want: { kind: 'error', code: 256, message: 'x' } },
  { name: 'an ERROR message in UTF-8 is decoded', bytes: cat([0x00, 0x05, 0x00, 0x01], utf8('café'), [0]), want: { kind: 'error', code: 1, message: 'café' } },
  // OACK
  { name: 'an empty OACK decodes', bytes: cat([0x00, 0x06]), want: { kind: 'oack', options: [] } },
  { name: 'OACK option names are lowercased', bytes: cat([0x00, 0x06], z('BLKSIZE'), z('1428')), want: { kind: 'oack', options: [['blksize', '1428']] } },
  { name: 'a duplicate OACK option is malformed', bytes: cat([0x00, 0x06], z('tsize'), z('1'), z('tsize'), z('1')), wantError: { code: WireErrorCode.Malformed, offset: 10, field: 'option.name' } },
];

describe('decodeTftp edge cases', () => {
  for (const c of inlineCases) {
    test(c.name, () => {
      if (c.wantError) assert.deepEqual(decodeErr(c.bytes), c.wantError);
      else assert.deepEqual(decodeOk(c.bytes), c.want);
    });
  }

  test('a decode error is returned as a WireError, never thrown', () => {
    let r: ReturnType<typeof decodeTftp> | undefined;
    assert.doesNotThrow(() => {
      r = decodeTftp(Uint8Array.of(0x00));
    });
    assert.ok(r !== undefined && !r.ok && r.error instanceof WireError);
  });
});

describe('peekTftpOpcode', () => {
  const cases = [
    { bytes: cat([]), want: undefined },
    { bytes: cat([0x00]), want: undefined },
    { bytes: cat([0x00, 0x04]), want: TftpOpcode.ACK },
    { bytes: cat([0x00, 0x01, 0x41]), want: TftpOpcode.RRQ },
    { bytes: cat([0x12, 0x34]), want: 0x1234 },
  ];
  for (const c of cases) {
    test(`[${[...c.bytes].join(',')}] peeks ${String(c.want)}`, () => assert.equal(peekTftpOpcode(c.bytes), c.want));
  }
});

// ---------------------------------------------------------------------------------------------

describe('encoders write the bytes real clients send', () => {
  const cases: { name: string; fixture: string; encode: (w: Writer) => void }[] = [
    { name: 'encodeRrq with a UTF-8 string filename', fixture: 'tftp-hpa-5.2-rrq-utf8-filename.hex', encode: (w) => encodeRrq(w, 'café/ipxe.efi', 'octet') },
    { name: 'encodeRrq with raw filename bytes', fixture: 'tftp-hpa-5.2-rrq-octet.hex', encode: (w) => encodeRrq(w, ascii('pxelinux.0'), 'octet') },
    {
      name: 'encodeRrq with options in order',
      fixture: 'atftp-0.8.0-rrq-blksize-tsize-windowsize.hex',
      encode: (w) => encodeRrq(w, 'ipxe-x86_64.efi', 'octet', [['tsize', '0'], ['blksize', '1428'], ['windowsize', '8']]),
    },
    { name: 'encodeWrq', fixture: 'atftp-0.8.0-wrq-tsize-blksize.hex', encode: (w) => encodeWrq(w, 'upload.txt', 'octet', [['tsize', '6'], ['blksize', '1428']]) },
    { name: 'encodeData', fixture: 'tftp-hpa-5.2-data-block1.hex', encode: (w) => encodeData(w, 1, ascii('hello\n')) },
    { name: 'encodeAck block 1', fixture: 'tftp-hpa-5.2-ack-block1.hex', encode: (w) => encodeAck(w, 1) },
    { name: 'encodeAck block 0 (after an OACK)', fixture: 'atftp-0.8.0-ack-oack.hex', encode: (w) => encodeAck(w, 0) },
    { name: 'encodeError code 8', fixture: 'handmade-error-option-negotiation.hex', encode: (w) => encodeError(w, TftpErrorCode.OptionNegotiation, 'tsize probe done') },
    {
      name: 'encodeOack in the order given',
      fixture: 'handmade-oack-tsize-blksize-windowsize.hex',
      encode: (w) => encodeOack(w, [['tsize', '14'], ['blksize', '1428'], ['windowsize', '8']]),
    },
  ];
  for (const c of cases) {
    test(`${c.name} matches ${c.fixture}`, () => assert.deepEqual(encodeDirty(c.encode), tftpFixture(c.fixture)));
  }
});

describe('encodeError', () => {
  test('replaces NUL and non-ASCII characters with ? (ErrMsg is netascii, RFC 1350 §5)', () => {
    const out = encodeDirty((w) => encodeError(w, 1, 'open /tftpboot/café\0x: no such file'));
    assert.deepEqual(decodeOk(out), { kind: 'error', code: 1, message: 'open /tftpboot/caf??x: no such file' });
  });

  test(`cuts the message at ${ERROR_MESSAGE_MAX_LENGTH} characters so the packet fits 516 octets`, () => {
    const packet: TftpPacket = { kind: 'error', code: 0, message: 'm'.repeat(2000) };
    const out = encodeDirty((w) => encodeTftp(w, packet));
    assert.equal(out.length, 516);
    assert.equal(byteLength(packet), 516);
    assert.deepEqual(decodeOk(out), { kind: 'error', code: 0, message: 'm'.repeat(ERROR_MESSAGE_MAX_LENGTH) });
  });

  test('fits in a 516-byte pool slot whatever the message', () => {
    const w = new Writer(new Uint8Array(516).fill(DIRTY));
    encodeError(w, TftpErrorCode.AccessViolation, `open ${'x'.repeat(4000)}: permission denied`);
    assert.equal(w.length, 516);
    assert.equal(w.finish()[515], 0);
  });
});

describe('byteLength', () => {
  const models: TftpPacket[] = [
    rrq('pxelinux.0', 'octet'),
    rrq('café', 'netascii', [['blksize', '1428'], ['tsize', '0']]),
    { kind: 'data', block: 9, payload: new Uint8Array(1428) },
    { kind: 'ack', block: 65535 },
    { kind: 'error', code: 1, message: 'File not found' },
    { kind: 'oack', options: [['blksize', '1468']] },
  ];
  for (const m of models) {
    test(`equals the bytes encodeTftp writes for ${m.kind}`, () => {
      const w = new Writer(new Uint8Array(2048));
      encodeTftp(w, m);
      assert.equal(w.length, byteLength(m));
    });
  }
});

describe('encoders refuse what the decoder would refuse', () => {
  const cases: { name: string; encode: (w: Writer) => void; want: { code: string; field: string }; capacity?: number }[] = [
    { name: 'an empty filename', encode: (w) => encodeRrq(w, '', 'octet'), want: { code: EncodeErrorCode.Value, field: 'filename' } },
    { name: 'a NUL in the filename', encode: (w) => encodeRrq(w, 'a\0b', 'octet'), want: { code: EncodeErrorCode.Value, field: 'filename' } },
    { name: 'a filename over the limit', encode: (w) => encodeRrq(w, `${longName}f`, 'octet'), want: { code: EncodeErrorCode.Value, field: 'filename' } },
    { name: 'an unknown mode', encode: (w) => encodeRrq(w, 'x', 'binary' as TftpMode), want: { code: EncodeErrorCode.Value, field: 'mode' } },
    { name: 'an empty option name', encode: (w) => encodeOack(w, [['', '1']]), want: { code: EncodeErrorCode.Value, field: 'option.name' } },
    {
      name: 'a duplicate option in another case',
      encode: (w) => encodeRrq(w, 'x', 'octet', [['blksize', '512'], ['BLKSIZE', '512']]),
      want: { code: EncodeErrorCode.Value, field: 'option.name' },
    },
    { name: 'a NUL in an option value', encode: (w) => encodeOack(w, [['tsize', '1\x002']]), want: { code: EncodeErrorCode.Value, field: 'option.value' } },
    { name: 'a non-ASCII option value', encode: (w) => encodeOack(w, [['tsize', 'é']]), want: { code: EncodeErrorCode.Value, field: 'option.value' } },
    {
      name: `more than ${OPTIONS_MAX} options`,
      encode: (w) => encodeOack(w, Array.from({ length: OPTIONS_MAX + 1 }, (_, i) => [`o${i}`, '1'] as const)),
      want: { code: EncodeErrorCode.Value, field: 'options' },
    },
    { name: 'a payload over 65464 octets', encode: (w) => encodeData(w, 1, new Uint8Array(65465)), want: { code: EncodeErrorCode.Value, field: 'payload' }, capacity: 70000 },
    { name: 'block 65536', encode: (w) => encodeAck(w, 65536), want: { code: EncodeErrorCode.Value, field: 'block' } },
    { name: 'an error code over 16 bits', encode: (w) => encodeError(w, 70000, 'x'), want: { code: EncodeErrorCode.Value, field: 'code' } },
    { name: 'a DATA packet that does not fit the buffer', encode: (w) => encodeData(w, 1, new Uint8Array(600)), want: { code: EncodeErrorCode.Overflow, field: 'payload' }, capacity: 516 },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(encodeErr(c.encode, c.capacity), c.want));
  }
});
