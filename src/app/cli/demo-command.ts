// `coresmd demo` (what `npm start` runs): the appliance on its built-in demo, with no root, no
// SMD and only loopback ports. It starts the SMD simulator with examples/inventory.json, writes
// a coredhcp config and a Corefile pointed at it, and runs them as `coresmd serve` does (one
// inventory, DHCPv4, TFTP, HTTP boot, DNS, and the admin server with its status page), then
// prints where each one listens.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, parseHostPort } from './args.ts';
import type { Command } from './command.ts';
import { createLogger, parseLogLevel } from '../log.ts';
import { findFreeTcpPort, findFreeUdpPort, findFreeUdpTcpPort } from '../../net/free-port.ts';
import { startSmdSim } from '../smd-sim/server.ts';
import { systemClock } from '../../seams/clock.ts';
import { parseInventoryDocument } from '../../smd/inventory-document.ts';
import { demoInventory } from '../runtime-paths.ts';
import { ADMIN_FLAG, adminListenFlag } from '../serve/cli-flags.ts';
import { runAppliance } from '../serve/run-appliance.ts';

/** The demo's Corefile: the OpenCHAMI tutorial's shape on loopback. */
function demoCorefile(o: { smdUrl: string; port: number; refreshS: number }): string {
  return `# Written by \`coresmd demo\`.
.:${o.port} {
    bind 127.0.0.1
    coresmd {
        smd_url ${o.smdUrl}
        cache_duration ${o.refreshS}s
        zone openchami.cluster {
            nodes nid{03d}
        }
    }
}
`;
}

