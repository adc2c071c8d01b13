// `coresmd dns` (and `coredns`) on the command line: -plugins, config errors with file:line,
// usage errors. The running server is exercised by test/integration/dns-clients.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/app/main.ts';
import type { CliIo } from '../../../src/app/cli/command.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const sink: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
  return { sink, out: () => out.join(''), err: () => err.join('') };
}

describe('coresmd dns', () => {
  test('-plugins lists the directives in execution order', async () => {
    const o = io();
    assert.equal(await main(['dns', '-plugins'], 'coresmd', o.sink), 0);
    assert.deepEqual(o.out().split('\n').filter(Boolean).map((l) => l.split(' ')[0]), ['errors', 'log', 'health', 'ready', 'prometheus', 'coresmd', 'forward', 'bind']);
  });

  test('a link named coredns behaves as `coresmd dns`', async () => {
    const o = io();
    assert.equal(await main(['-plugins'], 'coredns', o.sink), 0);
    assert.match(o.out(), /^coresmd /m);
  });

  test('an invalid Corefile: every error with file:line:col, exit 1, nothing started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dns-cmd-'));
    try {
      const file = join(dir, 'Corefile');
      writeFileSync(file, '.:1053 {\n  coresmd {\n    smd_url https://smd\n    cache_duration 0s\n  }\n  cache 30\n}\n');
      const o = io();
      assert.equal(await main(['dns', '-conf', file], 'coresmd', o.sink), 1);
      assert.match(o.err(), new RegExp(`^error: ${file}:4:20: cache_duration: cache_duration must be at least 1ms`, 'm'));
      assert.match(o.err(), new RegExp(`^error: ${file}:6:3: cache: directive 'cache' is not supported by coresmd-ts`, 'm'));
      assert.match(o.err(), /2 error\(s\); the configuration is not valid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing Corefile is reported, exit 1', async () => {
    const o = io();
    assert.equal(await main(['dns', '-c', '/nonexistent/Corefile'], 'coresmd', o.sink), 1);
    assert.match(o.err(), /\/nonexistent\/Corefile:1:1: cannot read the Corefile/);
  });

  test('a bad -dns.port is a usage error (exit 2)', async () => {
    const o = io();
    assert.equal(await main(['dns', '-conf', 'x', '-dns.port', '70000'], 'coresmd', o.sink), 2);
    assert.match(o.err(), /-dns.port must be 1-65535/);
  });
});
