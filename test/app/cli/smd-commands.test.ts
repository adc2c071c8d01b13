// The SMD-facing commands as an admin runs them: `smd-sim` as a real process, `inventory` and
// `demo` against it.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { main } from '../../../src/app/main.ts';
import { ip, reply, request } from '../../dhcp/service/support.ts';
import type { CliIo } from '../../../src/app/cli/command.ts';

const bin = fileURLToPath(new URL('../../../bin/coresmd', import.meta.url));
const inventoryFile = fileURLToPath(new URL('../../../examples/inventory.json', import.meta.url));

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await main(argv, 'coresmd', io);
  return { code, out: out.join(''), err: err.join('') };
}

/** Starts `coresmd ARGS` and resolves with the first stdout line that matches. */
async function startProcess(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = ready.exec(buf);
      if (m !== null) resolve(m);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before ready: ${buf}`)));
  });
  return { child, match };
}

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('smd-sim and inventory commands', async () => {
  const { child, match } = await startProcess(['smd-sim', '--inventory', inventoryFile, '--listen', '127.0.0.1:0'], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  children.push(child);
  const url = match[1]!;

  test('inventory prints one row per interface with IPs, xname, NID and type', async () => {
    const r = await run(['inventory', '--smd', url]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^MAC\s+IPS\s+XNAME\s+NID\s+TYPE$/m);
    assert.match(r.out, /^52:54:00:be:ef:01\s+172\.16\.0\.1,fd00:172:16::1\s+x1000c0s0b0n0\s+1\s+Node$/m);
    assert.match(r.out, /^de:ca:fc:0f:fe:e1\s+172\.16\.0\.101\s+x1000c0s0b0\s+-\s+NodeBMC$/m);
    assert.match(r.out, /^52:54:00:de:ad:aa\s+172\.16\.0\.200\s+-\s+-\s+-$/m);
    assert.match(r.out, /13 interfaces, 12 components from http:/);
  });

  test('inventory --json prints one object per interface', async () => {
    const r = await run(['inventory', '--smd', url, '--json']);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l) as { mac: string; nid: number | null });
    assert.equal(rows.length, 13);
    assert.deepEqual(rows.find((x) => x.mac === '52:54:00:be:ef:06'), { mac: '52:54:00:be:ef:06', ips: ['172.16.0.6'], xname: 'x1000c0s1b0n0', nid: null, type: 'Node' });
  });

  test('a failing SMD is an error with its code, not an empty inventory', async () => {
    const res = await fetch(`${url}/__sim/faults`, { method: 'POST', body: JSON.stringify({ mode: 'status500', times: 2 }) });
    assert.ok(res.ok);
    const r = await run(['inventory', '--smd', url]);
    assert.equal(r.code, 1);
    assert.match(r.err, /ERR_SMD_STATUS/);
    assert.equal(r.out, '');
  });

  test('inventory reads a file:// inventory too', async () => {
    const r = await run(['inventory', '--smd', `file://${inventoryFile}`]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /13 interfaces, 12 components from file:/);
  });

  test('bad flags are usage errors', async () => {
    assert.equal((await run(['inventory'])).code, 2);
    assert.equal((await run(['inventory', '--smd', url, '--timeout', 'soon'])).code, 2);
  });

  test('smd-sim stops cleanly on SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  });
});

describe('demo command', () => {
  test('starts the simulator, the inventory, DHCPv4, TFTP, HTTP boot and DNS on loopback, answers a DISCOVER, and stops on SIGINT', async () => {
    const { child, match } = await startProcess(
      ['demo', '--smd-listen', '127.0.0.1:0', '--dhcp-listen', '127.0.0.1:0', '--tftp-port', '0', '--dns-port', '0'],
      /inventory\s+(\d+) interfaces, (\d+) components[\s\S]*dhcp4\s+127\.0\.0\.1:(\d+)[\s\S]*http boot\s+(http:\S+)[\s\S]*dns\s+127\.0\.0\.1:(\d+)/,
    );
    children.push(child);
    assert.equal(match[1], '13');
    assert.equal(match[2], '12');
    const sock = dgram.createSocket('udp4');
    const replyPayload = new Promise<Buffer>((resolve) => sock.once('message', resolve));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    sock.send(request({ type: 1, mac: '52:54:00:be:ef:02', options: [{ code: 93, data: Uint8Array.of(0, 7) }] }), Number(match[3]), '127.0.0.1');
    const r = reply(await replyPayload);
    sock.close();
    assert.equal(r.yiaddr, ip('172.16.0.2'));
    assert.equal(new TextDecoder().decode(r.opt(12)), 'nid002.openchami.cluster');
    assert.equal(new TextDecoder().decode(r.opt(67)), 'ipxe-x86_64.efi');
    const script = await fetch(`${match[4]}/default`);
    assert.equal(await script.text(), '#!ipxe\nreboot\n');
    const resolver = new Resolver();
    resolver.setServers([`127.0.0.1:${match[5]}`]);
    assert.deepEqual(await resolver.resolve4('nid002.openchami.cluster'), ['172.16.0.2']);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  });
});
