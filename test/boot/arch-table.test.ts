import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BOOT_ARCHES, bootArch } from '../../src/boot/arch-table.ts';
import { clientArchName } from '../../src/dhcp/v4/constants.ts';

describe('the arch table', () => {
  test('names follow the IANA registry names in src/dhcp/v4/constants.ts', () => {
    for (const e of BOOT_ARCHES) assert.equal(e.name, clientArchName(e.arch), `arch ${e.arch}`);
  });

  test('every entry cites its reference and HTTP entries are exactly 15, 16, 18, 19', () => {
    for (const e of BOOT_ARCHES) assert.ok(e.ref.length > 0);
    assert.deepEqual(
      BOOT_ARCHES.filter((e) => e.http).map((e) => e.arch),
      [15, 16, 18, 19],
    );
  });

  test('lookup misses for codes without a binary', () => {
    assert.equal(bootArch(7)?.binary, 'ipxe-x86_64.efi');
    assert.equal(bootArch(17), undefined);
    assert.equal(bootArch(1), undefined);
  });
});
