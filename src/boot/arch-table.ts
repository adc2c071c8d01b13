// Which iPXE binary each client system architecture (DHCPv4 option 93, DHCPv6 option 61) gets.
//
// Codes are the IANA "Processor Architecture Types" registry, which RFC 4578 §2.1 created.
// RFC 4578's own table says 7 = EFI BC and 9 = EFI x86-64; the registry uses 7 = x64 UEFI and
// 9 = EBC, as current firmware does (OVMF sends 7: test/fixtures/dhcp4). Old x86-64 firmware
// still sends 9, so 9 gets the x86-64 binary too (the original gives it nothing: spec
// coresmd-dhcp §5.1 step 6, §10.7). Codes 15–19 are the UEFI HTTP boot types (UEFI spec,
// "HTTP Boot"); such a client also sends vendor class `HTTPClient` and takes a URL instead of a
// TFTP name.
//
// The binaries are the ones OpenCHAMI/ipxe-binaries puts in the TFTP root (spec §8.3); each
// embeds a script that chains tftp://${root-path}:69/config.ipxe.

export interface BootArch {
  /** Option 93 value. */
  readonly arch: number;
  /** Registry name. */
  readonly name: string;
  /** File name under the TFTP root (and the HTTP boot base). */
  readonly binary: string;
  /** A UEFI HTTP boot architecture: the client wants an http:// URL. */
  readonly http: boolean;
  readonly ref: string;
}

export const BOOT_ARCHES: readonly BootArch[] = Object.freeze([
  { arch: 0, name: 'x86 BIOS', binary: 'undionly.kpxe', http: false, ref: 'RFC 4578 §2.1 (Intel x86PC)' },
  { arch: 6, name: 'x86 UEFI', binary: 'ipxe-i386.efi', http: false, ref: 'RFC 4578 §2.1 (EFI IA32)' },
  { arch: 7, name: 'x64 UEFI', binary: 'ipxe-x86_64.efi', http: false, ref: 'IANA Processor Architecture Types (RFC 4578 §2.1 lists 7 as EFI BC)' },
  // Quirk: pre-registry x86-64 firmware reports 9 (RFC 4578's "EFI x86-64").
  { arch: 9, name: 'EBC', binary: 'ipxe-x86_64.efi', http: false, ref: 'IANA Processor Architecture Types (RFC 4578 §2.1 lists 9 as EFI x86-64)' },
  { arch: 10, name: 'ARM 32-bit UEFI', binary: 'ipxe-arm32.efi', http: false, ref: 'IANA Processor Architecture Types' },
  { arch: 11, name: 'ARM 64-bit UEFI', binary: 'ipxe-arm64.efi', http: false, ref: 'IANA Processor Architecture Types' },
  { arch: 15, name: 'x86 UEFI HTTP', binary: 'ipxe-i386.efi', http: true, ref: 'IANA Processor Architecture Types; UEFI spec, HTTP Boot' },
  { arch: 16, name: 'x64 UEFI HTTP', binary: 'ipxe-x86_64.efi', http: true, ref: 'IANA Processor Architecture Types; UEFI spec, HTTP Boot' },
  { arch: 18, name: 'ARM 32-bit UEFI HTTP', binary: 'ipxe-arm32.efi', http: true, ref: 'IANA Processor Architecture Types; UEFI spec, HTTP Boot' },
  { arch: 19, name: 'ARM 64-bit UEFI HTTP', binary: 'ipxe-arm64.efi', http: true, ref: 'IANA Processor Architecture Types; UEFI spec, HTTP Boot' },
].map((e) => Object.freeze(e)));

const BY_ARCH: ReadonlyMap<number, BootArch> = new Map(BOOT_ARCHES.map((e) => [e.arch, e]));

/** The table entry for an option 93 value, if it has a binary. */
export function bootArch(arch: number): BootArch | undefined {
  return BY_ARCH.get(arch);
}
