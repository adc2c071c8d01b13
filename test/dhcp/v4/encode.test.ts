import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDhcp4, decodeDhcp4Request } from '../../../src/dhcp/v4/decode.ts';
import { DHCP4_MIN_MESSAGE_LENGTH, byteLength, encodeDhcp4 } from '../../../src/dhcp/v4/encode.ts';
import type { Dhcp4EncodeLimits } from '../../../src/dhcp/v4/encode.ts';
import type { Dhcp4Message, Dhcp4Option } from '../../../src/dhcp/v4/model.ts';
import { ipv4, ipv4List, text, u32 } from '../../../src/dhcp/v4/option-values.ts';
import { Dhcp4Options } from '../../../src/dhcp/v4/options.ts';
import { Dhcp4View } from '../../../src/dhcp/v4/view.ts';
import { parseIPv4 } from '../../../src/wire/addr.ts';
import { EncodeError, EncodeErrorCode } from '../../../src/wire/errors.ts';
import { Writer } from '../../../src/wire/writer.ts';
import { FIXTURES, fixture } from './support.ts';

const ip = (s: string) => parseIPv4(s)!;
const fill = (n: number, byte = 0x78) => new Uint8Array(n).fill(byte);

// spec coresmd-dhcp §5.2: the OFFER for de:ad:be:ef:00:01 (x3000c0s0b0n0, NID 1), UEFI x64.
const specOffer: Dhcp4Message = {
  op: 2,
  htype: 1,
  xid: 0x734f3c9c,
  flags: 0x8000,
  ciaddr: 0,
  yiaddr: ip('172.16.0.1'),
  siaddr: ip('172.16.0.253'),
  giaddr: 0,
  chaddr: Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x00, 0x01),
  options: [
    { code: 1, data: ipv4(ip('255.255.255.0')) },
    { code: 3, data: ipv4(ip('172.16.0.254')) },
    { code: 6, data: ipv4List([ip('1.1.1.1'), ip('8.8.8.8')]) },
    { code: 12, data: text('nid0001.openchami.cluster') },
    { code: 17, data: text('172.16.0.253') },
    { code: 51, data: u32(3600) },
    { code: 53, data: Uint8Array.of(2) },
    { code: 54, data: ipv4(ip('172.16.0.253')) },
    { code: 67, data: text('ipxe-x86_64.efi') },
  ],
};

/** A minimal reply: OFFER from 192.0.2.1 with whatever else is given. */
function reply(options: Dhcp4Option[], extra: Partial<Dhcp4Message> = {}): Dhcp4Message {
  return {
    op: 2,
    htype: 1,
    xid: 0x01020304,
    flags: 0,
    ciaddr: 0,
    yiaddr: ip('192.0.2.100'),
    siaddr: ip('192.0.2.1'),
    giaddr: 0,
    chaddr: Uint8Array.of(0x52, 0x54, 0, 0xd4, 0, 1),
    options: [{ code: 53, data: Uint8Array.of(2) }, { code: 54, data: ipv4(ip('192.0.2.1')) }, ...options],
    ...extra,
  };
}

/** Encodes into a fresh 0xa5-filled buffer; checks byteLength and returns the bytes. */
function encode(msg: Dhcp4Message, limits: Dhcp4EncodeLimits = {}, size = 2048) {
  const buf = Buffer.alloc(size, 0xa5);
  const r = encodeDhcp4(msg, new Writer(buf), limits);
  assert.equal(r.length, byteLength(msg, limits), 'byteLength equals the bytes written');
  return { bytes: buf.subarray(0, r.length), result: r };
}

const optsOf = (b: Uint8Array) => Dhcp4Options.decode(Dhcp4View.check(b));

/** Offset of the End option in the options field (values may contain 0xff, so walk). */
function endOf(b: Uint8Array): number {
  let p = 240;
  while (b[p] !== 0xff) p += b[p] === 0 ? 1 : 2 + b[p + 1]!;
  return p;
}

