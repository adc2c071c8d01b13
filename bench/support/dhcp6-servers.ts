// The servers under test for the DHCPv6 load benchmark, each configured for the same hosts, the
// same relay link and the same reply content, on [::1] and unprivileged ports, pinned to one core
// with taskset (server-process.ts).
//
//   ours  bin/coresmd dhcp, server6 with the coresmd plugin over a file:// inventory (its admin
//         server on, the default: every request also goes to the boot-event timeline)
//   ours-admin-off  the same with --admin-listen off (no admin server, no boot events)
//   kea   kea-dhcp6 -p PORT on lo/::1, memfile (persist false), subnet 2001:db8:20::/64 selected
//         by the relay's link-address, N DUID reservations
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstLine, oursDhcpLaunch, startPinned, type RunningServer, type ServerLaunch } from './server-process.ts';
import { BOOT_URL, DNS_SERVER6, DOMAIN, LEASE_SECONDS, RELAY_PREFIX, SERVER_ADDRESS6, SERVER_MAC, type Host6 } from './dhcp6-workload.ts';

export type Server6Name = 'ours' | 'kea' | 'kea-persist' | 'ours-admin-off';
export const SERVER6_NAMES: readonly Server6Name[] = ['ours', 'kea'];
/** kea-persist: Kea's default memfile with its lease file on; ours-admin-off: ours without the admin server. */
export const ALL_SERVER6_NAMES: readonly Server6Name[] = [...SERVER6_NAMES, 'kea-persist', 'ours-admin-off'];

export const startServer6: (launch: ServerLaunch<Server6Name>, logFile?: string) => RunningServer<Server6Name> = startPinned;

export function unavailable6(name: Server6Name): string | undefined {
  if (firstLine('taskset', ['-V']) === undefined) return 'taskset (util-linux) is missing';
  if (name.startsWith('kea') && firstLine('kea-dhcp6', ['-v']) === undefined) return 'kea-dhcp6 is not installed (apt-get install kea-dhcp6-server)';
  return undefined;
}

const hexDuid = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');

//------------ ours -------------------------------------------------------------------------

/** The coresmd plugin's TFTP server listens on `port` + 2 (kept off 69). `admin`: false adds `--admin-listen off`. */
export function ours6Launch(dir: string, hosts: readonly Host6[], port: number, nodeFlags: readonly string[] = [], admin = true): ServerLaunch<Server6Name> {
  const inventory = join(dir, 'inventory6.json');
  const interfaces = hosts.map((h) => ({
    ID: h.macText.replace(/:/g, ''),
    Description: `Interface 0 for ${h.hostname}`,
    MACAddress: h.macText,
    LastUpdate: '2025-03-04T18:22:41.513207Z',
    ComponentID: h.xname,
    Type: 'Node',
    IPAddresses: [{ IPAddress: h.ip6Text, Network: 'management' }],
  }));
  const components = hosts.map((h) => ({ ID: h.xname, Type: 'Node', State: 'Ready', Flag: 'OK', Enabled: true, Role: 'Compute', NID: h.nid }));
  writeFileSync(inventory, JSON.stringify({ EthernetInterfaces: interfaces, Components: components }));
  const tftpPort = port + 2;
  const config = join(dir, 'coresmd6.yaml');
  writeFileSync(
    config,
    [
      '# DHCPv6 load benchmark: the same hosts and reply content as the Kea config.',
      'server6:',
      `  listen: ["[${SERVER_ADDRESS6}]:${port}"]`,
      '  plugins:',
      `    - server_id: LL ${SERVER_MAC}`,
      `    - dns: ${DNS_SERVER6}`,
      `    - searchdomains: ${DOMAIN}`,
      '    - coresmd: |',
      `        svc_base_uri=file://${inventory}`,
      `        ipxe_base_uri=http://[${SERVER_ADDRESS6}]:8081`,
      '        cache_valid=1h',
      `        lease_time=${LEASE_SECONDS}s`,
      `        domain=${DOMAIN}`,
      `        tftp_port=${tftpPort}`,
      '        rule=type:Node,hostname:nid{04d}',
      '',
    ].join('\n'),
  );
  return oursDhcpLaunch(config, admin, nodeFlags, [
    `\`coresmd dhcp\` with server6 only: the coresmd plugin over \`svc_base_uri=file://…/inventory6.json\` (${hosts.length} interfaces + components, SMD shapes, one IPv6 address each)`,
    `listen [${SERVER_ADDRESS6}]:${port}, log level warning (no per-packet log lines); the plugin's TFTP server on port ${tftpPort} (IPv4 and IPv6), idle`,
    `plugins: server_id (DUID-LL ${SERVER_MAC}), dns, searchdomains, coresmd (rule type:Node → hostname nid{04d}, lease_time 1h; option 59 by arch, FQDN)`,
  ]);
}

