// Files the boot servers answer from memory, whatever the TFTP root holds.
//
// `default` (spec coresmd-dhcp §7.5, §8.2): bootloop hands unknown MACs the boot file name
// `default`; iPXE chains tftp://<server>/default and gets `#!ipxe` / `reboot`, so the node
// reboots into a fresh DHCP round until SMD knows it. The original answers that name from
// memory even when tftp_dir holds a file called `default`, and so do we: the name is part of
// the bootloop protocol, not a file an operator places (a stray pxelinux-style `default` file
// must not turn the reboot loop into something else).
//
// `autoexec.ipxe` (fallback only, when no file of that name exists): EFI builds of iPXE
// (src/interface/efi/efi_autoexec.c, since v1.21.1) look for `autoexec.ipxe` before running
// their embedded script: on the boot file system, then over TFTP from the next-server, in the
// directory of the boot file name, through the firmware's own PXE Base Code: a size probe
// (Mtftp GET_FILE_SIZE, RRQ with tsize=0, aborted with ERROR 8) and then a read. A missing file
// makes that probe fail with ERROR 1, which iPXE itself ignores, but firmware PXE stacks print
// it (some wait for a key press) and a TFTP error in the log of every boot looks like a fault.
// What we serve instead is a zero-length file: efi_autoexec.c has "Ignore zero-length files"
// on both the file-system and the TFTP path, so iPXE then behaves exactly as if there were no
// autoexec.ipxe and runs its embedded script (OpenCHAMI's builds: `dhcp`, then
// `chain tftp://${root-path}:69/config.ipxe`, spec §8.3) or its normal autoboot.
//
// Why not a non-empty script: iPXE registers a non-empty autoexec.ipxe as an image, and in a
// build without an embedded script main() executes the first image *instead of* autoboot; a
// script that merely ends (`#!ipxe`, `exit 0`) then makes iPXE exit back to the firmware, which
// moves on to the next boot device. The empty file is the one answer that cannot change what
// iPXE would have done.

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The boot file name bootloop gives unknown MACs (spec §7.5). */
export const REBOOT_SCRIPT_NAME = 'default';
/** `#!ipxe`, newline, `reboot`, newline: the 14 bytes the original serves for `default` (spec §8.2). */
export const REBOOT_SCRIPT: Uint8Array = ascii('#!ipxe\nreboot\n');

/** What EFI iPXE asks for next to its boot file (src/interface/efi/efi_autoexec.c). */
export const AUTOEXEC_SCRIPT_NAME = 'autoexec.ipxe';
/** Zero-length: iPXE ignores an empty autoexec.ipxe and boots as if there were none (see above). */
export const AUTOEXEC_SCRIPT: Uint8Array = new Uint8Array(0);

/** Served in place of any file of the same name (createFileProvider `builtins`). */
export function builtinScripts(): ReadonlyMap<string, Uint8Array> {
  return new Map([[REBOOT_SCRIPT_NAME, REBOOT_SCRIPT]]);
}

/** Served only when no file of that name exists (createFileProvider `fallbacks`). */
export function fallbackScripts(): ReadonlyMap<string, Uint8Array> {
  return new Map([[AUTOEXEC_SCRIPT_NAME, AUTOEXEC_SCRIPT]]);
}