describe('encodeDhcp4: the spec §5.2 OFFER', () => {
  const golden = fixture('coresmd-offer-spec-5.2.reply.hex');

  test('matches the reviewed golden bytes exactly, emitted into a 0xa5-dirty buffer', () => {
    const { bytes, result } = encode(specOffer, { maxSize: 1472 });
    assert.deepEqual(result, { length: 336, overload: 0, dropped: [] });
    assert.equal(Buffer.from(bytes).toString('hex'), Buffer.from(golden).toString('hex'));
  });

  test('encoding at offset 10 of a larger buffer touches nothing outside its range', () => {
    const buf = Buffer.alloc(1000, 0xa5);
    const r = encodeDhcp4(specOffer, new Writer(buf, 10), { maxSize: 1472 });
    assert.equal(r.length, golden.length);
    assert.deepEqual([...buf.subarray(10, 10 + r.length)], [...golden]);
    assert.ok(buf.subarray(0, 10).every((b) => b === 0xa5), 'bytes before the start untouched');
    assert.ok(buf.subarray(10 + r.length).every((b) => b === 0xa5), 'bytes after the end untouched');
  });

  test('the output does not depend on what the buffer held before', () => {
    const a = Buffer.alloc(600, 0x00);
    const b = Buffer.alloc(600, 0xff);
    const la = encodeDhcp4(specOffer, new Writer(a)).length;
    const lb = encodeDhcp4(specOffer, new Writer(b)).length;
    assert.equal(la, lb);
    assert.deepEqual(a.subarray(0, la), b.subarray(0, lb));
  });

  test('a writer too small for the message is ERR_ENCODE_OVERFLOW (a sizing bug, not client input)', () => {
    assert.throws(
      () => encodeDhcp4(specOffer, new Writer(Buffer.alloc(335))),
      (e: unknown) => e instanceof EncodeError && e.code === EncodeErrorCode.Overflow,
    );
  });
});

describe('encodeDhcp4: option order', () => {
  test('53 first, 54 second, the rest ascending, 82 last, then End', () => {
    const { bytes } = encode({
      ...reply([]),
      options: [
        { code: 82, data: Uint8Array.of(1, 1, 0x61) },
        { code: 67, data: text('x') },
        { code: 54, data: ipv4(ip('192.0.2.1')) },
        { code: 1, data: ipv4(ip('255.255.255.0')) },
        { code: 224, data: Uint8Array.of(7) },
        { code: 53, data: Uint8Array.of(5) },
        { code: 51, data: u32(60) },
      ],
    });
    assert.deepEqual(optsOf(bytes).codes(), [53, 54, 1, 51, 67, 224, 82]);
  });

  test('option 82 from a real relay is echoed byte for byte as the last option (RFC 3046 §2.1, §2.2)', () => {
    const req = decodeDhcp4Request(fixture('dhcrelay-4.4.3-discover-option82.hex'));
    assert.ok(req.ok);
    const rai = req.value.options.bytes(82)!;
    const { bytes } = encode(
      reply([{ code: 82, data: rai }, { code: 61, data: req.value.options.bytes(61)! }, { code: 1, data: ipv4(ip('255.255.255.0')) }], {
        giaddr: req.value.view.giaddr,
      }),
    );
    const at = endOf(bytes) - rai.length - 2; // 82's code byte, right before End
    assert.deepEqual([...bytes.subarray(at, at + 2)], [82, rai.length]);
    assert.deepEqual([...bytes.subarray(at + 2, at + 2 + rai.length)], [...rai]);
    assert.equal(bytes[at + 2 + rai.length], 0xff);
    assert.deepEqual(optsOf(bytes).codes().at(-1), 82);
  });
});

describe('encodeDhcp4: sizes', () => {
  test('a short reply is padded with zeros to 300 bytes (RFC 951 §3 vendor area, RFC 1542 §2.1)', () => {
    const { bytes } = encode(reply([]));
    assert.equal(bytes.length, DHCP4_MIN_MESSAGE_LENGTH);
    const end = endOf(bytes);
    assert.equal(end, 240 + 3 + 6);
    assert.ok(bytes.subarray(end + 1).every((b) => b === 0), 'Pad after End, nothing from the dirty buffer');
  });

  test('no padding once the message passes 300 bytes', () => {
    const { bytes } = encode(reply([{ code: 67, data: fill(60) }]));
    assert.equal(bytes.length, 240 + 3 + 6 + 62 + 1);
    assert.equal(bytes.at(-1), 0xff);
  });

  const splits: ReadonlyArray<[length: number, instances: number[]]> = [
    [0, [0]],
    [1, [1]],
    [255, [255]],
    [256, [255, 1]],
    [600, [255, 255, 90]],
  ];
  for (const [length, instances] of splits) {
    test(`a ${length}-byte value goes out as instances of ${instances.join('+')} and decodes back whole (RFC 3396)`, () => {
      const data = Uint8Array.from({ length }, (_, i) => i & 0xff);
      const { bytes } = encode(reply([{ code: 43, data }]), { maxSize: 1500 });
      let p = 240 + 3 + 6;
      for (const n of instances) {
        assert.deepEqual([bytes[p], bytes[p + 1]], [43, n]);
        p += 2 + n;
      }
      assert.equal(bytes[p], 0xff);
      const o = optsOf(bytes);
      assert.equal(o.instancesOf(43), instances.length);
      assert.deepEqual([...o.bytes(43)!], [...data]);
    });
  }
});

