// A file of more than 65 535 blocks of 512 bytes (33.6 MB): block numbers wrap past 65535 to 0
// and real clients still get a byte-identical file. The file is generated into a temp dir; it is
// larger than the memory cache's per-file limit, so it also exercises the chunked disk reads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/seams/clock.ts';
import { startTftp, type RunningTftp } from '../../src/app/tftp/start-tftp.ts';
import { recordingLogger } from '../net/support.ts';
import { atftpGet, missingClient, patternBytes, tftpHpaGet, type ClientRun } from './tftp-support.ts';

// 65 538 blocks of 512: the last one (block 65 538, sent as 2) carries 100 bytes.
const SIZE = 512 * 65_537 + 100;
const BLOCKS = 65_538;
const BIG = patternBytes(SIZE, 99);

let dir: string;
let server: RunningTftp;
const logger = recordingLogger();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tftp-rollover-'));
  mkdirSync(join(dir, 'root'));
  writeFileSync(join(dir, 'root', 'big.img'), BIG);
  server = await startTftp({ root: join(dir, 'root'), fallbackRoot: null, listen: { host: '127.0.0.1', port: 0 }, singlePort: false, logger, clock: systemClock });
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function check(r: ClientRun, local: string): Promise<void> {
  assert.equal(r.code, 0, r.stderr);
  const got = readFileSync(local);
  assert.equal(got.length, SIZE);
  assert.ok(got.equals(BIG), 'byte-identical');
  const deadline = Date.now() + 2000;
  let end;
  while ((end = logger.lines.filter((l) => l.msg === 'transfer complete').at(-1)) === undefined && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
  assert.ok(end, 'the server logged the end');
  assert.equal(end.fields['blocks'], BLOCKS);
  assert.equal(end.fields['bytes'], SIZE);
  logger.lines.length = 0;
}

describe('block-number rollover with real clients', () => {
  test('tftp-hpa: 65 538 lock-step blocks of 512, wrapping to 0', { skip: missingClient('tftpHpa') }, async () => {
    const local = join(dir, 'hpa.img');
    await check(await tftpHpaGet(server.endpoints[0]!.port, 'big.img', local), local);
  });

  test('atftp: 512-byte blocks in windows of 16, wrapping to 0', { skip: missingClient('atftp') }, async () => {
    const local = join(dir, 'atftp.img');
    await check(await atftpGet(server.endpoints[0]!.port, 'big.img', local, { windowsize: 16, tsize: 0 }), local);
  });
});
