// `coresmd serve --dhcp coredhcp.yaml --dns Corefile` as root in two network namespaces this test
// creates, against real clients: busybox udhcpc gets its SMD lease, dig gets the A record and
// tftp-hpa gets `default`, all from the one server process. The SMD simulator (startSmdSim, run
// in the server namespace by test/app/serve/netns-smd-sim.ts) counts the polls: DHCP and DNS
// share one inventory, so SMD sees one refresh loop, not the two of the original's two processes.
//
//   client ns: udhcpc, dig, tftp ── veth ── server ns: 172.16.0.253/24, coresmd serve, smd-sim on 127.0.0.1
//
// Names carry this process's PID; the after-hook kills the processes it started (by PID) and
// deletes the namespaces (by name). Skips, saying why, when not root or a tool is missing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleCoredhcpYaml, exampleCorefile } from './support/example-config.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/coresmd');
const SIM = join(ROOT, 'test/app/serve/netns-smd-sim.ts');
const HOOK = join(ROOT, 'scripts/netns/udhcpc-hook.sh');
const has = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).error === undefined;
const missing = [
  ['ip', 'iproute2'],
  ['udhcpc', 'udhcpc'],
  ['dig', 'dnsutils'],
  ['tftp', 'tftp-hpa'],
].filter(([cmd]) => !has(cmd!, cmd === 'ip' ? '-V' : '--help'));
const skip = process.getuid?.() !== 0 ? 'needs root for network namespaces' : missing.length > 0 ? `needs ${missing.map(([c, p]) => `${c} (Debian ${p})`).join(', ')}` : false;

const tag = `cs${process.pid}`;
const SRV = `${tag}-srv`;
const CLI = `${tag}-cli`;
const V_SRV = `${tag}s`;
const V_CLI = `${tag}c`;
const SERVER_IP = '172.16.0.253';
const KNOWN_MAC = '52:54:00:be:ef:01'; // x1000c0s0b0n0, NID 1, 172.16.0.1 in examples/inventory.json
const SMD_PORT = 27779;
const POLL_MS = 500;

function sh(cmd: string, args: readonly string[], timeoutMs = 15_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (e, out, err) => resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : null, out: String(out), err: String(err) }));
  });
}

async function ip(...args: string[]): Promise<void> {
  const r = await sh('ip', args);
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.err}`);
}

/** Lines of a child's stream, with a wait for the first line matching `re`. */
function lines(stream: NodeJS.ReadableStream) {
  const seen: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buf = '';
  stream.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const l of parts) {
      seen.push(l);
      for (const w of [...waiters]) if (w.re.test(l)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(l));
    }
  });
  return {
    seen,
    waitFor: (re: RegExp, timeoutMs = 20_000) =>
      new Promise<string>((resolve, reject) => {
        const hit = seen.find((l) => re.test(l));
        if (hit !== undefined) return resolve(hit);
        const t = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms:\n${seen.slice(-20).join('\n')}`)), timeoutMs);
        waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
      }),
  };
}

const coredhcpYaml = (leaseFile: string) => exampleCoredhcpYaml({ iface: V_SRV, serverIp: SERVER_IP, smdUrl: `http://127.0.0.1:${SMD_PORT}`, cacheValid: `${POLL_MS}ms`, tftpDir: '/nonexistent', bootloopLeaseFile: leaseFile });

// The Corefile polls the same SMD on its own in the original (a second process, a second cache).
const COREFILE = exampleCorefile({ serverIp: SERVER_IP, smdUrl: `http://127.0.0.1:${SMD_PORT}`, cacheDuration: `${POLL_MS}ms` });

