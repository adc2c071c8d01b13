// The single-file builds (README "Install"), run where a boot server would run them. The test
// builds dist/ with `scripts/build.mjs --if-stale`, which reuses the last build when nothing it
// is made from has changed, then starts dist/coresmd in a fresh network namespace with an
// environment emptied by `env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin`, in a private mount
// namespace where every `node` on that PATH is hidden (an overlay whites it out): no Node exists
// there. It serves examples/inventory.json through a file:// URL, as one `serve --dhcp … --dns …`
// process (or, in a tree without src/app/cli/serve-command.ts, as two processes of the same
// executable, `dhcp -c` and `dns -conf`), and a client namespace behind a veth gets:
//
//   - a DHCP lease from busybox udhcpc, through raw sockets: the raw-socket addon embedded in
//     the executable, extracted to a private temporary file, opened with process.dlopen and
//     deleted again;
//   - the boot files from tftp-hpa: `default` (built in) and ipxe-x86_64.efi (embedded iPXE
//     firmware: tftp_dir does not exist), byte for byte the Debian binary of SHA256SUMS;
//   - a DNS answer from dig.
//
// dhcping's health check (the original's `dhcping -qs <srv> -c <srv>`, on the server) is answered
// too, and dist/coresmd.mjs runs with the plain node of the test.
//
// Root only (namespaces, mounts); elsewhere it skips and says why. Namespaces, links and
// processes carry this process's PID; they are removed by name and stopped by PID, also on failure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { has, makeNetnsPair, sh, until } from './support/process.ts';
import { exampleCoredhcpYaml, exampleCorefile } from './support/example-config.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SEA = join(ROOT, 'dist', 'coresmd');
const MJS = join(ROOT, 'dist', 'coresmd.mjs');
const INVENTORY = join(ROOT, 'examples', 'inventory.json');
const UDHCPC_HOOK = join(ROOT, 'scripts', 'netns', 'udhcpc-hook.sh');
const BARE_PATH = 'PATH=/usr/sbin:/usr/bin:/sbin:/bin';
/** `coresmd serve` (DHCP and DNS in one process) where the tree has it. */
const SERVE = existsSync(join(ROOT, 'src', 'app', 'cli', 'serve-command.ts'));

const TOOLS: readonly [string, string[], string][] = [
  ['ip', ['-V'], 'iproute2'],
  ['unshare', ['--version'], 'util-linux'],
  ['udhcpc', ['--help'], 'udhcpc'],
  ['dig', ['-v'], 'dnsutils'],
  ['tftp', ['-V'], 'tftp-hpa'],
  ['dhcping', ['-v'], 'dhcping'],
  ['g++', ['--version'], 'g++ (node-gyp builds raw-socket for the embedded Node)'],
];
const missing = TOOLS.filter(([cmd, args]) => !has(cmd, ...args)).map(([cmd, , pkg]) => `${cmd} (${pkg})`);
const skip = process.getuid?.() !== 0 ? 'needs root (network and mount namespaces)' : missing.length > 0 ? `needs ${missing.join(', ')}; .ci/run installs them` : false;

const tag = `cdb${process.pid}`;
const SRV_NS = `${tag}s`;
const CLI_NS = `${tag}c`;
const SRV_IF = `v${tag}s`;
const CLI_IF = `v${tag}c`;
const SRV_IP = '172.16.0.253';
/** x1000c0s0b0n0 in examples/inventory.json: 172.16.0.1, NID 1. */
const NODE_MAC = '52:54:00:be:ef:01';




const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The admin servers' addresses in the server namespace: the executable's and the bundle's. */
const SEA_ADMIN = '127.0.0.1:9180';
const MJS_ADMIN = '127.0.0.1:9181';
const UI_DIR = join(ROOT, 'src', 'app', 'admin', 'ui');
const UI_PATHS = { '/': 'index.html', '/ui/app.js': 'app.js', '/ui/app.css': 'app.css' } as const;