describe('encodeDhcp4: the client maximum message size (option 57)', () => {
  // 576 (the default and the floor) counts IP and UDP headers: 548 bytes of DHCP message, so
  // 308 bytes of options field with End.
  const big = (code: number, n: number): Dhcp4Option => ({ code, data: fill(n, code) });

  test('what fits stays in the options field whatever the limit', () => {
    const msg = reply([big(67, 100)]);
    assert.deepEqual(encode(msg).result, encode(msg, { maxSize: 1500 }).result);
    assert.equal(encode(msg).result.overload, 0);
  });

  test('options that do not fit 576 move to file (overload 1) and decode back complete', () => {
    const msg = reply([{ code: 51, data: u32(600) }, big(43, 200), big(66, 60), big(67, 60)]);
    const { bytes, result } = encode(msg);
    assert.deepEqual(result.dropped, []);
    assert.equal(result.overload, 1);
    assert.ok(bytes.length <= 548, `${bytes.length} bytes`);
    const o = optsOf(bytes);
    assert.equal(o.overload, 1);
    for (const opt of msg.options) assert.deepEqual([...o.bytes(opt.code)!], [...opt.data], `option ${opt.code}`);
    const d = decodeDhcp4(bytes);
    assert.ok(d.ok);
    assert.equal(d.value.file!.length, 0);
    assert.deepEqual(d.value.options.map((x) => x.code).sort((a, b) => a - b), [43, 51, 53, 54, 66, 67]);
    // 43, 51 and 66 fill the options field; 67 is next in wire order and starts file. Overloaded
    // file: options from its first octet, End, then Pad to the end of the field.
    const file = bytes.subarray(108, 236);
    assert.deepEqual([...file.subarray(0, 2)], [67, 60]);
    assert.equal(file[62], 0xff);
    assert.ok(file.subarray(file.indexOf(0xff) + 1).every((b) => b === 0));
  });

  test('more still goes on into sname (overload 3)', () => {
    // 43 fills the options field, 60 and 66 go to file, 67 no longer fits file: sname.
    const msg = reply([big(43, 250), big(60, 100), big(66, 20), big(67, 30)]);
    const { bytes, result } = encode(msg);
    assert.deepEqual(result, { length: bytes.length, overload: 3, dropped: [] });
    assert.deepEqual([bytes[108], bytes[108 + 102], bytes[44]], [60, 66, 67]);
    const o = optsOf(bytes);
    for (const opt of msg.options) assert.deepEqual([...o.bytes(opt.code)!], [...opt.data], `option ${opt.code}`);
    assert.ok(bytes.length <= 548);
  });

  test('a reply with a boot file name overloads only sname (overload 2)', () => {
    const msg = reply([big(43, 250), big(60, 60)], { file: text('undionly.kpxe') });
    const { bytes, result } = encode(msg);
    assert.equal(result.overload, 2);
    const d = decodeDhcp4(bytes);
    assert.ok(d.ok);
    assert.equal(Buffer.from(d.value.file!).toString('latin1'), 'undionly.kpxe');
    assert.deepEqual([...optsOf(bytes).bytes(60)!], [...msg.options[3]!.data]);
  });

  test('with sname and file in use, options are dropped from the end of the keep order', () => {
    const msg = reply(
      [{ code: 51, data: u32(600) }, { code: 1, data: ipv4(ip('255.255.255.0')) }, big(12, 100), big(42, 100), big(67, 100), big(200, 100)],
      { sname: text('boot'), file: text('undionly.kpxe') },
    );
    const { bytes, result } = encode(msg);
    // Keep order: …67 (boot file) … 12 (host name) … 42 (NTP) …, then unlisted codes (200) last.
    assert.deepEqual(result.dropped, [200, 42]);
    assert.equal(result.overload, 0);
    assert.deepEqual(optsOf(bytes).codes(), [53, 54, 1, 12, 51, 67]);
    assert.ok(bytes.length <= 548);
  });

  test('53, 54, 51 and 82 are never dropped', () => {
    const msg = reply([{ code: 51, data: u32(600) }, big(82, 250), big(1, 4), big(3, 40)], { sname: text('s'), file: text('f') });
    const { bytes, result } = encode(msg);
    assert.deepEqual(result.dropped, [3]);
    assert.deepEqual(optsOf(bytes).codes(), [53, 54, 1, 51, 82]);
  });

  test('when the never-dropped options alone do not fit, it is ERR_ENCODE_OVERFLOW', () => {
    const msg = reply([big(82, 255), big(51, 60)], { sname: text('s'), file: text('f') });
    assert.throws(() => encode(msg), (e: unknown) => e instanceof EncodeError && e.code === EncodeErrorCode.Overflow && e.field === 'options');
  });

  test('a big option dropped late gives its room back to smaller ones dropped before it', () => {
    // 67 (300 bytes) fits nowhere at 576; 12 ranks below 67 and goes first, then 67, then 12 is
    // taken back because it fits once 67 is gone.
    const msg = reply([big(67, 300), big(12, 20)]);
    const { bytes, result } = encode(msg);
    assert.deepEqual(result.dropped, [67]);
    assert.deepEqual(optsOf(bytes).codes(), [53, 54, 12]);
  });

  const floors: ReadonlyArray<Dhcp4EncodeLimits> = [{}, { maxSize: 0 }, { maxSize: 300 }, { maxSize: 575 }];
  for (const limits of floors) {
    test(`maxSize ${JSON.stringify(limits)} behaves as 576 (RFC 2132 §9.10)`, () => {
      const msg = reply([big(43, 250), big(60, 100)]);
      assert.deepEqual(encode(msg, limits).bytes, encode(msg, { maxSize: 576 }).bytes);
    });
  }

  test('a client that accepts 1472 (iPXE) gets everything in the options field', () => {
    const msg = reply([big(43, 250), big(60, 100), big(66, 40), big(67, 40)]);
    const { result } = encode(msg, { maxSize: 1472 });
    assert.equal(result.overload, 0);
    assert.deepEqual(result.dropped, []);
  });
});

