// Real clients (tftp-hpa 5.2, atftp 0.8.0, curl) against the real server on 127.0.0.1: every
// option combination they can ask for gives a byte-identical file, every path escape is refused
// with error 2, and the built-in scripts, the size probe, write requests, transfer IDs and
// single-port mode behave as documented. Loopback's MTU is 65536, so blksize goes up to 65464.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/seams/clock.ts';
import { nullLogger } from '../../src/seams/logger.ts';
import { startTftp, type RunningTftp } from '../../src/app/tftp/start-tftp.ts';
import { Writer } from '../../src/wire/writer.ts';
import { encodeAck, encodeError, encodeRrq, type TftpOptionList } from '../../src/tftp/packet.ts';
import { atftpGet, curlGet, missingClient, patternBytes, RawClient, tftpHpaGet, tftpHpaPut } from './tftp-support.ts';

let dir: string;
let root: string;
let out: string;
let server: RunningTftp;
let port: number;
let single: RunningTftp;
let singlePortNo: number;
const files = {
  'small.bin': patternBytes(700, 1),
  'medium.bin': patternBytes(300_000, 2), // served from memory
  'large.bin': patternBytes(6_000_000, 3), // over 4 MiB: read from disk in chunks
  'exact.bin': patternBytes(512 * 40, 4), // ends with an empty block
};
const TEXT = 'first line\nsecond line\r\nthird\rfourth\n'.repeat(200);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tftp-clients-'));
  root = join(dir, 'root');
  out = join(dir, 'out');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(out);
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside', 'secret.txt'), 'TOP SECRET\n');
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(root, name), bytes);
  writeFileSync(join(root, 'text.txt'), TEXT);
  writeFileSync(join(root, 'sub', 'a.txt'), 'inside\n');
  writeFileSync(join(root, 'default'), 'not the reboot script\n');
  symlinkSync('../outside/secret.txt', join(root, 'link-out'));
  symlinkSync('/etc/passwd', join(root, 'link-abs'));
  symlinkSync('../outside', join(root, 'dir-out'));
  server = await startTftp({ root, fallbackRoot: null, listen: { host: '127.0.0.1', port: 0 }, singlePort: false, logger: nullLogger, clock: systemClock });
  port = server.endpoints[0]!.port;
  single = await startTftp({ root, fallbackRoot: null, listen: { host: '127.0.0.1', port: 0 }, singlePort: true, logger: nullLogger, clock: systemClock });
  singlePortNo = single.endpoints[0]!.port;
});