//------------ Kea --------------------------------------------------------------------------

export function kea6Launch(dir: string, hosts: readonly Host6[], port: number, persist = false): ServerLaunch<Server6Name> {
  const config = join(dir, persist ? 'kea-dhcp6-persist.json' : 'kea-dhcp6.json');
  const leaseFile = join(dir, 'kea-leases6.csv');
  rmSync(leaseFile, { force: true });
  const cfg = {
    Dhcp6: {
      // `lo/::1`: a socket on ::1 (Kea's interface/unicast-address form); lo has no link-local address.
      'interfaces-config': { interfaces: [`lo/${SERVER_ADDRESS6}`] },
      // The same DUID-LL as ours; not written to a file.
      'server-id': { type: 'LL', htype: 1, identifier: SERVER_MAC.replace(/:/g, ''), persist: false },
      'lease-database': persist ? { type: 'memfile', persist: true, name: leaseFile, 'lfc-interval': 0 } : { type: 'memfile', persist: false, 'lfc-interval': 0 },
      'multi-threading': { 'enable-multi-threading': false },
      // Only DUID reservations exist: do not look up by hw-address, flex-id, …
      'host-reservation-identifiers': ['duid'],
      'preferred-lifetime': LEASE_SECONDS,
      'valid-lifetime': LEASE_SECONDS,
      // T1 = 0.5 L, T2 = 0.8 L, as ours (RFC 8415 §21.4).
      'renew-timer': LEASE_SECONDS / 2,
      'rebind-timer': (LEASE_SECONDS * 4) / 5,
      'option-data': [
        { name: 'dns-servers', data: DNS_SERVER6 },
        { name: 'domain-search', data: DOMAIN },
      ],
      subnet6: [
        {
          id: 1,
          subnet: RELAY_PREFIX,
          // All reservations are outside any pool: Kea skips the in-pool conflict checks.
          'reservations-in-subnet': true,
          'reservations-out-of-pool': true,
          'option-data': [{ name: 'bootfile-url', data: BOOT_URL }],
          reservations: hosts.map((h) => ({ duid: hexDuid(h.duid), 'ip-addresses': [h.ip6Text], hostname: h.hostname })),
        },
      ],
      loggers: [{ name: 'kea-dhcp6', severity: 'WARN', output_options: [{ output: 'stderr' }] }],
    },
  };
  writeFileSync(config, JSON.stringify(cfg));
  const version = firstLine('kea-dhcp6', ['-v']) ?? '?';
  return {
    name: persist ? 'kea-persist' : 'kea',
    version: `Kea ${version}`,
    checkAddress: true,
    argv: ['kea-dhcp6', '-c', config, '-p', String(port)],
    // Kea writes its PID file and lock file under these; keep them out of /run.
    env: { KEA_PIDFILE_DIR: dir, KEA_LOCKFILE_DIR: dir, KEA_LOGGER_DESTINATION: 'stderr' },
    notes: [
      `\`kea-dhcp6 -p ${port}\` on \`lo/${SERVER_ADDRESS6}\` (a socket on [${SERVER_ADDRESS6}]:${port}), single-threaded, server-id DUID-LL ${SERVER_MAC} not persisted`,
      persist
        ? 'memfile lease database, `persist: true` (Kea\'s default: each lease change appended to a CSV file in the temp dir, no fsync), lease file cleanup off'
        : `memfile lease database, \`persist: false\` (no lease file writes); subnet ${RELAY_PREFIX} selected by the relay's link-address, no pool`,
      `${hosts.length} \`duid\` reservations (address + hostname) in the subnet, \`reservations-out-of-pool: true\`, identifiers \`[duid]\` only`,
      `options: dns-servers, domain-search, bootfile-url ${BOOT_URL}; T1/T2 ${LEASE_SECONDS / 2}/${(LEASE_SECONDS * 4) / 5} s; log severity WARN`,
    ],
  };
}
