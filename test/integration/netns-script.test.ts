// Runs scripts/netns-test.sh: the SMD simulator and the DHCPv4 server in throwaway network
// namespaces, answering real clients (ISC dhclient, busybox udhcpc, dhcping) directly, on two
// LANs and through a real relay (ISC dhcrelay). Needs root and iproute2; CI runs it as root after
// .ci/run installed the clients. Elsewhere it skips and says why.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/netns-test.sh', import.meta.url));
const isRoot = process.getuid?.() === 0;
const hasIp = spawnSync('ip', ['-V']).status === 0;
const skip = !isRoot ? 'needs root for network namespaces' : !hasIp ? 'needs iproute2 (ip)' : false;

/** Every check the script runs, in order; each must appear as a PASS line of its summary. */
const CHECKS = [
  'smd-sim reachable from the client namespace',
  'inventory over the veth lists node x1000c0s0b0n0',
  'smd-sim accepts nodes for LAN B and the relayed subnet',
  'coresmd check accepts the test config',
  'DHCP server up with raw sockets on three interfaces',
  'dhclient, known MAC 52:54:00:be:ef:01 gets its SMD lease',
  'udhcpc, known MAC 52:54:00:be:ef:02 gets its SMD lease',
  'dhclient, unknown MAC 02:00:00:00:a0:01 gets a bootloop lease',
  'udhcpc, unknown MAC 02:00:00:00:a0:02 gets a bootloop lease',
  'LAN B: udhcpc, known MAC 02:00:00:00:b0:01 gets its SMD lease from 10.50.0.1',
  'LAN B: dhclient, unknown MAC 02:00:00:00:b0:02 gets a LAN B bootloop lease from 10.50.0.1',
  'relay: dhclient, known MAC 02:00:00:00:c0:01 gets its SMD lease through dhcrelay',
  "relay: udhcpc, unknown MAC 02:00:00:00:c0:02 gets a bootloop lease for the relay's subnet",
  'udhcpc as iPXE, known MAC 52:54:00:be:ef:02 gets its boot script URL',
  'two interfaces, two subnets: each LAN answered with its own server identifier',
  'relay: the server answered the relay at giaddr 10.40.1.1:67 and dhcrelay forwarded the replies',
  'dhcping -s 172.16.0.253 -c 172.16.0.1 (a known node) gets an answer',
  'dhcping -s 172.16.0.253 -c 172.16.0.253 (the healthcheck, on the server) gets an answer',
  'smd-sim accepts the two unknown LAN A MACs',
  'the server sees the new MACs at its next SMD refresh and releases their bootloop leases',
  'dhclient 02:00:00:00:a0:01 after the MAC was added: renewal NAKed, then the SMD lease',
  'udhcpc 02:00:00:00:a0:02 after the MAC was added: renewal NAKed, then the SMD lease',
  'the DHCP server is still running',
];

/** Extra expectations on what the real clients received, beyond the script's own comparisons. */
const RECEIVED: Readonly<Record<string, RegExp>> = {
  [CHECKS[5]!]: /^ip=172\.16\.0\.1 mask=255\.255\.255\.0 routers=172\.16\.0\.254 hostname=nid0001\.openchami\.cluster lease=600 server_id=172\.16\.0\.253 .*bootfile=ipxe-x86_64\.efi/,
  [CHECKS[6]!]: /^ip=172\.16\.0\.2 mask=255\.255\.255\.0 routers=172\.16\.0\.254 hostname=nid0002\.openchami\.cluster lease=600 server_id=172\.16\.0\.253 .*bootfile=ipxe-x86_64\.efi/,
  [CHECKS[7]!]: /^ip=172\.16\.0\.15\d .*lease=10 server_id=172\.16\.0\.253/,
  [CHECKS[8]!]: /^ip=172\.16\.0\.15\d .*lease=10 server_id=172\.16\.0\.253/,
  [CHECKS[11]!]: /^ip=10\.40\.1\.10 .*routers=10\.40\.1\.1 hostname=nid0201\.openchami\.cluster .*server_id=10\.99\.0\.1 /,
  [CHECKS[14]!]: /udk-b:10\.50\.0\.10@10\.50\.0\.1 dhu-b:10\.50\.0\.15\d@10\.50\.0\.1$/,
  [CHECKS[15]!]: /^\d+ replies 10\.99\.0\.1:67 > 10\.40\.1\.1:67 \(giaddr\) on the uplink, none elsewhere/,
  [CHECKS[16]!]: /^Got answer from: 172\.16\.0\.253/,
  [CHECKS[20]!]: /^renewal of 172\.16\.0\.15\d NAKed, then ip=172\.16\.0\.21 .*hostname=nid0021\.openchami\.cluster lease=600 /,
  [CHECKS[21]!]: /^renewal of 172\.16\.0\.15\d NAKed \(.*\), then ip=172\.16\.0\.22 .*hostname=nid0022\.openchami\.cluster lease=600 /,
};

describe('scripts/netns-test.sh: real DHCP clients and a relay in fresh network namespaces', { skip, timeout: 150_000 }, () => {
  let run: SpawnSyncReturns<string>;
  before(() => {
    run = spawnSync('bash', [script], { encoding: 'utf8', timeout: 140_000 });
  });

  test('the script passes', (t) => {
    for (const line of run.stdout.split('\n')) if (line.trim() !== '') t.diagnostic(line);
    assert.equal(run.status, 0, `exit ${run.status} ${run.signal ?? ''}\n${run.stdout}\n${run.stderr}`);
    assert.doesNotMatch(run.stdout, /^ {2}FAIL/m);
    assert.match(run.stdout, /netns-test: all passed/);
  });

  for (const name of CHECKS) {
    test(name, () => {
      const prefix = `  PASS  ${name}: `;
      const line = run.stdout.split('\n').find((l) => l.startsWith(prefix));
      const failed = run.stdout.split('\n').find((l) => l.startsWith(`  FAIL  ${name}: `));
      assert.ok(line !== undefined, failed ?? `'${name}' did not run\n${run.stdout}\n${run.stderr}`);
      const want = RECEIVED[name];
      if (want !== undefined) assert.match(line.slice(prefix.length), want);
    });
  }
});
