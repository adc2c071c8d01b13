// packaging/systemd/coresmd.service: the settings the issue asks for, an ExecStart our CLI
// accepts, and `systemd-analyze verify` without a warning (skipped when systemd-analyze is
// missing). verify needs ExecStart's binary to exist, so it checks a copy pointing at bin/coresmd.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../../../src/app/cli/args.ts';
import { serveCommand } from '../../../src/app/cli/serve-command.ts';
import { workdir } from './support.ts';

const UNIT = fileURLToPath(new URL('../../../packaging/systemd/coresmd.service', import.meta.url));
const SYSUSERS = fileURLToPath(new URL('../../../packaging/systemd/coresmd.sysusers.conf', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/coresmd', import.meta.url));
const text = readFileSync(UNIT, 'utf8');
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

/** `Key=value` lines of [Service]. */
function serviceKeys(): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s !== null) {
      section = s[1]!;
      continue;
    }
    if (section !== 'Service') continue;
    const eq = line.indexOf('=');
    keys.set(line.slice(0, eq), [...(keys.get(line.slice(0, eq)) ?? []), line.slice(eq + 1)]);
  }
  return keys;
}

describe('packaging/systemd/coresmd.service', () => {
  const k = serviceKeys();
  const one = (key: string) => k.get(key)?.join(' ');

  test('runs as user coresmd with CAP_NET_RAW and CAP_NET_BIND_SERVICE only', () => {
    assert.equal(one('User'), 'coresmd');
    assert.equal(one('AmbientCapabilities'), 'CAP_NET_RAW CAP_NET_BIND_SERVICE');
    assert.equal(one('CapabilityBoundingSet'), 'CAP_NET_RAW CAP_NET_BIND_SERVICE');
    assert.equal(one('NoNewPrivileges'), 'yes');
    assert.match(readFileSync(SYSUSERS, 'utf8'), /^u coresmd - /m);
  });

  test('read-only system, state in /var/lib/coresmd; reload is SIGHUP, restart on failure', () => {
    assert.equal(one('ProtectSystem'), 'strict');
    assert.equal(one('StateDirectory'), 'coresmd');
    assert.equal(one('ExecReload'), 'kill -HUP $MAINPID');
    assert.equal(one('Restart'), 'on-failure');
    assert.equal(one('KillSignal'), 'SIGTERM');
    assert.match(one('TimeoutStopSec') ?? '', /^\d+s$/);
    assert.ok(Number.parseInt(one('TimeoutStopSec') ?? '0', 10) > 5, 'longer than the 5 s drain');
  });

  test('ExecStart is `coresmd serve` with flags the command accepts', () => {
    const [bin, cmd, ...args] = (one('ExecStart') ?? '').split(/\s+/);
    assert.equal(bin, '/usr/bin/coresmd');
    assert.equal(cmd, 'serve');
    const parsed = parseArgs(args, serveCommand.flags);
    assert.equal(parsed.flags.get('dhcp')?.[0], '/etc/coresmd/coredhcp.yaml');
    assert.equal(parsed.flags.get('dns')?.[0], '/etc/coresmd/Corefile');
  });

  test('systemd-analyze verify: no error, no warning', { skip: hasAnalyze ? false : 'systemd-analyze is not installed' }, () => {
    const w = workdir('coresmd-unit-');
    try {
      const copy = w.write('coresmd.service', text.replace('/usr/bin/coresmd', BIN));
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', copy], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.trim(), '', 'no warnings');
    } finally {
      w.remove();
    }
  });
});