/** GETs the status page's three files from `admin` in the server namespace: status, type and sha256 of each. */
function fetchUi(admin: string): Record<string, { status: number; type: string | null; sha: string }> | undefined {
  const script = `const { createHash } = await import('node:crypto'); const out = {};
for (const p of ${JSON.stringify(Object.keys(UI_PATHS))}) {
  const r = await fetch('http://' + process.argv[1] + p);
  out[p] = { status: r.status, type: r.headers.get('content-type'), sha: createHash('sha256').update(Buffer.from(await r.arrayBuffer())).digest('hex') };
}
console.log(JSON.stringify(out));`;
  const r = sh('ip', ['netns', 'exec', SRV_NS, process.execPath, '--input-type=module', '-e', script, admin]);
  return r.status === 0 ? (JSON.parse(r.out) as Record<string, { status: number; type: string | null; sha: string }>) : undefined;
}

/** What fetchUi should see: the files of src/app/admin/ui, byte for byte. */
function expectedUi(): Record<string, { status: number; type: string; sha: string }> {
  const type = (name: string) => `${name.endsWith('.html') ? 'text/html' : name.endsWith('.js') ? 'text/javascript' : 'text/css'}; charset=utf-8`;
  return Object.fromEntries(Object.entries(UI_PATHS).map(([p, name]) => [p, { status: 200, type: type(name), sha: sha256(readFileSync(join(UI_DIR, name))) }]));
}