describe('coresmd serve in network namespaces: DHCP, DNS and TFTP from one process, one SMD poller', { skip, timeout: 60_000 }, () => {
  let work: string;
  let sim: ChildProcess | undefined;
  let server: ChildProcess | undefined;
  let simOut: ReturnType<typeof lines>;
  let serverLog: ReturnType<typeof lines>;

  const counts = async (): Promise<{ interfaces: number; components: number }> => {
    const before = simOut.seen.length;
    sim!.stdin!.write('\n');
    for (let i = 0; i < 100 && simOut.seen.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    return JSON.parse(simOut.seen[before]!) as { interfaces: number; components: number };
  };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), `${tag}-`));
    await ip('netns', 'add', SRV);
    await ip('netns', 'add', CLI);
    await ip('link', 'add', V_SRV, 'type', 'veth', 'peer', 'name', V_CLI);
    await ip('link', 'set', V_SRV, 'netns', SRV);
    await ip('link', 'set', V_CLI, 'netns', CLI);
    await ip('-n', SRV, 'link', 'set', 'lo', 'up');
    await ip('-n', CLI, 'link', 'set', 'lo', 'up');
    await ip('-n', SRV, 'addr', 'add', `${SERVER_IP}/24`, 'dev', V_SRV);
    await ip('-n', SRV, 'link', 'set', V_SRV, 'up');
    await ip('-n', CLI, 'link', 'set', V_CLI, 'address', KNOWN_MAC);
    await ip('-n', CLI, 'link', 'set', V_CLI, 'up');

    sim = spawn('ip', ['netns', 'exec', SRV, process.execPath, '--import', 'tsx', SIM, String(SMD_PORT)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    simOut = lines(sim.stdout!);
    await simOut.waitFor(/^ready /);

    const dhcp = join(work, 'coredhcp.yaml');
    const dns = join(work, 'Corefile');
    writeFileSync(dhcp, coredhcpYaml(join(work, 'bootloop.leases')));
    writeFileSync(dns, COREFILE);
    server = spawn('ip', ['netns', 'exec', SRV, process.execPath, BIN, 'serve', '--dhcp', dhcp, '--dns', dns, '--log-format', 'json'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    serverLog = lines(server.stderr!);
    await serverLog.waitFor(/"msg":"ready"/);
  });

  after(async () => {
    for (const c of [server, sim]) {
      if (c !== undefined && c.exitCode === null && c.signalCode === null) {
        c.kill('SIGTERM');
        const t = setTimeout(() => c.kill('SIGKILL'), 5000);
        await once(c, 'exit');
        clearTimeout(t);
      }
    }
    for (const ns of [CLI, SRV]) await sh('ip', ['netns', 'del', ns]);
    rmSync(work, { recursive: true, force: true });
  });

  test('the server came up with raw sockets on the veth and one inventory', () => {
    const listening = serverLog.seen.find((l) => l.includes('"msg":"DHCPv4 listening"') && l.includes('"endpoints"'));
    assert.match(listening ?? '', /"mode":"raw"/);
    assert.match(listening ?? '', new RegExp(`"interfaces":"${V_SRV}"`));
    assert.ok(serverLog.seen.some((l) => l.includes('coresmd uses the process inventory')), 'DNS uses the shared inventory');
  });

  test('udhcpc gets the SMD lease of its MAC', async () => {
    const rec = join(work, 'udhcpc.rec');
    const r = await sh('ip', ['netns', 'exec', CLI, 'env', `NETNS_RECORD=${rec}`, 'udhcpc', '-f', '-q', '-n', '-t', '5', '-T', '1', '-i', V_CLI, '-s', HOOK], 20_000);
    const bound = readFileSync(rec, 'utf8').split('\n').find((l) => l.includes(' event=bound '));
    assert.ok(bound !== undefined, `no lease:\n${r.out}\n${r.err}`);
    assert.match(bound, / ip=172\.16\.0\.1 /);
    assert.match(bound, / hostname=nid0001\.openchami\.cluster /);
    assert.match(bound, / server_id=172\.16\.0\.253 /);
  });

  /** The leased address, in case the udhcpc test failed (so these tests report their own result). */
  const clientAddress = () => sh('ip', ['-n', CLI, 'addr', 'replace', '172.16.0.1/24', 'dev', V_CLI]);

  test('dig gets the A record of the node', async () => {
    await clientAddress();
    const r = await sh('ip', ['netns', 'exec', CLI, 'dig', `@${SERVER_IP}`, '+short', '+tries=2', '+timeout=2', 'nid0001.openchami.cluster', 'A']);
    assert.equal(r.out.trim(), '172.16.0.1', r.err);
  });

  test('tftp-hpa gets the built-in `default` script', async () => {
    await clientAddress();
    const out = join(work, 'default.ipxe');
    const r = await sh('ip', ['netns', 'exec', CLI, 'tftp', '-m', 'binary', SERVER_IP, '-c', 'get', 'default', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(readFileSync(out, 'utf8'), /^#!ipxe/);
  });

  test('SMD sees one refresh loop: polls per interval match one poller, not two', async (t) => {
    const windowMs = 3000;
    const a = await counts();
    await new Promise((r) => setTimeout(r, windowMs));
    const b = await counts();
    const polls = b.interfaces - a.interfaces;
    t.diagnostic(`${polls} inventory fetches in ${windowMs} ms at cache_valid=${POLL_MS}ms (one poller: at most ${windowMs / POLL_MS + 1}; two: about ${(2 * windowMs) / POLL_MS})`);
    assert.ok(polls >= windowMs / POLL_MS - 2, `polling goes on (${polls})`);
    assert.ok(polls <= windowMs / POLL_MS + 1, `one poller (${polls})`);
    assert.equal(b.components - a.components, polls, 'each refresh reads both lists once');
  });

  test('SIGTERM: the server drains and exits 0', async () => {
    // `ip netns exec` execs the command, so the child's PID is the server's.
    server!.kill('SIGTERM');
    const [code] = (await once(server!, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.ok(serverLog.seen.some((l) => l.includes('"msg":"stopped"') && l.includes('"drained":true')));
  });
  test('control: the original layout (coresmd dhcp and coresmd dns, two processes) polls twice as often', async (t) => {
    const started: ChildProcess[] = [];
    try {
      for (const args of [['dhcp', '-c', join(work, 'coredhcp.yaml')], ['dns', '-conf', join(work, 'Corefile'), '-quiet']]) {
        const c = spawn('ip', ['netns', 'exec', SRV, process.execPath, BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
        started.push(c);
        await lines(c.stderr!).waitFor(/"msg":"ready"/);
      }
      const windowMs = 3000;
      const a = await counts();
      await new Promise((r) => setTimeout(r, windowMs));
      const polls = (await counts()).interfaces - a.interfaces;
      t.diagnostic(`${polls} inventory fetches in ${windowMs} ms from two processes`);
      assert.ok(polls >= (2 * windowMs) / POLL_MS - 3, `two pollers (${polls})`);
    } finally {
      for (const c of started) {
        if (c.exitCode !== null || c.signalCode !== null) continue;
        c.kill('SIGTERM');
        await once(c, 'exit');
      }
    }
  });
});
