// `coresmd tftp` as a process: it announces where it listens, serves, and stops cleanly on
// SIGTERM; bad flags print usage and exit 2; a missing root falls back to firmware/ipxe/bin.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/app/main.ts';
import { DEFAULT_TFTP_FALLBACK_ROOT, sendSlotBytes } from '../../src/app/tftp/start-tftp.ts';
import { ETH0, iface, LO } from '../net/support.ts';
import { missingClient, tftpHpaGet } from './tftp-support.ts';
import { hasV6Loopback } from '../support/ipv6.ts';

const bin = fileURLToPath(new URL('../../bin/coresmd', import.meta.url));
let dir: string;
const children: ChildProcess[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tftp-cli-'));
  writeFileSync(join(dir, 'hello.txt'), 'hello from the root\n');
});

after(() => {
  for (const c of children) if (c.exitCode === null && c.pid !== undefined) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function capture(): { io: { out: (t: string) => void; err: (t: string) => void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, out, err };
}

/** Starts the command and resolves with the port from its banner. */
function startCli(args: string[]): Promise<{ child: ChildProcess; port: number; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, 'tftp', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner; stderr: ${stderr}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /tftp listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), stderr: () => stderr, exited });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before the banner; stderr: ${stderr}`));
    });
  });
}

const V6_LOOPBACK = await hasV6Loopback();

describe('coresmd tftp', () => {
  test('serves the root, then stops on SIGTERM with exit code 0', { skip: missingClient('tftpHpa') }, async () => {
    const cli = await startCli(['--root', dir, '--listen', '127.0.0.1:0', '--log-level', 'info']);
    const local = join(dir, 'got.txt');
    await tftpHpaGet(cli.port, 'hello.txt', local);
    assert.equal(readFileSync(local, 'utf8'), 'hello from the root\n');
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exited, 0);
    assert.match(cli.stderr(), /msg="transfer complete".*file=hello\.txt/);
    assert.match(cli.stderr(), /msg=stopping .*signal=SIGTERM/);
  });

  test('a missing root serves firmware/ipxe/bin instead (and says so)', { skip: missingClient('tftpHpa') }, async () => {
    const cli = await startCli(['--root', join(dir, 'no-such-dir'), '--listen', '127.0.0.1:0', '--single-port']);
    await tftpHpaGet(cli.port, 'undionly.kpxe', join(dir, 'u.kpxe'));
    cli.child.kill('SIGINT');
    assert.equal(await cli.exited, 0);
    const fallbackNamed = cli.stderr().includes(String(DEFAULT_TFTP_FALLBACK_ROOT)) || /boot file root does not exist/.test(cli.stderr());
    assert.ok(fallbackNamed, cli.stderr());
  });

  test('the default fallback root is firmware/ipxe/bin of the checkout', () => {
    assert.match(String(DEFAULT_TFTP_FALLBACK_ROOT), /firmware\/ipxe\/bin$/);
  });

  const usage: { name: string; args: string[]; match: RegExp }[] = [
    { name: 'no --root', args: ['tftp'], match: /missing --root DIR/ },
    { name: 'a bad --listen', args: ['tftp', '--root', '/x', '--listen', 'nope'], match: /expected ADDR:PORT/ },
    { name: '--max-transfers 0', args: ['tftp', '--root', '/x', '--max-transfers', '0'], match: /--max-transfers must be an integer from 1/ },
    { name: '--timeout 300', args: ['tftp', '--root', '/x', '--timeout', '300'], match: /--timeout must be an integer from 1 to 255/ },
    { name: 'an unknown flag', args: ['tftp', '--root', '/x', '--write'], match: /unknown flag --write/ },
  ];
  for (const c of usage) {
    test(`${c.name}: usage on stderr, exit 2`, async () => {
      const cap = capture();
      assert.equal(await main(c.args, 'coresmd', cap.io), 2);
      assert.match(cap.err.join(''), c.match);
      assert.match(cap.err.join(''), /Usage: coresmd tftp --root DIR/);
    });
  }

  test('--listen6 ::1 also serves over IPv6 on the same port (curl tftp://[::1])', { skip: V6_LOOPBACK ? false : 'no IPv6 loopback (::1)' }, async () => {
    const cli = await startCli(['--root', dir, '--listen', '127.0.0.1:0', '--listen6', '::1']);
    const local = join(dir, 'got6.txt');
    const r = spawnSync('curl', ['-sS', '-6', '-o', local, `tftp://[::1]:${cli.port}/hello.txt`], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(local, 'utf8'), 'hello from the root\n');
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exited, 0);
    assert.match(cli.stderr(), /msg="transfer complete".*file=hello\.txt/);
  });

  test('--listen6 with an IPv4 address: usage, exit 2', async () => {
    const cap = capture();
    assert.equal(await main(['tftp', '--root', dir, '--listen6', '127.0.0.1'], 'coresmd', cap.io), 2);
    assert.match(cap.err.join(''), /--listen6 expects an IPv6 address/);
  });

  test('an IPv6 listen address is refused with exit 1 and a reason', async () => {
    const cap = capture();
    assert.equal(await main(['tftp', '--root', dir, '--listen', '[::1]:0'], 'coresmd', cap.io), 1);
    assert.match(cap.err.join(''), /IPv4 addresses only/);
  });

  test('--help lists the flags; the top-level help lists the command', async () => {
    const cap = capture();
    assert.equal(await main(['tftp', '--help'], 'coresmd', cap.io), 0);
    const text = cap.out.join('');
    for (const f of ['--root DIR', '--listen ADDR:PORT', '--single-port', '--max-transfers N']) assert.ok(text.includes(f), f);
    const top = capture();
    assert.equal(await main(['--help'], 'coresmd', top.io), 0);
    assert.match(top.out.join(''), /\btftp\s+run the read-only TFTP server/);
  });
});

describe('startTftp send slots', () => {
  const JUMBO = iface('ib0', ['10.1.0.1/16'], { mtu: 9000 });
  const cases: { name: string; addresses: string[]; want: number }[] = [
    { name: 'Ethernet: 1468-byte blocks + 4', addresses: ['192.0.2.1'], want: 1472 },
    { name: 'jumbo frames', addresses: ['10.1.0.1', '192.0.2.1'], want: 8972 },
    { name: 'loopback alone: the RFC 2348 maximum + 4', addresses: ['127.0.0.1'], want: 65468 },
    { name: 'loopback beside real interfaces does not size the slots', addresses: ['127.0.0.1', '192.0.2.1'], want: 1472 },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.want}`, () => {
      assert.equal(sendSlotBytes([LO, ETH0, JUMBO], c.addresses), c.want);
    });
  }
});
