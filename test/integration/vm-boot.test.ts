// Runs scripts/vm-boot-test.sh: QEMU VMs with real firmware (SeaBIOS, OVMF, Debian's iPXE) boot
// over the network against `coresmd dhcp`, smd-sim and a BSS stand-in, in a throwaway network
// namespace: BIOS PXE → TFTP undionly.kpxe → iPXE → BSS, UEFI PXE → TFTP ipxe-x86_64.efi → iPXE
// → BSS, an iPXE NIC ROM straight to BSS, a MAC SMD does not know into the bootloop and, once
// the MAC is added to SMD, the same VM to BSS. Needs root and the Debian packages .ci/run
// installs (qemu-system-x86, ovmf, ipxe-qemu, seabios, ipxe); elsewhere it skips and says why.
// Software emulation (TCG): about a minute. The server runs with its admin API, and the BIOS
// and UEFI VMs' timelines (GET /api/v1/nodes/<mac>/timeline) must list every stage in order.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/vm-boot-test.sh', import.meta.url));
const isRoot = process.getuid?.() === 0;
const hasIp = spawnSync('ip', ['-V']).status === 0;
const hasQemu = spawnSync('qemu-system-x86_64', ['--version']).status === 0;
const needed: ReadonlyArray<readonly [string, string]> = [
  ['/usr/share/OVMF/OVMF_CODE_4M.fd', 'ovmf'],
  ['/usr/lib/ipxe/qemu/pxe-e1000.rom', 'ipxe-qemu'],
  ['/usr/share/seabios/bios-256k.bin', 'seabios'],
  ['/usr/lib/ipxe/ipxe.lkrn', 'ipxe'],
];
const missing = [...(hasQemu ? [] : ['qemu-system-x86_64 (qemu-system-x86)']), ...needed.filter(([f]) => !existsSync(f)).map(([f, p]) => `${f} (${p})`)];
const skip = !isRoot
  ? 'needs root for network namespaces and tap devices'
  : !hasIp
    ? 'needs iproute2 (ip)'
    : missing.length > 0
      ? `needs ${missing.join(', ')}; .ci/run installs them`
      : false;

const MAC = { bios: '52:54:00:c5:00:01', uefi: '52:54:00:c5:00:02', rom: '52:54:00:c5:00:03', unknown: '52:54:00:c5:00:99' };
const t = String.raw`\+\d+\.\d\ds`;
const get = (mac: string): string => String.raw`GET /boot/v1/bootscript\?mac=${mac} ${t}`;

