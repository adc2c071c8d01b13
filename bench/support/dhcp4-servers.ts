// The servers under test for the DHCPv4 load benchmark, each configured for the same hosts, the
// same relay subnet and the same reply content, on loopback and unprivileged ports, pinned to
// one core with taskset (server-process.ts: every process started is recorded and killed by its
// PID on exit, on failure and on Ctrl-C).
//
//   ours     bin/coresmd dhcp, coresmd plugin over a file:// inventory
//   kea      kea-dhcp4 -p PORT, memfile (persist false), subnet 127.20.0.0/16, N reservations
//   dnsmasq  dnsmasq --dhcp-alternate-port, static dhcp-range for the relay subnet, hosts file
//   bare     bench/peers/bare-responder.ts: precomputed replies, the ceiling of one Node process

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstLine, oursDhcpLaunch, repoRoot, startPinned, type RunningServer as GenericRunning, type ServerLaunch as GenericLaunch } from './server-process.ts';
import {
  BOOT_FILE,
  DNS_SERVER,
  DOMAIN,
  LEASE_SECONDS,
  RELAY_NETMASK,
  RELAY_NETWORK,
  RELAY_SUBNET,
  ROUTER,
  SERVER_ADDRESS,
  type Host,
} from './dhcp4-workload.ts';

export type ServerName = 'ours' | 'kea' | 'dnsmasq' | 'bare' | 'kea-persist' | 'dnsmasq-leasefile' | 'ours-admin-off';
/** Run by default. */
export const SERVER_NAMES: readonly ServerName[] = ['ours', 'kea', 'dnsmasq', 'bare'];
/** Variants with their lease files on (each server's default), on request with --servers. */
export const ALL_SERVER_NAMES: readonly ServerName[] = [...SERVER_NAMES, 'kea-persist', 'dnsmasq-leasefile', 'ours-admin-off'];

export type ServerLaunch = GenericLaunch<ServerName>;
export type RunningServer = GenericRunning<ServerName>;
export { GENERATOR_CPU, killAllStarted, SERVER_CPU } from './server-process.ts';
export const startServer: (launch: ServerLaunch, logFile?: string) => RunningServer = startPinned;

/** Why a peer cannot run here, or undefined when it can. */
export function unavailable(name: ServerName): string | undefined {
  if (firstLine('taskset', ['-V']) === undefined) return 'taskset (util-linux) is missing';
  switch (name) {
    case 'kea':
    case 'kea-persist':
      return firstLine('kea-dhcp4', ['-v']) === undefined ? 'kea-dhcp4 is not installed (apt-get install kea-dhcp4-server)' : undefined;
    case 'dnsmasq':
    case 'dnsmasq-leasefile':
      return firstLine('dnsmasq', ['--version']) === undefined ? 'dnsmasq is not installed (apt-get install dnsmasq-base)' : undefined;
    default:
      return undefined;
  }
}

//------------ ours -------------------------------------------------------------------------

/** `admin`: false runs with `--admin-listen off` (no admin server, no boot-event timeline). */
export function oursLaunch(dir: string, hosts: readonly Host[], port: number, nodeFlags: readonly string[] = [], admin = true): ServerLaunch {
  const inventory = join(dir, 'inventory.json');
  const interfaces = hosts.map((h) => ({
    ID: h.macText.replace(/:/g, ''),
    Description: `Interface 0 for ${h.hostname}`,
    MACAddress: h.macText,
    LastUpdate: '2025-03-04T18:22:41.513207Z',
    ComponentID: h.xname,
    Type: 'Node',
    IPAddresses: [{ IPAddress: h.ipText, Network: 'management' }],
  }));
  const components = hosts.map((h) => ({ ID: h.xname, Type: 'Node', State: 'Ready', Flag: 'OK', Enabled: true, Role: 'Compute', NID: h.nid }));
  writeFileSync(inventory, JSON.stringify({ EthernetInterfaces: interfaces, Components: components }));
  const config = join(dir, admin ? 'coresmd.yaml' : 'coresmd-admin-off.yaml');
  writeFileSync(
    config,
    [
      '# DHCPv4 load benchmark: the same hosts and reply content as the Kea and dnsmasq configs.',
      'server4:',
      `  listen: ["${SERVER_ADDRESS}:${port}"]`,
      '  plugins:',
      `    - server_id: ${SERVER_ADDRESS}`,
      `    - dns: ${DNS_SERVER}`,
      `    - router: ${ROUTER}`,
      `    - netmask: ${RELAY_NETMASK}`,
      '    - coresmd: |',
      `        svc_base_uri=file://${inventory}`,
      `        ipxe_base_uri=http://${SERVER_ADDRESS}:8081`,
      '        cache_valid=1h',
      `        lease_time=${LEASE_SECONDS}s`,
      `        domain=${DOMAIN}`,
      '        rule=type:Node,hostname:nid{04d}',
      '',
    ].join('\n'),
  );
  return oursDhcpLaunch(config, admin, nodeFlags, [
    `\`coresmd dhcp\` with the coresmd plugin over \`svc_base_uri=file://…/inventory.json\` (${hosts.length} interfaces + components, SMD shapes)`,
    `listen ${SERVER_ADDRESS}:${port} (loopback/dgram mode), log level warning (no per-packet log lines)`,
    'plugins: server_id, dns, router, netmask, coresmd (rule type:Node → hostname nid{04d}, lease_time 1h)',
  ]);
}

