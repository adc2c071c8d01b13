// The container image (Containerfile), built with no container registry by
// scripts/build-container.sh (Debian 12 bases made by debootstrap; the two bases are kept and
// reused between runs), then run in a network namespace this test creates, as the original is
// run: the namespace's network, NET_ADMIN and NET_RAW, the config mounted at
// /etc/coredhcp/config.yaml, the image's default command. It checks:
//
//   - the image: tini as entrypoint, `coresmd dhcp -c /etc/coredhcp/config.yaml` as command, a
//     HEALTHCHECK, the iPXE firmware in /tftpboot, and no Node anywhere;
//   - `podman healthcheck run` (the original's `dhcping -qs <srv> -c <srv>`) reports healthy;
//   - a client namespace behind a veth gets a DHCP lease (udhcpc), the boot files (tftp-hpa)
//     and, from a second container of the same image with the command overridden to
//     `/coredns -conf …`, a DNS answer (dig).
//
// Root, podman and debootstrap only (.ci/run installs podman, runc and debootstrap); elsewhere it
// skips and says why. A first run makes the bases (debootstrap, then Debian's compilers for the
// build base): about 3 minutes; later runs about 30 s. Names carry this process's PID; the
// containers, the test image and the namespaces are removed by name at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { has, makeNetnsPair, must, sh, until } from './support/process.ts';
import { exampleCoredhcpYaml, exampleCorefile } from './support/example-config.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INVENTORY = join(ROOT, 'examples', 'inventory.json');
const UDHCPC_HOOK = join(ROOT, 'scripts', 'netns', 'udhcpc-hook.sh');

const TOOLS: readonly [string, string[], string][] = [
  ['podman', ['--version'], 'podman'],
  ['debootstrap', ['--version'], 'debootstrap'],
  ['ip', ['-V'], 'iproute2'],
  ['udhcpc', ['--help'], 'udhcpc'],
  ['dig', ['-v'], 'dnsutils'],
  ['tftp', ['-V'], 'tftp-hpa'],
];
const missing = TOOLS.filter(([cmd, args]) => !has(cmd, ...args)).map(([cmd, , pkg]) => `${cmd} (${pkg})`);
const skip =
  process.env['CONTAINER_TESTS'] === '0'
    ? 'CONTAINER_TESTS=0'
    : process.getuid?.() !== 0
      ? 'needs root (podman rootful storage, network namespaces)'
      : missing.length > 0
        ? `needs ${missing.join(', ')}; .ci/run installs them`
        : false;

const tag = `cci${process.pid}`;
const IMAGE = `localhost/coresmd-ts:test-${process.pid}`;
const SRV_NS = `${tag}s`;
const CLI_NS = `${tag}c`;
const SRV_IF = `v${tag}s`;
const CLI_IF = `v${tag}c`;
const SRV_IP = '172.16.0.253';
const NODE_MAC = '52:54:00:be:ef:01';



/** podman's output without its complaints about a missing systemd (health-check timers). */
const quiet = (out: string): string =>
  out
    .split('\n')
    .filter((l) => !/unable to get systemd connection/.test(l))
    .join('\n');


