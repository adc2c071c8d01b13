// `coresmd demo` (what `npm start` runs): the appliance on its built-in demo, with no root, no
// SMD and only loopback ports. It starts the SMD simulator with examples/inventory.json and
// every service that exists so far against it, and prints where each one listens.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, parseHostPort } from './args.ts';
import type { Command } from './command.ts';
import { createLogger, parseLogLevel } from '../log.ts';
import { untilStopSignal } from '../signals.ts';
import { readCoredhcpConfigFile } from '../config/coredhcp-config.ts';
import { startDhcp4 } from '../dhcp/run-dhcp4.ts';
import { findFreeTcpPort, findFreeUdpPort } from '../../net/free-port.ts';
import { startBootServers } from '../dhcp/boot-servers.ts';
import { readCorefile } from '../dns/corefile-config.ts';
import { startDns } from '../dns/start-dns.ts';
import { firstCoresmdConfig, inventoryFromConfig } from '../dhcp/shared-inventory.ts';
import { startSmdSim } from '../smd-sim/server.ts';
import { systemClock } from '../../seams/clock.ts';
import { parseInventoryDocument } from '../../smd/inventory-document.ts';
import { demoInventory } from '../runtime-paths.ts';


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
function demoConfig(o: { smdUrl: string; dhcpListen: string; refreshS: number; leaseFile: string; httpPort: number }): string {
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
  ],
  async run(args, io) {
    // Listen for the stop signal before announcing readiness, so a stop right after the banner works.
    const stopped = untilStopSignal();
    const level = parseLogLevel(flag(args, 'log-level') ?? 'info') ?? 'info';
    const logger = createLogger({ level, format: 'logfmt', sink: { write: (l) => io.err(l) } });
    const { host, port } = parseHostPort(flag(args, 'smd-listen') ?? '127.0.0.1:27779', '127.0.0.1');
    const file = flag(args, 'inventory');
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
    const dhcp = parseHostPort(flag(args, 'dhcp-listen') ?? '127.0.0.1:1067', '127.0.0.1');
    // A config file needs a real port: resolve "any port" (0) here.
    if (dhcp.port === 0) dhcp.port = await findFreeUdpPort(dhcp.host);
    const dir = mkdtempSync(join(tmpdir(), 'coresmd-demo-'));
    const configFile = join(dir, 'coredhcp.yaml');
    const httpPort = await findFreeTcpPort('127.0.0.1');
    writeFileSync(configFile, demoConfig({ smdUrl: sim.url, dhcpListen: `${dhcp.host}:${dhcp.port}`, refreshS, leaseFile: join(dir, 'bootloop.leases'), httpPort }));
    // The demo goes through the same loader and wiring as `coresmd dhcp -c FILE`.
    const cfg = readCoredhcpConfigFile(configFile);
    const coresmd = firstCoresmdConfig(cfg)!;
    const inventory = inventoryFromConfig(coresmd, { clock: systemClock, logger, env: {} });
    await inventory.start();
    let v4;
    let boot;
    let dns;
    try {
      // TFTP on an unprivileged loopback port (the config's tftp_port is 69); the files are
      // firmware/ipxe/bin (tftp_dir does not exist) plus the built-in scripts.
      boot = await startBootServers(coresmd, { host: '127.0.0.1', tftpPort: Number(flag(args, 'tftp-port') ?? '1069'), logger, clock: systemClock });
      v4 = await startDhcp4(cfg.server4!, { inventory, clock: systemClock, logger, httpBootBase: boot.httpBootBase });
      // DNS shares the one inventory (the original runs a second process with its own cache).
      const dnsPort = Number(flag(args, 'dns-port') ?? '1053');
      const corefile = join(dir, 'Corefile');
      writeFileSync(corefile, demoCorefile({ smdUrl: sim.url, port: dnsPort === 0 ? await findFreeUdpPort('127.0.0.1') : dnsPort, refreshS }));
      dns = await startDns({ config: readCorefile(corefile, { env: {} }), inventory, logger, clock: systemClock });
    } catch (e) {
      await dns?.close();
      await v4?.close();
      await boot?.close();
      io.err(`coresmd demo: cannot start DHCPv4 on ${dhcp.host}:${dhcp.port}: ${(e as Error).message}\n(use --dhcp-listen 127.0.0.1:PORT)\n`);
      await inventory.stop();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
      return 1;
    }
    const dhcpAt = v4.transport.endpoints.map((e) => `${e.address}:${e.port}`).join(' ');
    const snap = inventory.current();
    io.out(
      [
        'coresmd demo: loopback only, no root',
        `  smd-sim     ${sim.url}  (${file})`,
        `  inventory   ${snap === undefined ? 'empty' : `${snap.stats.interfaces} interfaces, ${snap.stats.components} components`}, polled every ${refreshS}s`,
        `  dhcp4       ${dhcpAt}  (loopback mode: replies go back to the sender)`,
        `  tftp        ${boot.tftpEndpoints.join(' ')}  (firmware/ipxe/bin and the built-in scripts)`,
        `  http boot   ${boot.httpUrl ?? 'off'}`,
        `  dns         ${dns.listeners.map((l) => `${l.address}:${l.port}/${l.proto}`).join(' ')}  (zone openchami.cluster)`,
        `  config      ${configFile}`,
        '',
        'Try:',
        `  bin/coresmd inventory --smd ${sim.url}`,
        `  bin/coresmd explain -c ${configFile} --mac 52:54:00:be:ef:01 --arch 7`,
        `  bin/coresmd explain -c ${configFile} --mac 52:54:00:be:ef:01 --user-class iPXE`,
        `  bin/coresmd explain -c ${configFile} --mac 02:00:00:00:00:01 --arch 0     # unknown: bootloop`,
        `  dig @127.0.0.1 -p ${dns.listeners[0]?.port ?? ''} nid001.openchami.cluster A`,
        `  dig @127.0.0.1 -p ${dns.listeners[0]?.port ?? ''} -x 172.16.0.5`,
        `  curl -s ${sim.url}/hsm/v2/State/Components`,
        `  curl -s ${boot.httpUrl ?? ''}/default                      # the built-in reboot script`,
        `  tftp 127.0.0.1 ${boot.tftpEndpoints[0]?.split(':').at(-1) ?? ''} -c get default /dev/stdout`,
        '',
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
    await stopped;
    await dns.close();
    await v4.close();
    await boot.close();
    await inventory.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
    return 0;
  },
};