//------------ Kea --------------------------------------------------------------------------

/** `persist`: memfile writes its lease file (Kea's default), in `dir`. */
export function keaLaunch(dir: string, hosts: readonly Host[], port: number, persist = false): ServerLaunch {
  const config = join(dir, persist ? 'kea-dhcp4-persist.json' : 'kea-dhcp4.json');
  const leaseFile = join(dir, 'kea-leases4.csv');
  rmSync(leaseFile, { force: true });
  const cfg = {
    Dhcp4: {
      'interfaces-config': { interfaces: ['lo'], 'dhcp-socket-type': 'udp' },
      'lease-database': persist ? { type: 'memfile', persist: true, name: leaseFile, 'lfc-interval': 0 } : { type: 'memfile', persist: false, 'lfc-interval': 0 },
      'multi-threading': { 'enable-multi-threading': false },
      // Only hardware-address reservations exist: do not look up by client-id, circuit-id, …
      'host-reservation-identifiers': ['hw-address'],
      'valid-lifetime': LEASE_SECONDS,
      'option-data': [
        { name: 'domain-name-servers', data: DNS_SERVER },
        { name: 'domain-name', data: DOMAIN },
      ],
      subnet4: [
        {
          id: 1,
          subnet: RELAY_SUBNET,
          // All reservations are outside any pool: Kea skips the in-pool conflict checks.
          'reservations-in-subnet': true,
          'reservations-out-of-pool': true,
          'next-server': SERVER_ADDRESS,
          'boot-file-name': BOOT_FILE,
          'option-data': [
            { name: 'routers', data: ROUTER },
            { name: 'root-path', data: SERVER_ADDRESS },
            { name: 'boot-file-name', data: BOOT_FILE },
          ],
          reservations: hosts.map((h) => ({ 'hw-address': h.macText, 'ip-address': h.ipText, hostname: h.hostname })),
        },
      ],
      loggers: [{ name: 'kea-dhcp4', severity: 'WARN', output_options: [{ output: 'stderr' }] }],
    },
  };
  writeFileSync(config, JSON.stringify(cfg));
  const version = firstLine('kea-dhcp4', ['-v']) ?? '?';
  return {
    name: persist ? 'kea-persist' : 'kea',
    version: `Kea ${version}`,
    checkAddress: true,
    argv: ['kea-dhcp4', '-c', config, '-p', String(port)],
    // Kea writes its PID file and lock file under these; keep them out of /run.
    env: { KEA_PIDFILE_DIR: dir, KEA_LOCKFILE_DIR: dir, KEA_LOGGER_DESTINATION: 'stderr' },
    notes: [
      `\`kea-dhcp4 -p ${port}\`, \`dhcp-socket-type: udp\` on lo (binds ${SERVER_ADDRESS}:${port}), single-threaded`,
      persist
        ? `memfile lease database, \`persist: true\` (Kea's default: each lease change appended to a CSV file in the temp dir, no fsync), lease file cleanup off`
        : `memfile lease database, \`persist: false\` (no lease file writes); subnet ${RELAY_SUBNET} selected by giaddr, no pool`,
      `${hosts.length} \`hw-address\` reservations with hostname in the subnet, \`reservations-out-of-pool: true\`, identifiers \`[hw-address]\` only`,
      'options: routers, domain-name-servers, domain-name, root-path, boot-file-name (+ file field, next-server); log severity WARN',
    ],
  };
}

