// `bin/coresmd serve` as a real process on loopback, driven by real signals: SIGHUP with a valid
// config swaps the rules, SIGHUP with an invalid one logs every error and keeps serving, SIGTERM
// drains, closes the lease journal and exits 0. The logs are one JSON object per line.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreeUdpPort, findFreeUdpTcpPort } from '../../../src/net/free-port.ts';
import { LeaseStore } from '../../../src/dhcp/service/bootloop/lease-store.ts';
import type { SmdSim } from '../../../src/app/smd-sim/server.ts';
import { corefile, dhcpConfig, discover, exchange, hostnameOf, KNOWN_MAC, queryA, startSim, workdir, type DhcpConfigOptions, type Workdir } from './support.ts';

const BIN = fileURLToPath(new URL('../../../bin/coresmd', import.meta.url));
const UNKNOWN_MAC = '02:00:00:00:5e:77';

type LogRecord = Record<string, unknown> & { level: string; msg: string };

/** The child's stderr as parsed JSON records; waitFor() resolves with the first new match. */
function logsOf(child: ChildProcess) {
  const records: LogRecord[] = [];
  const waiters: { match: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];
  let buf = '';
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      if (l.trim() === '') continue;
      const r = JSON.parse(l) as LogRecord;
      records.push(r);
      for (const w of [...waiters]) {
        if (w.match(r)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(r);
        }
      }
    }
  });
  return {
    records,
    waitFor: (match: (r: LogRecord) => boolean, timeoutMs = 10_000) =>
      new Promise<LogRecord>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms:\n${records.map((r) => JSON.stringify(r)).join('\n')}`)), timeoutMs);
        waiters.push({ match, resolve: (r) => (clearTimeout(t), resolve(r)) });
      }),
  };
}

describe('bin/coresmd serve: signals', () => {
  let w: Workdir;
  let sim: SmdSim;
  let child: ChildProcess | undefined;
  before(async () => {
    w = workdir();
    sim = await startSim();
  });
  after(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await sim.close();
    w.remove();
  });

  test('SIGHUP reloads (or rejects with every error), SIGTERM drains and exits 0 with the lease on disk', { timeout: 30_000 }, async () => {
    const port = await findFreeUdpPort('127.0.0.1');
    const dnsPort = await findFreeUdpTcpPort('127.0.0.1');
    const leaseFile = join(w.dir, 'bootloop.leases');
    const base: DhcpConfigOptions = { smdUrl: sim.url, listen: `127.0.0.1:${port}`, tftpPort: await findFreeUdpPort('127.0.0.1'), leaseFile };
    const dhcp = w.write('coredhcp.yaml', dhcpConfig(base));
    const dns = w.write('Corefile', corefile({ smdUrl: sim.url, port: dnsPort }));
    child = spawn(process.execPath, [BIN, 'serve', '--dhcp', dhcp, '--dns', dns, '--no-raw-socket'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const logs = logsOf(child);
    await logs.waitFor((r) => r.msg === 'ready', 20_000);
    for (const r of logs.records) {
      assert.equal(typeof r['time'], 'string');
      assert.ok(['debug', 'info', 'warn', 'error'].includes(r.level));
    }
    assert.equal(hostnameOf(await exchange(port, discover(KNOWN_MAC))), 'nid001.openchami.cluster');
    assert.deepEqual((await queryA(dnsPort, 'nid001.openchami.cluster'))?.addresses, ['172.16.0.1']);

    w.write('coredhcp.yaml', dhcpConfig({ ...base, hostnamePattern: 'node{04d}' }));
    child.kill('SIGHUP');
    const reloaded = await logs.waitFor((r) => r.msg === 'configuration reloaded');
    assert.equal(reloaded['changed'], 'dhcp4-chain,bootloop-reuse');
    assert.equal(hostnameOf(await exchange(port, discover(KNOWN_MAC))), 'node0001.openchami.cluster');

    w.write('coredhcp.yaml', dhcpConfig({ ...base, hostnamePattern: 'x{04d}', extra: '        bogus_key=1\n' }));
    child.kill('SIGHUP');
    await logs.waitFor((r) => r.msg.startsWith('reload rejected'));
    const errors = logs.records.filter((r) => r.msg === 'configuration error');
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]?.['error']), new RegExp(`^${dhcp}:\\d+:\\d+: bogus_key: `));
    assert.equal(hostnameOf(await exchange(port, discover(KNOWN_MAC))), 'node0001.openchami.cluster', 'the previous config keeps serving');

    const offer = await exchange(port, discover(UNKNOWN_MAC));
    assert.ok(offer !== undefined && offer.yiaddr !== 0);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.ok(logs.records.some((r) => r.msg === 'stopped' && r['drained'] === true));
    const { store } = await LeaseStore.open(leaseFile);
    try {
      assert.equal(store.get(UNKNOWN_MAC)?.ip, offer.yiaddr);
    } finally {
      await store.close();
    }
  });
});