describe('dist/coresmd: the single executable on a host without Node', { skip, timeout: 300_000 }, () => {
  let work: string;
  let noNode: string;
  let addonTmp: string;
  const children: ChildProcess[] = [];
  const logs = new Map<string, () => string>();
  let built = false;

  /** Starts `dist/coresmd ARGS` in the server namespace with no Node reachable; its log is kept. */
  function startServer(name: string, args: readonly string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', SRV_NS, 'unshare', '--mount', '--propagation', 'private', 'sh', noNode, `TMPDIR=${addonTmp}`, SEA, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let log = '';
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    logs.set(name, () => log);
    return child;
  }

  const allLogs = (): string => [...logs].map(([n, l]) => `--- ${n}:\n${l().slice(-4000)}`).join('\n');

  before(() => {
    work = mkdtempSync(join(tmpdir(), `${tag}-`));
    addonTmp = join(work, 'server-tmp');
    mkdirSync(addonTmp);
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    assert.equal(build.status, 0, `scripts/build.mjs failed (${build.status ?? build.signal})\n${build.stdout}\n${build.stderr}`);
    built = true;

    // Runs "$@" after hiding every `node` on the bare PATH (an overlay with a whiteout per
    // directory, in the private mount namespace of `unshare --mount`), with only PATH (and the
    // leading VAR=value words) in the environment.
    noNode = join(work, 'no-node.sh');
    writeFileSync(
      noNode,
      `set -eu
for d in /usr/sbin /usr/bin /sbin /bin; do
  r=$(readlink -f "$d")
  [ -e "$r/node" ] || continue
  o=$(mktemp -d "${work}/overlay.XXXXXX")
  mkdir "$o/upper" "$o/work"
  mknod "$o/upper/node" c 0 0
  mount -t overlay overlay -o "lowerdir=$r,upperdir=$o/upper,workdir=$o/work" "$r"
done
exec env -i ${BARE_PATH} "$@"
`,
    );

    makeNetnsPair({ srvNs: SRV_NS, cliNs: CLI_NS, srvIf: SRV_IF, cliIf: CLI_IF, srvIp: SRV_IP, cliMac: NODE_MAC });

    writeFileSync(
      join(work, 'config.yaml'),
      exampleCoredhcpYaml({ iface: SRV_IF, serverIp: SRV_IP, smdUrl: `file://${INVENTORY}`, cacheValid: '30s', pattern: 'nid{03d}', tftpDir: join(work, 'no-tftpboot') }),
    );
    writeFileSync(join(work, 'Corefile'), exampleCorefile({ serverIp: SRV_IP, smdUrl: `file://${INVENTORY}`, cacheDuration: '30s', pattern: 'nid{03d}', errors: true }));
  });

  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const t = setTimeout(() => {
              c.kill('SIGKILL');
              resolve();
            }, 3000);
            c.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
          }),
      ),
    );
    for (const ns of [CLI_NS, SRV_NS]) sh('ip', ['netns', 'del', ns]);
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  test('scripts/build.mjs made dist/coresmd and dist/coresmd.mjs', () => {
    assert.ok(built);
    const head = readFileSync(SEA).subarray(0, 4);
    assert.deepEqual([...head], [0x7f, 0x45, 0x4c, 0x46], 'dist/coresmd is an ELF executable');
  });

  test('no node on the bare PATH in the server namespace, and the executable still runs there', () => {
    const which = sh('ip', ['netns', 'exec', SRV_NS, 'unshare', '--mount', '--propagation', 'private', 'sh', noNode, 'sh', '-c', 'command -v node']);
    assert.notEqual(which.status, 0, `command -v node found ${which.out}`);
    assert.equal(which.out.trim(), '');
    const version = sh('ip', ['netns', 'exec', SRV_NS, 'unshare', '--mount', '--propagation', 'private', 'sh', noNode, SEA, '--version']);
    assert.equal(version.status, 0, version.out);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.out.trim(), `coresmd ${pkg.version}`);
    // The mount namespace was private: the host still has its node.
    assert.equal(spawnSync(process.execPath, ['--version']).status, 0);
  });

  test('dist/coresmd.mjs runs with plain node', () => {
    const r = spawnSync(process.execPath, [MJS, '--version'], { encoding: 'utf8', cwd: tmpdir() });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), `coresmd ${pkg.version}`);
  });

  test(`udhcpc gets its SMD lease from \`dist/coresmd ${SERVE ? 'serve' : 'dhcp'}\`, served through the embedded raw-socket addon`, async () => {
    const dhcp = SERVE
      ? startServer('serve', ['serve', '--dhcp', join(work, 'config.yaml'), '--dns', join(work, 'Corefile'), '--admin-listen', SEA_ADMIN])
      : startServer('dhcp', ['dhcp', '-c', join(work, 'config.yaml')]);
    const log = logs.get(SERVE ? 'serve' : 'dhcp')!;
    await until('the DHCP server listening in raw mode', 20_000, () => (/"msg":"DHCPv4 listening".*"mode":"raw"/.test(log()) ? true : dhcp.exitCode === null ? undefined : false), allLogs);
    assert.equal(dhcp.exitCode, null, allLogs());
    // The addon's temporary file is gone as soon as it is loaded.
    assert.deepEqual(readdirSync(addonTmp), [], 'nothing left in the server TMPDIR');

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
    assert.ok(bound !== undefined, readFileSync(record, 'utf8'));
    for (const want of [' ip=172.16.0.1 ', ' mask=255.255.255.0 ', ' routers=172.16.0.254 ', ' hostname=nid001.openchami.cluster ', ' lease=600 ', ` server_id=${SRV_IP} `, ' bootfile=ipxe-x86_64.efi ']) {
      assert.ok(bound.includes(want), `${want.trim()} in ${bound}`);
    }
  });

  test("dhcping's health check on the server gets an answer: the original's `dhcping -qs <srv> -c <srv>` and the image's script", () => {
    const r = sh('ip', ['netns', 'exec', SRV_NS, 'dhcping', '-q', '-t', '3', '-s', SRV_IP, '-c', SRV_IP]);
    assert.equal(r.status, 0, `dhcping -s ${SRV_IP} -c ${SRV_IP} exited ${r.status}: ${r.out}\n${allLogs()}`);
    // The Containerfile's HEALTHCHECK, which takes <srv> from the config's server_id.
    const script = join(ROOT, 'scripts', 'container-healthcheck.sh');
    const hc = sh('ip', ['netns', 'exec', SRV_NS, 'env', `CORESMD_CONFIG=${join(work, 'config.yaml')}`, 'DHCPING_TIMEOUT=3', 'sh', script]);
    assert.equal(hc.status, 0, `${script}: ${hc.out}`);
  });

  test('tftp-hpa fetches `default` and the embedded ipxe-x86_64.efi (tftp_dir does not exist)', () => {
    const manifest = readFileSync(join(ROOT, 'firmware', 'ipxe', 'SHA256SUMS'), 'utf8');
    const want = /^([0-9a-f]{64}) {2}ipxe-x86_64\.efi$/m.exec(manifest)?.[1];
    assert.ok(want !== undefined);
    for (const [remote, mode] of [['default', 'netascii'], ['ipxe-x86_64.efi', 'octet']] as const) {
      const local = join(work, `got-${remote}`);
      const r = spawnSync('ip', ['netns', 'exec', CLI_NS, 'tftp', SRV_IP], {
        input: `rexmt 1\nmode ${mode}\nget ${remote} ${local}\nquit\n`,
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
      const got = readFileSync(local);
      if (remote === 'default') assert.equal(got.toString(), '#!ipxe\nreboot\n');
      else assert.equal(sha256(got), want);
    }
    assert.match(logs.get(SERVE ? 'serve' : 'dhcp')!(), /built-in iPXE binaries serve what the root lacks/);
  });

  test(`dig gets the node from \`dist/coresmd ${SERVE ? 'serve' : 'dns'}\``, async () => {
    const dns = SERVE ? children[0]! : startServer('dns', ['dns', '-conf', join(work, 'Corefile')]);
    const answer = await until(
      'an A record for nid001.openchami.cluster',
      15_000,
      () => {
        if (dns.exitCode !== null) return '';
        const r = sh('ip', ['netns', 'exec', CLI_NS, 'dig', `@${SRV_IP}`, '+tries=1', '+timeout=1', '+short', 'nid001.openchami.cluster', 'A']);
        return r.status === 0 && r.out.trim() !== '' ? r.out.trim() : undefined;
      },
      allLogs,
    );
    assert.equal(answer, '172.16.0.1', allLogs());
    const ptr = sh('ip', ['netns', 'exec', CLI_NS, 'dig', `@${SRV_IP}`, '+tries=1', '+timeout=1', '+short', '-x', '172.16.0.1']);
    assert.equal(ptr.out.trim(), 'x1000c0s0b0n0.openchami.cluster.', 'PTR names the xname');
  });

  test('the status page is built in: dist/coresmd and dist/coresmd.mjs serve src/app/admin/ui byte for byte', { skip: SERVE ? false : 'no coresmd serve in this tree' }, async () => {
    // The executable's `serve` (started above) has no src/ to read from: only the embedded copy can answer.
    const sea = await until('the admin server of dist/coresmd', 15_000, () => fetchUi(SEA_ADMIN), allLogs);
    assert.deepEqual(sea, expectedUi(), allLogs());

    // The bundle, run by plain node from dist/ (no src/app/admin/ui beside it), as `dns` on ports of its own.
    const corefile = join(work, 'Corefile-mjs');
    writeFileSync(corefile, `.:5354 {\n    bind 127.0.0.1\n    coresmd {\n        smd_url file://${INVENTORY}\n        zone openchami.cluster {\n            nodes nid{03d}\n        }\n    }\n}\n`);
    const mjs = spawn('ip', ['netns', 'exec', SRV_NS, process.execPath, MJS, 'dns', '-conf', corefile, '--admin-listen', MJS_ADMIN], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(mjs);
    let log = '';
    mjs.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    mjs.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    logs.set('mjs dns', () => log);
    const bundle = await until('the admin server of dist/coresmd.mjs', 15_000, () => (mjs.exitCode === null ? fetchUi(MJS_ADMIN) : {}), allLogs);
    assert.deepEqual(bundle, expectedUi(), allLogs());
  });

  test('the servers are still running', () => {
    for (const c of children) assert.equal(c.exitCode, null, allLogs());
  });
});
