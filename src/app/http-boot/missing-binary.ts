// What to tell the operator when a boot client asks for an iPXE binary that is not there: which
// architectures need that file and how to get it (firmware/ipxe/README.md). Pure.
import { BOOT_ARCHES } from '../../boot/arch-table.ts';

/** The files firmware/ipxe/fetch.sh takes from Debian's ipxe package (firmware/ipxe/SHA256SUMS). */
export const FETCHED_BINARIES: readonly string[] = Object.freeze(['undionly.kpxe', 'ipxe-x86_64.efi', 'snponly.efi']);

/**
 * A hint for a missing `name`, or undefined when it is not an iPXE binary of the architecture
 * table (a script, a kernel: nothing to suggest).
 */
export function missingBinaryHint(name: string): string | undefined {
  const arches = BOOT_ARCHES.filter((e) => e.binary === name);
  const isFetched = FETCHED_BINARIES.includes(name);
  if (arches.length === 0 && !isFetched) return undefined;
  const who = arches.length === 0 ? 'iPXE binary' : `iPXE binary for ${arches.map((e) => `${e.arch} (${e.name})`).join(', ')}`;
  return isFetched
    ? `${who}; run firmware/ipxe/fetch.sh to fetch it from Debian's ipxe package`
    : `${who}; Debian's ipxe package does not ship it: build it with firmware/ipxe/build-cross.sh`;
}
