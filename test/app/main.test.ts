import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/app/main.ts';
import type { CliIo, Command } from '../../src/app/cli/command.ts';
import { flag } from '../../src/app/cli/args.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const sink: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
  return { sink, out: () => out.join(''), err: () => err.join('') };
}

const seen: string[] = [];
const echo: Command = {
  name: 'dhcp',
  summary: 'test command',
  usage: '-c FILE',
  flags: [{ name: 'conf', aliases: ['c'], value: 'FILE', help: 'config' }],
  async run(args) {
    seen.push(flag(args, 'conf') ?? '');
    return 0;
  },
};

describe('main', () => {
  test('--version prints the package version', async () => {
    const o = io();
    assert.equal(await main(['--version'], 'coresmd', o.sink, [echo]), 0);
    assert.match(o.out(), /^coresmd \d+\.\d+\.\d+\n$/);
  });

  test('no command prints usage to stderr and exits 2', async () => {
    const o = io();
    assert.equal(await main([], 'coresmd', o.sink, [echo]), 2);
    assert.match(o.err(), /Usage: coresmd COMMAND/);
    assert.match(o.err(), /dhcp\s+test command/);
  });

  test('an unknown command or flag exits 2 with usage', async () => {
    const o = io();
    assert.equal(await main(['nope'], 'coresmd', o.sink, [echo]), 2);
    assert.match(o.err(), /unknown command 'nope'/);
    const o2 = io();
    assert.equal(await main(['dhcp', '--nope'], 'coresmd', o2.sink, [echo]), 2);
    assert.match(o2.err(), /unknown flag --nope[\s\S]*Usage: coresmd dhcp -c FILE/);
  });

  test('every command has --help listing its flags', async () => {
    const o = io();
    assert.equal(await main(['dhcp', '--help'], 'coresmd', o.sink, [echo]), 0);
    assert.match(o.out(), /-c, --conf FILE/);
  });

  test('invoked as coredhcp, the arguments go to the dhcp command', async () => {
    const o = io();
    assert.equal(await main(['-conf', '/etc/coredhcp/config.yaml'], 'coredhcp', o.sink, [echo]), 0);
    assert.equal(seen.at(-1), '/etc/coredhcp/config.yaml');
  });
});
