import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dhcp4MessageType as T } from '../../../../src/dhcp/v4/constants.ts';
import { createFileHandler, DEFAULT_FILE_LEASE_SECONDS } from '../../../../src/dhcp/service/handlers/file.ts';
import type { HostsFileSource } from '../../../../src/dhcp/service/handlers/hosts-file-source.ts';
import { HostsFileError } from '../../../../src/dhcp/service/handlers/hosts-file.ts';
import { CaptureLogger } from '../../../smd/support/capture-logger.ts';
import { draftFor, infoFor, ip, requestOf, runOne } from './support.ts';

/** An in-memory file with a watcher the test fires by hand. */
class FakeSource implements HostsFileSource {
  text: string;
  readonly watchers: Array<() => void> = [];
  closed = 0;
  constructor(text: string) {
    this.text = text;
  }
  read(): string {
    if (this.text === '\0missing') throw new Error('ENOENT: no such file or directory');
    return this.text;
  }
  watch(_path: string, onChange: () => void) {
    this.watchers.push(onChange);
    return { close: () => void this.closed++ };
  }
  change(text: string): void {
    this.text = text;
    for (const w of this.watchers) w();
  }
}

const KNOWN = '52:54:00:aa:00:01';
const FILE = `# static\n${KNOWN} 172.16.0.50\n`;

function handler(source: FakeSource, over: { autorefresh?: boolean; leaseSeconds?: number } = {}) {
  const logger = new CaptureLogger();
  const h = createFileHandler({ path: 'leases.txt', autorefresh: over.autorefresh ?? false, logger, source, ...(over.leaseSeconds === undefined ? {} : { leaseSeconds: over.leaseSeconds }) });
  return { h, logger };
}

describe('file: static leases', () => {
  const cases: Array<[string, string, number, 'send' | 'next', number]> = [
    ['a known MAC gets its address and stops the chain', KNOWN, T.Discover, 'send', ip('172.16.0.50')],
    ['a known MAC on REQUEST too', KNOWN, T.Request, 'send', ip('172.16.0.50')],
    ['an unknown MAC passes on', '52:54:00:aa:00:99', T.Discover, 'next', 0],
    ['RELEASE passes on', KNOWN, T.Release, 'next', 0],
    ['DECLINE passes on', KNOWN, T.Decline, 'next', 0],
  ];
  for (const [name, mac, type, verdict, yiaddr] of cases) {
    test(name, () => {
      const { h } = handler(new FakeSource(FILE));
      const got = runOne(h, infoFor({ type, mac }));
      assert.equal(got.verdict, verdict);
      assert.equal(got.draft.yiaddr, yiaddr);
    });
  }

  test('the lease time is the one lease_time set earlier', () => {
    const { h } = handler(new FakeSource(FILE));
    const info = infoFor({ type: T.Discover, mac: KNOWN });
    const draft = draftFor(info);
    draft.leaseSeconds = 600;
    h.handle(requestOf(info), draft);
    assert.equal(draft.leaseSeconds, 600);
  });

  test('without lease_time the reply still carries a lease time (RFC 2131 Table 3)', () => {
    assert.equal(runOne(handler(new FakeSource(FILE)).h, infoFor({ type: T.Discover, mac: KNOWN })).draft.leaseSeconds, DEFAULT_FILE_LEASE_SECONDS);
    assert.equal(runOne(handler(new FakeSource(FILE), { leaseSeconds: 120 }).h, infoFor({ type: T.Discover, mac: KNOWN })).draft.leaseSeconds, 120);
  });

  test('the decision names the file and the address', () => {
    const { draft } = runOne(handler(new FakeSource(FILE)).h, infoFor({ type: T.Discover, mac: KNOWN }));
    assert.deepEqual(draft.decisions, [{ plugin: 'file', reason: 'static lease 172.16.0.50 from leases.txt' }]);
  });
});

describe('file: loading and autorefresh', () => {
  test('a malformed file is an error at load, with file:line', () => {
    assert.throws(() => handler(new FakeSource('# ok\nnot-a-mac 10.0.0.1\n')), (e: unknown) => e instanceof HostsFileError && e.message.startsWith('leases.txt:2: '));
  });

  test('an unreadable file is an error at load', () => {
    assert.throws(() => handler(new FakeSource('\0missing')), /ENOENT/);
  });

  test('without autorefresh the file is not watched', () => {
    const src = new FakeSource(FILE);
    handler(src);
    assert.equal(src.watchers.length, 0);
  });

  test('with autorefresh a change is picked up', () => {
    const src = new FakeSource(FILE);
    const { h, logger } = handler(src, { autorefresh: true });
    src.change(`${KNOWN} 172.16.0.51\n52:54:00:aa:00:02 172.16.0.52\n`);
    assert.equal(h.size, 2);
    assert.equal(runOne(h, infoFor({ type: T.Discover, mac: KNOWN })).draft.yiaddr, ip('172.16.0.51'));
    assert.equal(runOne(h, infoFor({ type: T.Discover, mac: '52:54:00:aa:00:02' })).verdict, 'send');
    assert.ok(logger.at('info').some((l) => l.msg === 'reloaded static leases' && l.fields['leases'] === 2));
  });

  test('a bad change keeps the previous leases and logs file:line', () => {
    const src = new FakeSource(FILE);
    const { h, logger } = handler(src, { autorefresh: true });
    src.change(`${KNOWN} 172.16.0.51 oops\n`);
    assert.equal(runOne(h, infoFor({ type: T.Discover, mac: KNOWN })).draft.yiaddr, ip('172.16.0.50'));
    const warn = logger.at('warn');
    assert.equal(warn.length, 1);
    assert.match(String(warn[0]!.fields['error']), /^leases\.txt:1: /);
  });

  test('a removed file keeps the previous leases', () => {
    const src = new FakeSource(FILE);
    const { h } = handler(src, { autorefresh: true });
    src.change('\0missing');
    assert.equal(h.size, 1);
    assert.equal(h.reload(), false);
  });

  test('close stops watching', () => {
    const src = new FakeSource(FILE);
    const { h } = handler(src, { autorefresh: true });
    h.close();
    h.close();
    assert.equal(src.closed, 1);
  });

  test('the default source reads the real file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coresmd-file-'));
    try {
      const path = join(dir, 'leases.txt');
      writeFileSync(path, FILE);
      const h = createFileHandler({ path, autorefresh: false, logger: new CaptureLogger() });
      assert.equal(runOne(h, infoFor({ type: T.Discover, mac: KNOWN })).draft.yiaddr, ip('172.16.0.50'));
      h.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