after(async () => {
  await server?.close();
  await single?.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const outFile = () => join(out, `f${n++}`);
const expected = (name: string): Buffer => (name === 'text.txt' ? Buffer.from(TEXT) : files[name as keyof typeof files]);

function assertSame(local: string, name: string): void {
  assert.ok(existsSync(local), `${local} was written`);
  const got = readFileSync(local);
  const want = expected(name);
  assert.equal(got.length, want.length, 'length');
  assert.ok(got.equals(want), 'byte-identical');
}

describe('tftp-hpa', { skip: missingClient('tftpHpa') }, () => {
  for (const name of ['small.bin', 'medium.bin', 'exact.bin', 'large.bin']) {
    test(`octet ${name} (512-byte lock-step, no options) is byte-identical`, async () => {
      const local = outFile();
      const r = await tftpHpaGet(port, name, local);
      assert.equal(r.stderr, '');
      assertSame(local, name);
    });
  }

  test('netascii text.txt converts on the wire and back to the same file', async () => {
    const local = outFile();
    await tftpHpaGet(port, 'text.txt', local, { mode: 'netascii' });
    assertSame(local, 'text.txt');
  });

  test('`default` is the 14-byte reboot script, not the file of that name', async () => {
    const local = outFile();
    await tftpHpaGet(port, 'default', local);
    assert.equal(readFileSync(local, 'latin1'), '#!ipxe\nreboot\n');
  });

  test('a missing autoexec.ipxe comes back as an empty file, not an error', async () => {
    const local = outFile();
    const r = await tftpHpaGet(port, 'autoexec.ipxe', local);
    assert.doesNotMatch(r.stdout + r.stderr, /Error/);
    assert.equal(readFileSync(local).length, 0);
  });

  test('a missing file is error 1', async () => {
    const r = await tftpHpaGet(port, 'nope.efi', outFile());
    assert.match(r.stdout + r.stderr, /Error code 1: File not found/);
  });

  test('a write request is error 2 (read-only)', async () => {
    const src = join(out, 'upload');
    writeFileSync(src, 'x');
    const r = await tftpHpaPut(port, src, 'upload.bin');
    assert.match(r.stdout + r.stderr, /Error code 2: Access violation/);
    assert.ok(!existsSync(join(root, 'upload.bin')));
  });

  const escapes = [
    '../outside/secret.txt',
    '../../../../../../etc/passwd',
    'sub/../../outside/secret.txt',
    'sub/../sub/a.txt',
    '/etc/passwd',
    `/${'x'}/../etc/passwd`,
    'link-out',
    'link-abs',
    'dir-out/secret.txt',
    '..\\outside\\secret.txt',
    'sub\\a.txt',
    '..',
  ];
  for (const name of escapes) {
    test(`path escape ${JSON.stringify(name)} is refused with error 2 and nothing leaks`, async () => {
      const local = outFile();
      const r = await tftpHpaGet(port, name, local);
      assert.match(r.stdout + r.stderr, /Error code 2: Access violation/);
      const got = existsSync(local) ? readFileSync(local, 'latin1') : '';
      assert.doesNotMatch(got, /SECRET|root:/);
    });
  }
});

describe('atftp (options, including RFC 7440 windowsize)', { skip: missingClient('atftp') }, () => {
  // Windows stay within what the client's socket buffer holds on loopback (rmem_default 208 KiB
  // of kernel memory): a burst beyond it is dropped by the receiving kernel, which is loss, and
  // loss is the subject of tftp-loss.test.ts.
  const combos: { file: string; options: Record<string, string | number> }[] = [
    { file: 'medium.bin', options: {} },
    { file: 'medium.bin', options: { blksize: 1468 } },
    { file: 'small.bin', options: { blksize: 8 } },
    { file: 'medium.bin', options: { blksize: 8, windowsize: 16 } },
    { file: 'medium.bin', options: { tsize: 0 } },
    { file: 'medium.bin', options: { timeout: 2 } },
    { file: 'medium.bin', options: { blksize: 1468, tsize: 0, timeout: 1 } },
    { file: 'medium.bin', options: { windowsize: 1 } },
    { file: 'medium.bin', options: { windowsize: 4 } },
    { file: 'medium.bin', options: { windowsize: 8, blksize: 1468 } },
    { file: 'exact.bin', options: { windowsize: 8 } },
    { file: 'small.bin', options: { windowsize: 16, blksize: 1468, tsize: 0 } },
    { file: 'large.bin', options: { windowsize: 16, blksize: 1468, tsize: 0, timeout: 1 } },
    { file: 'large.bin', options: { windowsize: 64, blksize: 1468 } },
    { file: 'large.bin', options: { windowsize: 2, blksize: 65464, tsize: 0 } },
    { file: 'large.bin', options: { windowsize: 8, blksize: 4096 } },
  ];
  for (const c of combos) {
    const label = Object.entries(c.options).map(([k, v]) => `${k}=${v}`).join(' ') || 'no options';
    test(`${c.file} with ${label} is byte-identical`, async () => {
      const local = outFile();
      const r = await atftpGet(port, c.file, local, c.options);
      assert.equal(r.code, 0, r.stderr);
      assertSame(local, c.file);
    });
  }

});

describe('curl', { skip: missingClient('curl') }, () => {
  const combos: { file: string; o: { blksize?: number; noOptions?: boolean } }[] = [
    { file: 'medium.bin', o: {} },
    { file: 'medium.bin', o: { noOptions: true } },
    { file: 'medium.bin', o: { blksize: 1468 } },
    { file: 'large.bin', o: { blksize: 65464 } },
    { file: 'exact.bin', o: { blksize: 512 } },
    { file: 'text.txt', o: {} },
  ];
  for (const c of combos) {
    test(`${c.file} with ${JSON.stringify(c.o)} is byte-identical`, async () => {
      const local = outFile();
      const r = await curlGet(port, c.file, local, c.o);
      assert.equal(r.code, 0, r.stderr);
      assertSame(local, c.file);
    });
  }

  test('ten clients at once each get the whole file', async () => {
    const locals = Array.from({ length: 10 }, outFile);
    const runs = await Promise.all(locals.map((l) => curlGet(port, 'medium.bin', l, { blksize: 1468 })));
    for (const [i, r] of runs.entries()) {
      assert.equal(r.code, 0, r.stderr);
      assertSame(locals[i]!, 'medium.bin');
    }
  });

  test('an escape through curl (which sends the path as given) is refused', async () => {
    const local = outFile();
    const r = await curlGet(port, 'sub/%2e%2e/%2e%2e/outside/secret.txt', local);
    assert.notEqual(r.code, 0);
    assert.ok(!existsSync(local) || !readFileSync(local, 'latin1').includes('SECRET'));
  });
});

describe('single-port mode (every packet on the listening port)', () => {
  test('tftp-hpa, atftp with windowsize and curl each get byte-identical files', { skip: missingClient('tftpHpa') || missingClient('atftp') || missingClient('curl') }, async () => {
    const a = outFile();
    const b = outFile();
    const c = outFile();
    const runs = await Promise.all([
      tftpHpaGet(singlePortNo, 'medium.bin', a),
      atftpGet(singlePortNo, 'large.bin', b, { windowsize: 8, blksize: 1468, tsize: 0 }),
      curlGet(singlePortNo, 'medium.bin', c, { blksize: 1468 }),
    ]);
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assertSame(a, 'medium.bin');
    assertSame(b, 'large.bin');
    assertSame(c, 'medium.bin');
  });

  test('replies come from the listening port, and a second port of the same client gets ERROR 5', async () => {
    const client = await RawClient.open();
    const stranger = await RawClient.open();
    try {
      await client.send(packet((w) => encodeRrq(w, 'small.bin', 'octet', [['blksize', '1024']])), singlePortNo);
      const [oack] = await client.waitFor(1);
      assert.equal(oack?.fromPort, singlePortNo);
      assert.deepEqual(oack?.packet, { kind: 'oack', options: [['blksize', '1024']] });
      await stranger.send(packet((w) => encodeAck(w, 0)), singlePortNo);
      const [err] = await stranger.waitFor(1);
      assert.equal(err?.packet.kind === 'error' && err.packet.code, 5);
      await client.send(packet((w) => encodeAck(w, 0)), singlePortNo);
      const replies = await client.waitFor(2);
      const data = replies[1]?.packet;
      assert.ok(data?.kind === 'data');
      assert.equal(replies[1]?.fromPort, singlePortNo);
      assert.ok(Buffer.from(data.payload).equals(files['small.bin']));
      await client.send(packet((w) => encodeAck(w, 1)), singlePortNo);
    } finally {
      await client.close();
      await stranger.close();
    }
  });
});

function packet(encode: (w: Writer) => void): Uint8Array {
  const w = new Writer(new Uint8Array(1024));
  encode(w);
  return Uint8Array.from(w.finish());
}

describe('raw requests no command-line client sends', () => {
  const rawRrq = (name: string, mode = 'octet', options: TftpOptionList = []): Uint8Array => {
    const parts: number[] = [0, 1, ...Buffer.from(name, 'latin1'), 0, ...Buffer.from(mode), 0];
    for (const [k, v] of options) parts.push(...Buffer.from(k), 0, ...Buffer.from(v), 0);
    return Uint8Array.from(parts);
  };
  const cases: { name: string; datagram: Uint8Array; code: number }[] = [
    // A NUL ends the filename on the wire (RFC 1350 §5), so "ipxe.efi\0../x" is the name
    // "small.bin" with the mode "../x": not a mode, so error 4 and no file is read.
    { name: 'a NUL inside the filename', datagram: Uint8Array.from([0, 1, ...Buffer.from('small.bin'), 0, ...Buffer.from('../x'), 0]), code: 4 },
    { name: 'an absolute path with a NUL-free trick', datagram: rawRrq('//etc//passwd'), code: 2 },
    { name: 'a name with a .. segment in the middle', datagram: rawRrq('sub/..//../outside/secret.txt'), code: 2 },
    { name: 'a name of only dots and slashes', datagram: rawRrq('../'), code: 2 },
    { name: 'mail mode', datagram: rawRrq('small.bin', 'mail'), code: 4 },
    { name: 'a WRQ', datagram: Uint8Array.from([0, 2, ...Buffer.from('x'), 0, ...Buffer.from('octet'), 0]), code: 2 },
  ];
  for (const c of cases) {
    test(`${c.name}: error ${c.code}`, async () => {
      const client = await RawClient.open();
      try {
        await client.send(c.datagram, port);
        const [r] = await client.waitFor(1);
        assert.ok(r?.packet.kind === 'error', 'an ERROR came back');
        assert.equal(r.packet.code, c.code);
      } finally {
        await client.close();
      }
    });
  }

  test('the UEFI size probe (tsize, then ERROR 8) is a normal end, and the real request that follows is served', async () => {
    const client = await RawClient.open();
    const before = server.server.stats();
    try {
      await client.send(rawRrq('medium.bin', 'octet', [['tsize', '0'], ['blksize', '1468']]), port);
      const [oack] = await client.waitFor(1);
      assert.deepEqual(oack?.packet, { kind: 'oack', options: [['tsize', '300000'], ['blksize', '1468']] });
      await client.send(packet((w) => encodeError(w, 8, 'User aborted the transfer')), oack!.fromPort);
      await client.send(rawRrq('medium.bin', 'octet', [['blksize', '1468']]), port);
      const replies = await client.waitFor(2);
      assert.deepEqual(replies[1]?.packet, { kind: 'oack', options: [['blksize', '1468']] });
      assert.notEqual(replies[1]?.fromPort, oack?.fromPort, 'a new transfer, a new TID');
      await client.send(packet((w) => encodeError(w, 0, 'enough')), replies[1]!.fromPort);
      await new Promise((r) => setTimeout(r, 50));
      const s = server.server.stats();
      assert.equal(s.sizeProbes, before.sizeProbes + 1);
      assert.equal(s.failed, before.failed + 1); // the second one, ended by the client's ERROR 0
    } finally {
      await client.close();
    }
  });

  test('EFI iPXE probing for autoexec.ipxe (none in the root) reads tsize 0 and stops: no error anywhere', async () => {
    const client = await RawClient.open();
    const before = server.server.stats();
    try {
      await client.send(rawRrq('autoexec.ipxe', 'octet', [['blksize', '1468'], ['tsize', '0']]), port);
      const [oack] = await client.waitFor(1);
      assert.deepEqual(oack?.packet, { kind: 'oack', options: [['blksize', '1468'], ['tsize', '0']] });
      await client.send(packet((w) => encodeError(w, 8, 'User aborted the transfer')), oack!.fromPort);
      await new Promise((r) => setTimeout(r, 50));
      const s = server.server.stats();
      assert.equal(s.sizeProbes, before.sizeProbes + 1);
      assert.equal(s.notFound, before.notFound);
      assert.equal(s.failed, before.failed);
    } finally {
      await client.close();
    }
  });

  test('a wrong TID on a transfer port gets ERROR 5 and the transfer goes on', async () => {
    const client = await RawClient.open();
    const stranger = await RawClient.open();
    try {
      await client.send(rawRrq('small.bin'), port);
      const [d1] = await client.waitFor(1);
      assert.ok(d1?.packet.kind === 'data' && d1.packet.block === 1);
      await stranger.send(packet((w) => encodeAck(w, 1)), d1.fromPort);
      const [e] = await stranger.waitFor(1);
      assert.ok(e?.packet.kind === 'error' && e.packet.code === 5);
      await client.send(packet((w) => encodeAck(w, 1)), d1.fromPort);
      const r = await client.waitFor(2);
      assert.ok(r[1]?.packet.kind === 'data' && r[1].packet.block === 2);
      await client.send(packet((w) => encodeAck(w, 2)), d1.fromPort);
    } finally {
      await client.close();
      await stranger.close();
    }
  });
});
