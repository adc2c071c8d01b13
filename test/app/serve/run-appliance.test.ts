// The command loop shared by `serve`, `dhcp` and `dns`: start-up errors (exit 1, nothing
// started), then reload and stop requests in arrival order (a stop queued during a reload waits
// for it), exit 0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { systemClock } from '../../../src/seams/clock.ts';
import { findFreeUdpPort } from '../../../src/net/free-port.ts';
import type { SmdSim } from '../../../src/app/smd-sim/server.ts';
import type { CliIo } from '../../../src/app/cli/command.ts';
import { runAppliance } from '../../../src/app/serve/run-appliance.ts';
import { RequestQueue } from '../../../src/app/serve/signal-source.ts';
import type { Appliance } from '../../../src/app/serve/appliance.ts';
import { recordingLogger } from '../../support/logger.ts';
import { dhcpConfig, discover, exchange, hostnameOf, KNOWN_MAC, startSim, workdir, type Workdir } from './support.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const sink: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
  return { sink, out: () => out.join(''), err: () => err.join('') };
}

describe('runAppliance', () => {
  let w: Workdir;
  let sim: SmdSim;
  before(async () => {
    w = workdir();
    sim = await startSim();
  });
  after(async () => {
    await sim.close();
    w.remove();
  });

  test('invalid files: every error with file:line:col and a summary per file, exit 1', async () => {
    const dhcp = w.write('bad.yaml', 'server4:\n  plugins:\n    - coresmd: |\n        svc_base_uri=http://smd\n        ipxe_base_uri=http://bss\n        tftp_port=0\n    - nope: x\n');
    const o = io();
    const lines = recordingLogger();
    const code = await runAppliance({ files: { dhcp, dns: '/nonexistent/Corefile' }, io: o.sink, logger: lines, clock: systemClock, env: {}, signals: new RequestQueue() });
    assert.equal(code, 1);
    assert.match(o.err(), new RegExp(`^error: ${dhcp}:6:\\d+: tftp_port: `, 'm'));
    assert.match(o.err(), new RegExp(`^error: ${dhcp}:7:7: nope: unknown plugin`, 'm'));
    assert.match(o.err(), /^error: \/nonexistent\/Corefile:1:1: cannot read the Corefile/m);
    assert.match(o.err(), new RegExp(`^${dhcp}: 2 error\\(s\\); the configuration is not valid$`, 'm'));
    assert.match(o.err(), /^\/nonexistent\/Corefile: 1 error\(s\); the configuration is not valid$/m);
    assert.equal(lines.lines.length, 0, 'nothing started');
  });

  test('errors only found outside the file (an unwritable lease directory) stop the start too', async () => {
    const dhcp = w.write('runtime.yaml', dhcpConfig({ smdUrl: sim.url, listen: '127.0.0.1:1', leaseFile: '/nonexistent/dir/leases' }));
    const o = io();
    const code = await runAppliance({ files: { dhcp }, io: o.sink, logger: recordingLogger(), clock: systemClock, env: {}, signals: new RequestQueue() });
    assert.equal(code, 1);
    assert.match(o.err(), /lease_file directory \/nonexistent\/dir does not exist/);
    assert.match(o.err(), /1 error\(s\) found outside the file; the configuration cannot start/);
  });

  test('a listener that cannot start: logged, exit 1', async () => {
    const dhcp = w.write('busy.yaml', dhcpConfig({ smdUrl: sim.url, listen: '192.0.2.77:67', tftpPort: await findFreeUdpPort('127.0.0.1') }));
    const logger = recordingLogger();
    const code = await runAppliance({ files: { dhcp }, io: io().sink, logger, clock: systemClock, env: {}, signals: new RequestQueue(), bootHost: '127.0.0.1', rawSocket: 'off' });
    assert.equal(code, 1);
    assert.ok(logger.lines.some((l) => l.level === 'error' && l.msg === 'cannot start'), JSON.stringify(logger.lines.filter((l) => l.level === 'error')));
  });

  test('reload then stop, in order; a stop that arrives during a reload waits for it; exit 0', async () => {
    const port = await findFreeUdpPort('127.0.0.1');
    const base = { smdUrl: sim.url, listen: `127.0.0.1:${port}`, tftpPort: await findFreeUdpPort('127.0.0.1'), leaseFile: join(w.dir, 'run.leases') };
    const dhcp = w.write('run.yaml', dhcpConfig(base));
    const signals = new RequestQueue();
    const logger = recordingLogger();
    let app: Appliance | undefined;
    const started = new Promise<void>((resolve) => {
      void runAppliance({ files: { dhcp }, io: io().sink, logger, clock: systemClock, env: {}, signals, bootHost: '127.0.0.1', rawSocket: 'off', started: (a) => ((app = a), resolve()) }).then((code) => (exit = code));
    });
    let exit: number | undefined;
    await started;
    assert.equal(hostnameOf(await exchange(port, discover(KNOWN_MAC))), 'nid001.openchami.cluster');
    w.write('run.yaml', dhcpConfig({ ...base, hostnamePattern: 'node{04d}' }));
    signals.push({ action: 'reload', signal: 'SIGHUP' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(hostnameOf(await exchange(port, discover(KNOWN_MAC))), 'node0001.openchami.cluster');

    w.write('run.yaml', dhcpConfig({ ...base, hostnamePattern: 'x{04d}' }));
    signals.push({ action: 'reload', signal: 'SIGUSR1' });
    signals.push({ action: 'stop', signal: 'SIGTERM' });
    for (let i = 0; i < 100 && exit === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(exit, 0);
    const msgs = logger.lines.map((l) => l.msg);
    assert.deepEqual(
      msgs.filter((m) => ['reload requested', 'configuration reloaded', 'stopping', 'stopped'].includes(m)),
      ['reload requested', 'configuration reloaded', 'reload requested', 'configuration reloaded', 'stopping', 'stopped'],
    );
    assert.equal(app?.dhcp4, undefined, 'everything closed');
  });
});