describe('encodeDhcp4: models the wire cannot carry', () => {
  const bad: ReadonlyArray<{ name: string; msg: Dhcp4Message; field: string }> = [
    { name: 'option 0 (Pad)', msg: reply([{ code: 0, data: fill(1) }]), field: 'options[0]' },
    { name: 'option 52 (the encoder owns overload)', msg: reply([{ code: 52, data: Uint8Array.of(1) }]), field: 'options[52]' },
    { name: 'option 255 (End)', msg: reply([{ code: 255, data: fill(0) }]), field: 'options[255]' },
    { name: 'code 256', msg: reply([{ code: 256, data: fill(1) }]), field: 'options[256]' },
    { name: 'a duplicate code', msg: reply([{ code: 53, data: Uint8Array.of(5) }]), field: 'options[53]' },
    { name: 'a 17-byte chaddr', msg: reply([], { chaddr: fill(17) }), field: 'chaddr' },
    { name: 'a 65-byte sname', msg: reply([], { sname: fill(65) }), field: 'sname' },
    { name: 'a 129-byte file', msg: reply([], { file: fill(129) }), field: 'file' },
    { name: 'xid over 32 bits', msg: reply([], { xid: 2 ** 32 }), field: 'xid' },
    { name: 'hops 256', msg: reply([], { hops: 256 }), field: 'hops' },
  ];
  for (const c of bad) {
    test(`${c.name} is ERR_ENCODE_VALUE (${c.field})`, () => {
      assert.throws(
        () => encodeDhcp4(c.msg, new Writer(Buffer.alloc(1500))),
        (e: unknown) => e instanceof EncodeError && e.code === EncodeErrorCode.Value && e.field === c.field,
      );
    });
  }
});

describe('decode → encode → decode over the captures', () => {
  const rank = (code: number) => (code === 53 ? -2 : code === 54 ? -1 : code === 82 ? 256 : code);
  const canonical = (m: Dhcp4Message) => ({ ...m, options: [...m.options].sort((a, b) => rank(a.code) - rank(b.code)) });

  for (const name of FIXTURES) {
    test(`${name} survives a round trip, and re-encoding is stable`, () => {
      const first = decodeDhcp4(fixture(name));
      assert.ok(first.ok);
      const { bytes } = encode(first.value, { maxSize: 1500 });
      const second = decodeDhcp4(bytes);
      assert.ok(second.ok);
      assert.deepEqual(canonical(second.value), canonical(first.value));
      assert.deepEqual(encode(second.value, { maxSize: 1500 }).bytes, bytes);
    });
  }
});
