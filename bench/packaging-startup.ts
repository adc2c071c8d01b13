// Packaging benchmark (BENCHMARKS.md, "Packaging"): the size of each form coresmd ships in and
// its start-up time, from spawn to the first DHCP reply it serves.
//
//   node --import tsx bench/packaging-startup.ts [--runs 10] [--extra NAME=PATH]... [--mjs-node PATH]
//
// Forms: `node bin/coresmd` (the checkout, TypeScript through tsx), `node dist/coresmd.mjs`,
// `dist/coresmd` (the single executable); --extra adds another single executable (another
// build of dist/coresmd, e.g. `scripts/build.mjs --node=self` or `--no-code-cache`, copied aside),
// --mjs-node runs dist/coresmd.mjs with another Node binary too (the one the executable embeds).
// dist/ must be built (npm run build).
//
// Each run starts a fresh `coresmd dhcp -c CONFIG`: listen 127.0.0.1:PORT, the upstream example
// chain with the coresmd plugin reading examples/inventory.json through file:// (so start-up
// includes loading the inventory and starting TFTP, as on a boot server). From just before the
// spawn, a probe sends a DHCPDISCOVER for a MAC of the inventory to 127.0.0.1:PORT every 2 ms
// and stops at the first reply with its xid: that instant is the start-up time. The server's
// VmRSS is read then. Forms are interleaved run by run; median, min and max are printed. The
// page cache is warm (the files were just read): a cold start adds the read of the file.
//
// As root it runs inside a private network namespace holding only lo (unshare --net), so the
// TFTP server the plugin starts binds nothing else; elsewhere it runs as is, on loopback.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1] ?? 10) || 10;
const extras: [string, string][] = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] !== '--extra') continue;
  const spec = argv[i + 1] ?? '';
  const name = spec.slice(0, spec.lastIndexOf('='));
  const path = spec.slice(spec.lastIndexOf('=') + 1);
  if (name === '' || !existsSync(path)) throw new Error(`--extra NAME=PATH: no file '${path}'`);
  extras.push([name, path]);
}

if (process.getuid?.() === 0 && process.env['CORESMD_BENCH_NETNS'] === undefined && spawnSync('unshare', ['--version']).status === 0) {
  const r = spawnSync('unshare', ['--net', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...argv], {
    stdio: 'inherit',
    env: { ...process.env, CORESMD_BENCH_NETNS: '1' },
  });
  process.exit(r.status ?? 1);
}

const forms: { name: string; cmd: string; args: string[]; size: string }[] = [
  { name: 'checkout: node bin/coresmd (tsx)', cmd: process.execPath, args: [join(root, 'bin', 'coresmd')], size: 'Node + node_modules + src' },
  { name: 'node dist/coresmd.mjs', cmd: process.execPath, args: [join(root, 'dist', 'coresmd.mjs')], size: `${statSync(join(root, 'dist', 'coresmd.mjs')).size} B + Node` },
  { name: 'dist/coresmd (single executable)', cmd: join(root, 'dist', 'coresmd'), args: [], size: `${statSync(join(root, 'dist', 'coresmd')).size} B` },
  ...extras.map(([name, path]) => ({ name, cmd: path, args: [], size: `${statSync(path).size} B` })),
];
const mjsNode = argv.includes('--mjs-node') ? argv[argv.indexOf('--mjs-node') + 1] : undefined;
if (mjsNode !== undefined) {
  const v = spawnSync(mjsNode, ['--version'], { encoding: 'utf8' }).stdout.trim();
  forms.splice(2, 0, { name: `${mjsNode.split('/').slice(-3).join('/')} (${v}) dist/coresmd.mjs`, cmd: mjsNode, args: [join(root, 'dist', 'coresmd.mjs')], size: forms[1]!.size });
}

const work = mkdtempSync(join(tmpdir(), 'coresmd-bench-startup-'));
const MAC = [0x52, 0x54, 0x00, 0xbe, 0xef, 0x01];

