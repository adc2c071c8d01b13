// Runs scripts/netns/dhcp6-test.sh: the appliance (DHCPv6, DHCPv4 from the same config, TFTP and
// HTTP boot, one process) in a throwaway network namespace, answering real ISC dhclient -6 and
// dhcpcd clients directly and through ISC dhcrelay -6, and two PXE-like clients built on the
// repo's codec that boot over IPv6: option 59, then the firmware over TFTP (tftp-hpa -6, curl to
// a link-local address) and over HTTP (curl -6). Needs root and iproute2; CI runs it as root
// after .ci/run installed the clients and fetched the firmware. Elsewhere it skips and says why.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/netns/dhcp6-test.sh', import.meta.url));
const isRoot = process.getuid?.() === 0;
const hasIp = spawnSync('ip', ['-V']).status === 0;
const skip = !isRoot ? 'needs root for network namespaces' : !hasIp ? 'needs iproute2 (ip)' : false;

/** Every check the script runs, in order, with what its PASS detail must show. */
const CHECKS: ReadonlyArray<readonly [string, RegExp]> = [
  [
    'one process serves DHCPv6 on LAN A and the relay uplink (and DHCPv4 on LAN A)',
    /"dhcp6-runner ready" duid="LL [0-9a-f:]{17}" interfaces=\S+ dhcp4="raw \S+" tftp="[^"]*172\.16\.0\.253:69 [^"]*\[2001:db8:1::1\]:69 \[fe80::[0-9a-f:]+%\S+\]:69[^"]*" http=http:\/\/0\.0\.0\.0:8080$/,
  ],
  [
    'dhclient -6, known MAC 52:54:00:d6:00:01 (arch 7): SMD IPv6 address, DNS, search domains, FQDN, TFTP URL on our LAN A address',
    /^ip6=2001:db8:1::101 dns=2001:db8:1::53,2001:db8:1::54 search=openchami\.cluster\.,example\.test\. fqdn=nid0001\.openchami\.cluster bootfile=tftp:\/\/\[2001:db8:1::1\]\/ipxe-x86_64\.efi life=600 renew=300 rebind=480$/,
  ],
  [
    'dhcpcd, known MAC 52:54:00:d6:00:02 with Rapid Commit: its SMD address in a REPLY to its SOLICIT',
    /^ip6=2001:db8:1::102 dns=2001:db8:1::53,2001:db8:1::54 search=openchami\.cluster,example\.test fqdn=nid0002\.openchami\.cluster .*\(SOLICIT answered by REPLY, no REQUEST\)$/,
  ],
  [
    'relay: dhclient -6 as iPXE behind dhcrelay, known MAC 52:54:00:d6:00:04: SMD address and the BSS boot script URL',
    /^ip6=2001:db8:2::104 .*fqdn=nid0004\.openchami\.cluster bootfile=http:\/\/\[2001:db8:1::1\]:8081\/boot\/v1\/bootscript\?mac=52:54:00:d6:00:04 /,
  ],
  ['relay: RELAY-FORW answered with RELAY-REPL to the relay at 2001:db8:ff::2 port 547, and dhcrelay passed the reply on', /^\d+ RELAY-REPL 2001:db8:ff::1\.547 > 2001:db8:ff::2\.547 on the uplink, none elsewhere; dhcrelay: Relaying Reply to fe80::5054:ff:fed6:4 port 546/],
  ['unknown MAC 02:00:00:d6:00:99: no address, and the server logs why', /NoAddrsAvail.*"DHCPv6 client gets no address" .*reason="MAC 02:00:00:d6:00:99 \(eui-64\)(, 02:00:00:d6:00:99 \(duid\))? not in SMD" mac=02:00:00:d6:00:99/],
  ['SMD node 52:54:00:d6:00:05 with no IPv6 address: no address, and the server logs why', /NoAddrsAvail.*reason="SMD has no IPv6 address for x1000c0s0b4n0 \(MAC 52:54:00:d6:00:05, addresses 172\.16\.0\.5\)"/],
  ['dhclient -6 restarted with its lease: CONFIRM answered with Success (2001:db8:1::101 is on LAN A)', /^REPLY with status Success to the CONFIRM of 2001:db8:1::101/],
  ['dhclient -6 -r: RELEASE answered with Success', /^REPLY with status Success to the RELEASE/],
  ['dual stack: dhclient -4 on the same node gets 172.16.0.1 from server4 of the same process', /^ip=172\.16\.0\.1 hostname=nid0001\.openchami\.cluster server_id=172\.16\.0\.253 /],
  [
    "PXE client, arch 7 (SOLICIT/REQUEST from the repo's codec): option 59 names our LAN A address, and the file comes over IPv6 TFTP",
    /^bootfile=tftp:\/\/\[2001:db8:1::1\]\/ipxe-x86_64\.efi; tftp -6 fetched \d+ bytes, the firmware's, from 2001:db8:1::1$/,
  ],
  ["the same file over TFTP to the server's link-local address on LAN A", /^curl tftp:\/\/\[fe80::…%\S+\]\/ipxe-x86_64\.efi: \d+ bytes, the firmware's, from the socket on fe80::…%\S+$/],
  [
    'UEFI HTTP boot client, arch 16: option 59 is http://[our LAN A address]:8080/…, and curl -6 fetches it',
    /^bootfile=http:\/\/\[2001:db8:1::1\]:8080\/ipxe-x86_64\.efi vendor_class=343:HTTPClient; curl -6 fetched \d+ bytes, the firmware's$/,
  ],
  ['the DHCP server is still running', /^pid \d+$/],
];

describe('scripts/netns/dhcp6-test.sh: real DHCPv6 clients and a relay in fresh network namespaces', { skip, timeout: 150_000 }, () => {
  let run: SpawnSyncReturns<string>;
  before(() => {
    run = spawnSync('bash', [script], { encoding: 'utf8', timeout: 140_000 });
  });

  test('the script passes', (t) => {
    for (const line of run.stdout.split('\n')) if (line.trim() !== '') t.diagnostic(line);
    assert.equal(run.status, 0, `exit ${run.status} ${run.signal ?? ''}\n${run.stdout}\n${run.stderr}`);
    assert.doesNotMatch(run.stdout, /^ {2}FAIL/m);
    assert.match(run.stdout, /dhcp6-test: all passed/);
  });

  for (const [name, want] of CHECKS) {
    test(name, () => {
      const prefix = `  PASS  ${name}: `;
      const line = run.stdout.split('\n').find((l) => l.startsWith(prefix));
      const failed = run.stdout.split('\n').find((l) => l.startsWith(`  FAIL  ${name}: `));
      assert.ok(line !== undefined, failed ?? `'${name}' did not run\n${run.stdout}\n${run.stderr}`);
      assert.match(line.slice(prefix.length), want);
    });
  }
});