/** Every check of the script, in order, with what its PASS detail must say. */
const CHECKS: ReadonlyArray<readonly [string, RegExp]> = [
  ['iPXE binaries present in firmware/ipxe/bin (fetch.sh --verify)', /verified/],
  ['coresmd check accepts the VM test config', /valid/],
  ['smd-sim, the BSS stand-in and the capture are up in the server namespace', /BSS stand-in at http:\/\/172\.16\.0\.253:8081/],
  ['coresmd dhcp up on the bridge with the SMD inventory', /mode=raw .*interfaces=3 components=3 from smd-sim/],
  [
    `BIOS (SeaBIOS, PXE client): DHCP arch 0 → TFTP undionly.kpxe → iPXE DHCP → GET /boot/v1/bootscript?mac=${MAC.bios}`,
    new RegExp(String.raw`^DHCP\(arch=0 PXE-EMU\) ${t} → ACK 172\.16\.0\.11 undionly\.kpxe ${t} → TFTP undionly\.kpxe ${t} → iPXE DHCP ${t} → ACK 172\.16\.0\.11 script URL ${t} → ${get(MAC.bios)} → script ran ${t} \(VM ran [\d.]+s\)$`),
  ],
  [
    `admin API timeline of ${MAC.bios}: every stage from DISCOVER to the boot-script URL, in order`,
    new RegExp(
      String.raw`^x3000c0s1b0n0: DISCOVER ${t} → OFFER undionly\.kpxe 172\.16\.0\.11 rule=nodes ${t} → REQUEST ${t} → ACK undionly\.kpxe ${t} → TFTP undionly\.kpxe \d+ bytes ${t} → DISCOVER iPXE ${t} → REQUEST iPXE ${t} → ACK script URL ${t} \(\d+ events\)$`,
    ),
  ],
  [
    `UEFI (OVMF PXE, virtio-net): DHCP arch 7 → TFTP ipxe-x86_64.efi → iPXE DHCP → GET /boot/v1/bootscript?mac=${MAC.uefi}`,
    new RegExp(String.raw`^DHCP\(arch=7\) ${t} → ACK 172\.16\.0\.12 ipxe-x86_64\.efi ${t} → TFTP ipxe-x86_64\.efi ${t} → iPXE DHCP ${t} → ACK 172\.16\.0\.12 script URL ${t} → ${get(MAC.uefi)} → script ran ${t} \(VM ran [\d.]+s\)$`),
  ],
  [
    `admin API timeline of ${MAC.uefi}: every stage from DISCOVER to the boot-script URL, in order`,
    new RegExp(
      String.raw`^x3000c0s2b0n0: DISCOVER ${t} → OFFER ipxe-x86_64\.efi 172\.16\.0\.12 rule=nodes ${t} → REQUEST ${t} → ACK ipxe-x86_64\.efi ${t} → TFTP ipxe-x86_64\.efi 850528 bytes ${t} → DISCOVER iPXE ${t} → REQUEST iPXE ${t} → ACK script URL ${t} \(\d+ events\)$`,
    ),
  ],
  [
    `BIOS (SeaBIOS, Debian's iPXE e1000 ROM): iPXE DHCP → GET /boot/v1/bootscript?mac=${MAC.rom}`,
    new RegExp(String.raw`^iPXE DHCP ${t} → ACK 172\.16\.0\.13 script URL ${t} → ${get(MAC.rom)} → script ran ${t} \(VM ran [\d.]+s\)$`),
  ],
  [
    `unknown MAC ${MAC.unknown} (SeaBIOS, PXE client): bootloop address → TFTP undionly.kpxe → iPXE gets default → reboot`,
    new RegExp(String.raw`^DHCP\(arch=0 PXE-EMU\) ${t} → ACK 172\.16\.0\.15\d undionly\.kpxe ${t} → TFTP undionly\.kpxe ${t} → iPXE DHCP ${t} → ACK 172\.16\.0\.15\d default ${t} → TFTP default ${t} → VM reset ${t} \(VM ran [\d.]+s\)$`),
  ],
  [
    `smd-sim learns ${MAC.unknown} (x3000c0s9b0n0, 172.16.0.99); the server releases its bootloop lease`,
    /released bootloop leases of MACs now in SMD" plugin=bootloop count=1/,
  ],
  [
    `the same VM once its MAC is in SMD: DHCP arch 0 → 172.16.0.99 → TFTP undionly.kpxe → iPXE DHCP → GET /boot/v1/bootscript?mac=${MAC.unknown}`,
    new RegExp(String.raw`^DHCP\(arch=0 PXE-EMU\) ${t} → ACK 172\.16\.0\.99 undionly\.kpxe ${t} → TFTP undionly\.kpxe ${t} → iPXE DHCP ${t} → ACK 172\.16\.0\.99 script URL ${t} → ${get(MAC.unknown)} → script ran ${t} \(VM ran [\d.]+s\)$`),
  ],
  [
    'coresmd explain predicts the replies the known VMs got',
    new RegExp(
      [
        String.raw`^bios-pxe/firmware: 172\.16\.0\.11 undionly\.kpxe`,
        String.raw`bios-pxe/iPXE: 172\.16\.0\.11 http://172\.16\.0\.253:8081/boot/v1/bootscript\?mac=${MAC.bios}`,
        String.raw`uefi/firmware: 172\.16\.0\.12 ipxe-x86_64\.efi`,
        String.raw`uefi/iPXE: 172\.16\.0\.12 http://172\.16\.0\.253:8081/boot/v1/bootscript\?mac=${MAC.uefi}`,
        String.raw`ipxe-rom/iPXE: 172\.16\.0\.13 http://172\.16\.0\.253:8081/boot/v1/bootscript\?mac=${MAC.rom}$`,
      ].join('; '),
    ),
  ],
  ['TFTP served the fetched iPXE binaries (firmware/ipxe/bin) because tftp_dir does not exist', /firmware\/ipxe\/bin/],
  ['the DHCP server is still running', /still running/],
];

describe('scripts/vm-boot-test.sh: BIOS and UEFI VMs network-boot against coresmd', { skip, timeout: 280_000 }, () => {
  let run: SpawnSyncReturns<string>;
  before(() => {
    run = spawnSync('bash', [script], { encoding: 'utf8', timeout: 270_000, killSignal: 'SIGTERM' });
  });

  test('the script passes and reports the stages of every VM', (t) => {
    if (run.status === 77) return t.skip(run.stderr.trim());
    for (const line of run.stdout.split('\n')) if (line.trim() !== '') t.diagnostic(line);
    assert.equal(run.status, 0, `exit ${run.status} ${run.signal ?? ''}\n${run.stdout}\n${run.stderr}`);
    assert.doesNotMatch(run.stdout, /^ {2}FAIL/m);
    assert.match(run.stdout, /vm-boot-test: all passed/);
    const block = run.stdout.slice(run.stdout.indexOf('stages seen (time after QEMU started):'));
    for (const name of ['bios-pxe', 'uefi', 'ipxe-rom', 'bootloop', 'bootloop-added']) assert.match(block, new RegExp(`^  ${name}: `, 'm'));
    // The UEFI firmware's TFTP: OVMF probes the size first (tsize), then fetches.
    assert.match(block, /TFTP size probe +ipxe-x86_64\.efi tsize=850528/);
    assert.match(block, /TFTP served +default 14 bytes/);
  });

  for (const [name, want] of CHECKS) {
    test(name, (t) => {
      if (run.status === 77) return t.skip(run.stderr.trim());
      const prefix = `  PASS  ${name}: `;
      const line = run.stdout.split('\n').find((l) => l.startsWith(prefix));
      const failed = run.stdout.split('\n').find((l) => l.startsWith(`  FAIL  ${name}: `));
      assert.ok(line !== undefined, failed ?? `'${name}' did not run\n${run.stdout}\n${run.stderr}`);
      assert.match(line.slice(prefix.length), want);
    });
  }
});