describe('the container image, built without a registry and run in a network namespace', { skip, timeout: 600_000 }, () => {
  let work: string;
  /** Flags podman needs on this host (scripts/build-container.sh found them). */
  let flags: string[] = [];
  const containers: string[] = [];
  const podman = (...args: string[]) => sh('podman', args, { timeoutMs: 60_000 });
  const logsOf = (name: string): string => quiet(podman('logs', name).out);
  const allLogs = (): string => containers.map((c) => `--- ${c}:\n${logsOf(c).slice(-3000)}`).join('\n');

  function run(name: string, args: readonly string[]): void {
    containers.push(name);
    const r = podman('run', '-d', '--name', name, ...flags, '--network', `ns:/run/netns/${SRV_NS}`, '--cap-add', 'NET_ADMIN,NET_RAW', '-v', `${INVENTORY}:/inventory.json:ro`, ...args);
    assert.equal(r.status, 0, quiet(r.out));
  }

  before(() => {
    work = mkdtempSync(join(tmpdir(), `${tag}-`));
    const build = spawnSync('bash', [join(ROOT, 'scripts', 'build-container.sh'), '--tag', IMAGE], { cwd: ROOT, encoding: 'utf8', timeout: 540_000 });
    assert.equal(build.status, 0, `scripts/build-container.sh failed (${build.status ?? build.signal})\n${build.stdout}\n${build.stderr}`);
    const saved = join(ROOT, '.build-cache', 'podman-run-flags');
    flags = existsSync(saved) ? readFileSync(saved, 'utf8').split('\n').filter((l) => l !== '') : [];

    makeNetnsPair({ srvNs: SRV_NS, cliNs: CLI_NS, srvIf: SRV_IF, cliIf: CLI_IF, srvIp: SRV_IP, cliMac: NODE_MAC });

    writeFileSync(join(work, 'config.yaml'), exampleCoredhcpYaml({ iface: SRV_IF, serverIp: SRV_IP, smdUrl: 'file:///inventory.json', cacheValid: '30s', pattern: 'nid{03d}' }));
    writeFileSync(join(work, 'Corefile'), exampleCorefile({ serverIp: SRV_IP, smdUrl: 'file:///inventory.json', cacheDuration: '30s', pattern: 'nid{03d}' }));
  });

  after(() => {
    for (const c of containers) podman('rm', '-f', '-t', '2', c);
    podman('rmi', IMAGE);
    for (const ns of [CLI_NS, SRV_NS]) sh('ip', ['netns', 'del', ns]);
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  test('the image: tini, the DHCP command, a HEALTHCHECK, /tftpboot, and no Node', () => {
    const cfg = JSON.parse(must('podman', ['image', 'inspect', '--format', '{{json .Config}}', IMAGE])) as { Entrypoint: string[]; Cmd: string[] };
    assert.deepEqual(cfg.Entrypoint, ['/sbin/tini', '--']);
    assert.deepEqual(cfg.Cmd, ['/coresmd', 'dhcp', '-c', '/etc/coredhcp/config.yaml']);
    const health = JSON.parse(must('podman', ['image', 'inspect', '--format', '{{json .HealthCheck}}', IMAGE])) as { Test?: string[] } | null;
    assert.deepEqual(health?.Test, ['CMD', '/usr/local/sbin/coresmd-healthcheck']);
    const inside = podman('run', '--rm', ...flags, '--network', 'none', '--no-healthcheck', IMAGE, '/bin/sh', '-c', 'command -v node; echo /tftpboot/*');
    assert.equal(inside.status, 0, quiet(inside.out));
    assert.equal(quiet(inside.out).trim(), '/tftpboot/ipxe-x86_64.efi /tftpboot/snponly.efi /tftpboot/undionly.kpxe');
  });

  test('the default command serves DHCP on the namespace and `podman healthcheck run` says healthy', async () => {
    run(`${tag}-dhcp`, ['-v', `${join(work, 'config.yaml')}:/etc/coredhcp/config.yaml:ro`, IMAGE]);
    await until('the DHCP server listening in raw mode', 20_000, () => (/"msg":"DHCPv4 listening".*"mode":"raw"/.test(logsOf(`${tag}-dhcp`)) ? true : undefined), allLogs);
    const hc = podman('healthcheck', 'run', `${tag}-dhcp`);
    assert.equal(hc.status, 0, `healthcheck: ${quiet(hc.out)}\n${allLogs()}`);
    assert.equal(quiet(podman('inspect', '--format', '{{.State.Health.Status}}', `${tag}-dhcp`).out).trim(), 'healthy');
  });

  test('udhcpc gets its SMD lease from the container', () => {
    const record = join(work, 'udhcpc.rec');
    const r = spawnSync('ip', ['netns', 'exec', CLI_NS, 'udhcpc', '-f', '-q', '-n', '-t', '5', '-T', '1', '-i', CLI_IF, '-s', UDHCPC_HOOK, '-x', '0x5d:0007'], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, NETNS_RECORD: record },
    });
    assert.equal(r.status, 0, `udhcpc: ${r.stdout}${r.stderr}\n${allLogs()}`);
    const bound = readFileSync(record, 'utf8')
      .split('\n')
      .find((l) => / event=bound /.test(l));
    assert.ok(bound !== undefined);
    for (const want of [' ip=172.16.0.1 ', ' hostname=nid001.openchami.cluster ', ` server_id=${SRV_IP} `, ' bootfile=ipxe-x86_64.efi ']) assert.ok(bound.includes(want), `${want.trim()} in ${bound}`);
  });

  test("tftp-hpa fetches ipxe-x86_64.efi from the image's /tftpboot and the built-in `default`", () => {
    const want = /^([0-9a-f]{64}) {2}ipxe-x86_64\.efi$/m.exec(readFileSync(join(ROOT, 'firmware', 'ipxe', 'SHA256SUMS'), 'utf8'))?.[1];
    for (const [remote, mode] of [['ipxe-x86_64.efi', 'octet'], ['default', 'netascii']] as const) {
      const local = join(work, `got-${remote}`);
      const r = sh('ip', ['netns', 'exec', CLI_NS, 'tftp', SRV_IP], { input: `rexmt 1\nmode ${mode}\nget ${remote} ${local}\nquit\n` });
      assert.equal(r.status, 0, r.out);
      const got = readFileSync(local);
      if (remote === 'default') assert.equal(got.toString(), '#!ipxe\nreboot\n');
      else assert.equal(createHash('sha256').update(got).digest('hex'), want);
    }
    assert.match(logsOf(`${tag}-dhcp`), /"msg":"serving boot files".*"root":"\/tftpboot"/);
  });

  test('the same image with the command overridden to `/coredns -conf …` answers DNS', async () => {
    run(`${tag}-dns`, ['--no-healthcheck', '-v', `${join(work, 'Corefile')}:/etc/coredns/Corefile:ro`, IMAGE, '/coredns', '-conf', '/etc/coredns/Corefile']);
    const answer = await until(
      'an A record for nid001.openchami.cluster',
      20_000,
      () => {
        const r = sh('ip', ['netns', 'exec', CLI_NS, 'dig', `@${SRV_IP}`, '+tries=1', '+timeout=1', '+short', 'nid001.openchami.cluster', 'A']);
        return r.status === 0 && r.out.trim() !== '' ? r.out.trim() : undefined;
      },
      allLogs,
    );
    assert.equal(answer, '172.16.0.1');
  });
});