/** The demo's coredhcp config: the original's example chain, pointed at the simulator. */
function demoConfig(o: { smdUrl: string; dhcpListen: string; refreshS: number; leaseFile: string; httpPort: number; tftpPort: number }): string {
  return `# Written by \`coresmd demo\`: the upstream example chain on loopback.
server4:
  listen: ["${o.dhcpListen}"]
  plugins:
    - server_id: 172.16.0.253
    - dns: 172.16.0.253
    - router: 172.16.0.254
    - netmask: 255.255.255.0
    - coresmd: |
        svc_base_uri=${o.smdUrl}
        ipxe_base_uri=http://172.16.0.253:8081
        cache_valid=${o.refreshS}s
        lease_time=1h
        tftp_dir=/nonexistent
        tftp_port=${o.tftpPort}
        http_port=${o.httpPort}
        domain=openchami.cluster
        rule=name:bmcs,type:NodeBMC,hostname:{id}
        rule=name:nodes,type:Node,hostname:nid{03d}
    - bootloop: |
        lease_file=${o.leaseFile}
        lease_time=5m
        subnet_pool=172.16.0.0/24,172.16.0.156,172.16.0.200
`;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the built-in demo on loopback: SMD simulator plus every service, no root needed',
  usage: '[--smd-listen ADDR:PORT]',
  flags: [
    { name: 'smd-listen', value: 'ADDR:PORT', help: 'where the SMD simulator listens (default 127.0.0.1:27779)' },
    { name: 'inventory', value: 'FILE', help: `inventory for the simulator (default examples/inventory.json)` },
    { name: 'tftp-port', value: 'PORT', help: 'TFTP port on 127.0.0.1 (default 1069)' },
    { name: 'dns-port', value: 'PORT', help: 'DNS port on 127.0.0.1 (default 1053)' },
    { name: 'dhcp-listen', value: 'ADDR:PORT', help: 'where DHCPv4 listens (default 127.0.0.1:1067; loopback mode)' },
    { name: 'refresh', value: 'SECONDS', help: 'how often the appliance polls the simulator (default 10)' },
    { name: 'log-level', value: 'LEVEL', help: 'debug, info, warn, error (default info)' },
    ADMIN_FLAG,
  ],
  async run(args, io) {
    const level = parseLogLevel(flag(args, 'log-level') ?? 'info') ?? 'info';
    const logger = createLogger({ level, format: 'logfmt', sink: { write: (l) => io.err(l) } });
    const { host, port } = parseHostPort(flag(args, 'smd-listen') ?? '127.0.0.1:27779', '127.0.0.1');
    const file = flag(args, 'inventory');
    const adminListen = adminListenFlag(args);
    const refreshS = Number(flag(args, 'refresh') ?? '10');
    if (!(refreshS > 0)) {
      io.err('coresmd demo: --refresh must be a positive number of seconds\n');
      return 2;
    }
    let sim;
    try {
      const source = file === undefined ? demoInventory() : { name: file, text: readFileSync(file, 'utf8') };
      sim = await startSmdSim({ inventory: parseInventoryDocument(source.text, source.name), host, port, logger });
    } catch (e) {
      io.err(`coresmd demo: cannot start the SMD simulator on ${host}:${port}: ${(e as Error).message}\n(use --smd-listen 127.0.0.1:PORT)\n`);
      return 1;
    }
    // Config files need real ports: resolve "any port" (0) here.
    const dhcp = parseHostPort(flag(args, 'dhcp-listen') ?? '127.0.0.1:1067', '127.0.0.1');
    if (dhcp.port === 0) dhcp.port = await findFreeUdpPort(dhcp.host);
    const tftpFlag = Number(flag(args, 'tftp-port') ?? '1069');
    const tftpPort = tftpFlag === 0 ? await findFreeUdpPort('127.0.0.1') : tftpFlag;
    const dnsFlag = Number(flag(args, 'dns-port') ?? '1053');
    const dnsPort = dnsFlag === 0 ? await findFreeUdpTcpPort('127.0.0.1') : dnsFlag;
    const httpPort = await findFreeTcpPort('127.0.0.1');
    const dir = mkdtempSync(join(tmpdir(), 'coresmd-demo-'));
    const configFile = join(dir, 'coredhcp.yaml');
    const corefile = join(dir, 'Corefile');
    // TFTP on an unprivileged loopback port; the files are firmware/ipxe/bin (tftp_dir does not
    // exist) plus the built-in scripts.
    writeFileSync(configFile, demoConfig({ smdUrl: sim.url, dhcpListen: `${dhcp.host}:${dhcp.port}`, refreshS, leaseFile: join(dir, 'bootloop.leases'), httpPort, tftpPort }));
    writeFileSync(corefile, demoCorefile({ smdUrl: sim.url, port: dnsPort, refreshS }));
    try {
      // The demo goes through the same loader and wiring as `coresmd serve --dhcp … --dns …`.
      const code = await runAppliance({
        files: { dhcp: configFile, dns: corefile },
        io,
        logger,
        clock: systemClock,
        env: {},
        rawSocket: 'off',
        bootHost: '127.0.0.1',
        adminListen,
        adminAnyPortFallback: true,
        started: (app, admin) => {
          const dhcpAt = app.dhcp4?.transport?.endpoints.map((e) => `${e.address}:${e.port}`).join(' ') ?? '';
          const snap = app.inventory.current();
          const dns = app.dns?.listeners ?? [];
          const boot = app.boot;
          const adminUrl = admin === undefined ? undefined : `${admin.url}/`;
          io.out(
            [
              'coresmd demo: loopback only, no root',
              `  smd-sim     ${sim.url}  (${file ?? 'examples/inventory.json'})`,
              `  inventory   ${snap === undefined ? 'empty' : `${snap.stats.interfaces} interfaces, ${snap.stats.components} components`}, polled every ${refreshS}s`,
              `  dhcp4       ${dhcpAt}  (loopback mode: replies go back to the sender)`,
              `  tftp        ${boot?.tftpEndpoints.join(' ') ?? 'off'}  (firmware/ipxe/bin and the built-in scripts)`,
              `  http boot   ${boot?.httpUrl ?? 'off'}`,
              `  dns         ${dns.map((l) => `${l.address}:${l.port}/${l.proto}`).join(' ')}  (zone openchami.cluster)`,
              `  admin       ${adminUrl ?? 'off'}  (status page; API under /api/v1, /metrics)`,
              `  config      ${configFile}`,
              '',
              'Try:',
              `  bin/coresmd inventory --smd ${sim.url}`,
              `  bin/coresmd explain -c ${configFile} --mac 52:54:00:be:ef:01 --arch 7`,
              `  bin/coresmd explain -c ${configFile} --mac 52:54:00:be:ef:01 --user-class iPXE`,
              `  bin/coresmd explain -c ${configFile} --mac 02:00:00:00:00:01 --arch 0     # unknown: bootloop`,
              `  dig @127.0.0.1 -p ${dns[0]?.port ?? ''} nid001.openchami.cluster A`,
              `  dig @127.0.0.1 -p ${dns[0]?.port ?? ''} -x 172.16.0.5`,
              `  curl -s ${sim.url}/hsm/v2/State/Components`,
              `  curl -s ${boot?.httpUrl ?? ''}/default                      # the built-in reboot script`,
              `  tftp 127.0.0.1 ${boot?.tftpEndpoints[0]?.split(':').at(-1) ?? ''} -c get default /dev/stdout`,
              ...(adminUrl === undefined
                ? []
                : [
                    `  curl -s ${admin!.url}/api/v1/nodes/x1000c0s0b0n0/timeline   # what happened to that node`,
                    `  curl -s ${admin!.url}/api/v1/explain?mac=52:54:00:be:ef:01\&arch=7`,
                    `  curl -sN ${admin!.url}/api/v1/events                        # live boot events`,
                  ]),
              '',
              'Ctrl-C stops everything.',
              '',
            ].join('\n'),
          );
        },
      });
      if (code !== 0) io.err('coresmd demo: cannot start (see the log above); a port in use? use --dhcp-listen, --tftp-port, --dns-port or --admin-listen\n');
      return code;
    } finally {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
