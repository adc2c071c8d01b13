import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FETCHED_BINARIES, missingBinaryHint } from '../../../src/app/http-boot/missing-binary.ts';

describe('missingBinaryHint', () => {
  test('an architecture Debian does not ship says which architectures and to build it', () => {
    const hint = missingBinaryHint('ipxe-arm64.efi');
    assert.equal(hint, "iPXE binary for 11 (ARM 64-bit UEFI), 19 (ARM 64-bit UEFI HTTP); Debian's ipxe package does not ship it: build it with firmware/ipxe/build-cross.sh");
  });
  test('a binary the fetch script provides says to run it', () => {
    assert.equal(missingBinaryHint('undionly.kpxe'), "iPXE binary for 0 (x86 BIOS); run firmware/ipxe/fetch.sh to fetch it from Debian's ipxe package");
    assert.match(missingBinaryHint('ipxe-x86_64.efi') ?? '', /^iPXE binary for 7 \(x64 UEFI\), 9 \(EBC\), 16 \(x64 UEFI HTTP\); run firmware\/ipxe\/fetch\.sh/);
    assert.match(missingBinaryHint('snponly.efi') ?? '', /^iPXE binary; run firmware\/ipxe\/fetch\.sh/);
  });
  test('anything else gets no hint', () => {
    assert.equal(missingBinaryHint('vmlinuz'), undefined);
    assert.equal(missingBinaryHint('sub/ipxe-arm64.efi'), undefined);
  });
  test('the fetched list is the manifest of firmware/ipxe', () => {
    const manifest = readFileSync(resolve(import.meta.dirname, '../../../firmware/ipxe/SHA256SUMS'), 'utf8');
    const names = manifest.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('  ')[1]);
    assert.deepEqual([...names].sort(), [...FETCHED_BINARIES].sort());
  });
});