function config(port: number, tftpPort: number): string {
  const file = join(work, `config-${port}.yaml`);
  writeFileSync(
    file,
    `server4:
  listen: ["127.0.0.1:${port}"]
  plugins:
    - server_id: 172.16.0.253
    - dns: 172.16.0.253
    - router: 172.16.0.254
    - netmask: 255.255.255.0
    - coresmd: |
        svc_base_uri=file://${join(root, 'examples', 'inventory.json')}
        ipxe_base_uri=http://172.16.0.253:8081
        cache_valid=30s
        lease_time=1h
        tftp_dir=${join(work, 'no-tftpboot')}
        tftp_port=${tftpPort}
        domain=openchami.cluster
        rule=name:nodes,type:Node,hostname:nid{03d}
`,
  );
  return file;
}

function discover(xid: number): Buffer {
  const b = Buffer.alloc(300);
  b[0] = 1; // BOOTREQUEST
  b[1] = 1; // Ethernet
  b[2] = 6;
  b.writeUInt32BE(xid, 4);
  b.writeUInt16BE(0x8000, 10); // broadcast flag
  Buffer.from(MAC).copy(b, 28);
  b.writeUInt32BE(0x63825363, 236); // magic cookie
  Buffer.from([53, 1, 1, 93, 2, 0, 7, 255]).copy(b, 240); // DISCOVER, arch x64 UEFI, end
  return b;
}

function rssKiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

let nextPort = 20000 + (process.pid % 20000);

async function once_(form: (typeof forms)[number]): Promise<{ ms: number; rss: number }> {
  const port = nextPort++;
  const cfg = config(port, nextPort++);
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const xid = (Math.random() * 0xffffffff) >>> 0;
  const packet = discover(xid);
  let stderr = '';
  const t0 = performance.now();
  const child = spawn(form.cmd, [...form.args, 'dhcp', '-c', cfg, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const timer = setInterval(() => sock.send(packet, port, '127.0.0.1'), 2);
  try {
    const got = await Promise.race([
      new Promise<number>((resolve) => {
        sock.on('message', (m) => {
          if (m.length >= 8 && m[0] === 2 && m.readUInt32BE(4) === xid) resolve(performance.now());
        });
      }),
      once(child, 'exit').then(() => Promise.reject(new Error(`${form.name} exited: ${stderr}`))),
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`${form.name}: no reply in 20 s: ${stderr}`)), 20_000).unref()),
    ]);
    const rss = rssKiB(child.pid!);
    return { ms: got - t0, rss };
  } finally {
    clearInterval(timer);
    sock.close();
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const results = new Map<string, { ms: number[]; rss: number[] }>(forms.map((f) => [f.name, { ms: [], rss: [] }]));
try {
  for (const f of forms) await once_(f); // warm-up: page cache, tsx's cache
  for (let i = 0; i < runs; i++) {
    for (const f of forms) {
      const r = await once_(f);
      results.get(f.name)!.ms.push(r.ms);
      results.get(f.name)!.rss.push(r.rss);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`packaging start-up: ${runs} runs per form, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}, ${process.env['CORESMD_BENCH_NETNS'] === undefined ? 'host network' : 'private network namespace'}`);
console.log('| form | size | start-up to first DHCP reply, median (min–max) | RSS then, median |');
console.log('|---|---|---|---|');
for (const f of forms) {
  const r = results.get(f.name)!;
  console.log(`| ${f.name} | ${f.size} | ${median(r.ms).toFixed(0)} ms (${Math.min(...r.ms).toFixed(0)}–${Math.max(...r.ms).toFixed(0)}) | ${(median(r.rss) / 1024).toFixed(1)} MiB |`);
}
console.log(`all runs (ms): ${forms.map((f) => `${f.name}: ${results.get(f.name)!.ms.map((x) => x.toFixed(0)).join(' ')}`).join('; ')}`);
