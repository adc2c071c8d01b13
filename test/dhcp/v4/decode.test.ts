import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDhcp4, decodeDhcp4Request } from '../../../src/dhcp/v4/decode.ts';
import { WireError, WireErrorCode } from '../../../src/wire/errors.ts';
import { fixture, request } from './support.ts';

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe('decodeDhcp4', () => {
  test('the UEFI-imitating udhcpc DISCOVER as a model, every option with its bytes', () => {
    const r = decodeDhcp4(fixture('udhcpc-1.35-discover-pxe-efi64.hex'));
    assert.ok(r.ok);
    const m = r.value;
    assert.deepEqual(
      { op: m.op, htype: m.htype, hops: m.hops, xid: m.xid, secs: m.secs, flags: m.flags, ciaddr: m.ciaddr, yiaddr: m.yiaddr, siaddr: m.siaddr, giaddr: m.giaddr },
      { op: 1, htype: 1, hops: 0, xid: 0x9b6a3c29, secs: 0, flags: 0, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0 },
    );
    assert.deepEqual([...m.chaddr], [0x52, 0x54, 0x00, 0xd4, 0x00, 0x01]);
    assert.deepEqual([...m.sname!], []);
    assert.deepEqual([...m.file!], []);
    assert.deepEqual(
      m.options.map((o) => [o.code, Buffer.from(o.data).toString('hex')]),
      [
        [53, '01'],
        [57, '0240'],
        [55, '0103060c0f1c2a'],
        [60, Buffer.from('PXEClient').toString('hex')],
        [61, '01525400d40001'],
        [93, '0007'],
      ],
    );
  });

  test('the model owns its bytes: changing the datagram afterwards changes nothing', () => {
    const buf = fixture('udhcpc-1.35-discover-pxe-efi64.hex');
    const r = decodeDhcp4(buf);
    assert.ok(r.ok);
    buf.fill(0);
    assert.deepEqual([...r.value.chaddr], [0x52, 0x54, 0x00, 0xd4, 0x00, 0x01]);
    assert.deepEqual([...r.value.options.find((o) => o.code === 93)!.data], [0, 7]);
  });

  test('overloaded fields: their options are listed, option 52 is not, sname and file come back empty', () => {
    const r = decodeDhcp4(request([53, 1, 1, 52, 1, 3, 255], { file: [12, 1, 0x61, 255], sname: [60, 3, ...ascii('PXE'), 255] }));
    assert.ok(r.ok);
    assert.deepEqual(r.value.options.map((o) => o.code), [53, 12, 60]);
    assert.equal(r.value.sname!.length, 0);
    assert.equal(r.value.file!.length, 0);
  });

  test('plain sname and file are kept without their NUL padding', () => {
    const r = decodeDhcp4(request([53, 1, 1, 255], { sname: ascii('tftp-1'), file: ascii('undionly.kpxe') }));
    assert.ok(r.ok);
    assert.equal(Buffer.from(r.value.sname!).toString('latin1'), 'tftp-1');
    assert.equal(Buffer.from(r.value.file!).toString('latin1'), 'undionly.kpxe');
  });

  const bad: ReadonlyArray<{ name: string; buf: Uint8Array; want: { code: string; field: string } }> = [
    { name: 'a runt', buf: new Uint8Array(100), want: { code: WireErrorCode.Truncated, field: 'header' } },
    { name: 'no cookie', buf: request([255]).map((b, i) => (i === 236 ? 0 : b)), want: { code: WireErrorCode.Malformed, field: 'cookie' } },
    { name: 'a truncated option', buf: request([53, 1, 1, 61, 9, 1]), want: { code: WireErrorCode.Truncated, field: 'options[61].length' } },
    { name: 'a bad option 52', buf: request([52, 1, 9, 255]), want: { code: WireErrorCode.Malformed, field: 'options[52]' } },
  ];
  for (const c of bad) {
    test(`${c.name} is a result with the WireError, not an exception`, () => {
      const r = decodeDhcp4(c.buf);
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.error instanceof WireError);
      assert.deepEqual(!r.ok && { code: r.error.code, field: r.error.field }, c.want);
      const q = decodeDhcp4Request(c.buf);
      assert.ok(!q.ok && q.error.code === c.want.code);
    });
  }

  test('an accessor-level problem (short option 93) does not fail the decode', () => {
    const r = decodeDhcp4(request([53, 1, 1, 93, 1, 0, 255]));
    assert.ok(r.ok);
    assert.deepEqual(r.value.options.find((o) => o.code === 93)!.data, Uint8Array.of(0));
  });
});

describe('decodeDhcp4Request', () => {
  test('gives the zero-copy view and options over the datagram', () => {
    const buf = fixture('ipxe-1.0.0-git20190125-request.hex');
    const r = decodeDhcp4Request(buf);
    assert.ok(r.ok);
    assert.equal(r.value.view.buffer, buf);
    assert.equal(r.value.options.buffer, buf);
    assert.equal(r.value.view.chaddrText, '52:54:00:d4:00:10');
    assert.equal(r.value.options.messageType(), 3);
  });
});
