import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseBoot, createBootPolicy, type BootChoice, type BootClient } from '../../src/boot/policy.ts';

const MAC = 'de:ad:be:ef:00:01';
const ctx = { ipxeBaseUri: 'http://172.16.0.253:8081' };
const httpCtx = { ...ctx, httpBootBase: 'http://172.16.0.253:8080/boot/' };
const pxe = (arch: number | undefined): BootClient => ({ arch, isIpxe: false, isHttpClient: false, mac: MAC });
const httpClient = (arch: number): BootClient => ({ arch, isIpxe: false, isHttpClient: true, mac: MAC });

describe('firmware PXE: the spec acceptance table (internal/ipxe/ipxe_test.go)', () => {
  // Rows where the issue keeps the original's answer.
  const agreed: Array<[number | undefined, string | undefined]> = [
    [0, 'undionly.kpxe'],
    [6, 'ipxe-i386.efi'],
    [7, 'ipxe-x86_64.efi'],
    [10, 'ipxe-arm32.efi'],
    [11, 'ipxe-arm64.efi'],
    [undefined, undefined],
    [22, undefined],
    [999, undefined],
  ];
  for (const [arch, file] of agreed) {
    test(`arch ${arch ?? 'absent'} → ${file ?? 'no boot file'}`, () => {
      const got = chooseBoot(pxe(arch), ctx);
      if (file === undefined) assert.equal(got.kind, 'none');
      else assert.deepEqual(got, { kind: 'tftp', file });
    });
  }

  // Rows the issue changes: upstream sends nothing for these.
  const changed: Array<[number, string, string]> = [
    [9, 'ipxe-x86_64.efi', 'old x86-64 firmware reports 9 (RFC 4578 numbering)'],
    [15, 'ipxe-i386.efi', 'an HTTP arch without HTTPClient still gets the TFTP binary'],
    [16, 'ipxe-x86_64.efi', 'an HTTP arch without HTTPClient still gets the TFTP binary'],
    [18, 'ipxe-arm32.efi', 'an HTTP arch without HTTPClient still gets the TFTP binary'],
    [19, 'ipxe-arm64.efi', 'an HTTP arch without HTTPClient still gets the TFTP binary'],
  ];
  for (const [arch, file, why] of changed) {
    test(`arch ${arch} → ${file} (changed: ${why})`, () => {
      assert.deepEqual(chooseBoot(pxe(arch), ctx), { kind: 'tftp', file });
    });
  }
});

describe('UEFI HTTP boot (vendor class HTTPClient)', () => {
  const cases: Array<[number, string]> = [
    [15, 'ipxe-i386.efi'],
    [16, 'ipxe-x86_64.efi'],
    [18, 'ipxe-arm32.efi'],
    [19, 'ipxe-arm64.efi'],
  ];
  for (const [arch, binary] of cases) {
    test(`arch ${arch} gets an http:// URL of ${binary}`, () => {
      assert.deepEqual(chooseBoot(httpClient(arch), httpCtx), { kind: 'http', url: `http://172.16.0.253:8080/boot/${binary}`, binary });
    });
  }

  test('without an HTTP boot base an HTTP client gets nothing, and the reason says so', () => {
    const got = chooseBoot(httpClient(16), ctx);
    assert.equal(got.kind, 'none');
    assert.match((got as { reason: string }).reason, /HTTP boot/);
    assert.match((got as { reason: string }).reason, /16 \(x64 UEFI HTTP\)/);
  });

  test('an HTTPClient with a non-HTTP architecture is treated as PXE', () => {
    assert.deepEqual(chooseBoot(httpClient(7), httpCtx), { kind: 'tftp', file: 'ipxe-x86_64.efi' });
  });

  test('an HTTPClient with an unknown architecture gets nothing', () => {
    assert.equal(chooseBoot(httpClient(22), httpCtx).kind, 'none');
  });
});

describe('iPXE gets the BSS boot script', () => {
  const clients: Array<[string, BootClient]> = [
    ['BIOS iPXE', { arch: 0, isIpxe: true, isHttpClient: false, mac: MAC }],
    ['x86-64 UEFI iPXE', { arch: 7, isIpxe: true, isHttpClient: false, mac: MAC }],
    ['iPXE without option 93', { arch: undefined, isIpxe: true, isHttpClient: false, mac: MAC }],
    ['iPXE with an unknown arch', { arch: 999, isIpxe: true, isHttpClient: false, mac: MAC }],
  ];
  for (const [name, client] of clients) {
    test(`${name} → script URL with its MAC`, () => {
      assert.deepEqual(chooseBoot(client, httpCtx), { kind: 'script', url: `http://172.16.0.253:8081/boot/v1/bootscript?mac=${MAC}` });
    });
  }
});

describe('reasons name the architecture', () => {
  const cases: Array<[number | undefined, RegExp]> = [
    [22, /architecture 22 \(ARM 64-bit U-Boot\)/],
    [999, /architecture 999$/],
    [undefined, /no architecture \(option 93\)/],
  ];
  for (const [arch, re] of cases) {
    test(`arch ${arch ?? 'absent'}`, () => {
      const got: BootChoice = chooseBoot(pxe(arch), ctx);
      assert.equal(got.kind, 'none');
      assert.match((got as { reason: string }).reason, re);
    });
  }
});

describe('createBootPolicy', () => {
  test('a policy built once answers repeated lookups identically', () => {
    const policy = createBootPolicy(httpCtx);
    assert.deepEqual(policy(pxe(7)), policy(pxe(7)));
    assert.deepEqual(policy(httpClient(19)), { kind: 'http', url: 'http://172.16.0.253:8080/boot/ipxe-arm64.efi', binary: 'ipxe-arm64.efi' });
  });
});
