import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { contentTypeOf } from '../../../src/app/http-boot/content-type.ts';

const script = new TextEncoder().encode('#!ipxe\nreboot\n');

describe('contentTypeOf', () => {
  const cases: [name: string, head: Uint8Array | undefined, want: string][] = [
    ['ipxe-x86_64.efi', undefined, 'application/efi'],
    ['ipxe-arm64.efi', undefined, 'application/efi'],
    ['sub/SNPONLY.EFI', undefined, 'application/efi'],
    ['undionly.kpxe', undefined, 'application/octet-stream'],
    ['vmlinuz', undefined, 'application/octet-stream'],
    ['config.ipxe', undefined, 'text/plain; charset=utf-8'],
    ['autoexec.ipxe', new Uint8Array(0), 'text/plain; charset=utf-8'],
    ['default', script, 'text/plain; charset=utf-8'],
    ['default', undefined, 'application/octet-stream'],
    ['initrd', new Uint8Array([0x1f, 0x8b, 0x08]), 'application/octet-stream'],
    ['boot.efi/kernel', undefined, 'application/octet-stream'],
    ['.efi', undefined, 'application/octet-stream'],
  ];
  for (const [name, head, want] of cases) {
    test(`${name}${head === undefined ? '' : ' (content at hand)'} → ${want}`, () => {
      assert.equal(contentTypeOf(name, head), want);
    });
  }
  test('the EFI type has no parameters: EDK2 compares the whole field value', () => {
    assert.equal(contentTypeOf('x.efi').includes(';'), false);
  });
});