//------------ dnsmasq ----------------------------------------------------------------------

/** `leaseFile`: dnsmasq keeps its lease file (its default), in `dir`, instead of --leasefile-ro. */
export function dnsmasqLaunch(dir: string, hosts: readonly Host[], port: number, leaseFile = false): ServerLaunch {
  const hostsFile = join(dir, 'dnsmasq-dhcp-hosts');
  const leases = join(dir, 'dnsmasq.leases');
  rmSync(leases, { force: true });
  writeFileSync(hostsFile, hosts.map((h) => `${h.macText},${h.ipText},${h.hostname}\n`).join(''));
  const version = firstLine('dnsmasq', ['--version']) ?? '?';
  return {
    name: leaseFile ? 'dnsmasq-leasefile' : 'dnsmasq',
    version: version.replace(/\s+Copyright.*$/, ''),
    checkAddress: true,
    argv: [
      'dnsmasq',
      '--no-daemon',
      '--conf-file=/dev/null',
      '--port=0', // no DNS
      '--interface=lo',
      '--bind-interfaces',
      `--dhcp-alternate-port=${port},${port + 1}`,
      `--dhcp-range=${RELAY_NETWORK},static,${RELAY_NETMASK},${LEASE_SECONDS}s`,
      `--dhcp-hostsfile=${hostsFile}`,
      '--dhcp-lease-max=1000000',
      // leases in memory only, as Kea's persist: false; or dnsmasq's default lease file
      leaseFile ? `--dhcp-leasefile=${leases}` : '--leasefile-ro',
      '--no-ping',
      '--quiet-dhcp',
      `--dhcp-option=option:router,${ROUTER}`,
      `--dhcp-option=option:dns-server,${DNS_SERVER}`,
      `--dhcp-option=option:domain-name,${DOMAIN}`,
      `--dhcp-option=option:root-path,${SERVER_ADDRESS}`,
      `--dhcp-boot=${BOOT_FILE},,${SERVER_ADDRESS}`,
      '--pid-file=',
      '--user=root',
      '--log-facility=-',
    ],
    notes: [
      `\`dnsmasq --dhcp-alternate-port=${port},${port + 1}\` on lo (\`--bind-interfaces\`), DNS off (\`--port=0\`)`,
      `\`--dhcp-range=${RELAY_NETWORK},static,${RELAY_NETMASK}\` (selected by giaddr), ${hosts.length} hosts in \`--dhcp-hostsfile\` (MAC,IP,name)`,
      leaseFile
        ? `\`--dhcp-leasefile\` in the temp dir (dnsmasq's default: it rewrites the whole lease file after each change), \`--dhcp-lease-max=1000000\`, \`--no-ping\`, \`--quiet-dhcp\``
        : '`--leasefile-ro` (leases in memory only), `--dhcp-lease-max=1000000`, `--no-ping`, `--quiet-dhcp`',
      'options: router, dns-server, domain-name, root-path, `--dhcp-boot` (file field + next-server)',
      'dnsmasq ignores RFC 8357 and answers relays on giaddr:<its server port>, which the generator binds too',
    ],
  };
}

//------------ bare node:dgram responder ------------------------------------------------------

export function bareLaunch(port: number, nodeFlags: readonly string[] = []): ServerLaunch {
  return {
    name: 'bare',
    version: `Node ${process.version}`,
    checkAddress: false,
    argv: [process.execPath, ...nodeFlags, '--import', 'tsx', join(repoRoot, 'bench/peers/bare-responder.ts'), '--listen', `${SERVER_ADDRESS}:${port}`],
    notes: [
      '`bench/peers/bare-responder.ts`: one `node:dgram` socket; per request: read the type byte, copy the xid into a precomputed OFFER or ACK (a ring of buffers), send it to the source',
    ],
  };
}
