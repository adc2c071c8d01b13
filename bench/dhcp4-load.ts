// DHCPv4 load benchmark (BENCHMARKS.md, "DHCPv4 load"): DORA per second, latency and server CPU
// per DORA for our server, Kea, dnsmasq and a bare node:dgram responder, side by side.
//
//   node --import tsx bench/dhcp4-load.ts [--servers ours,kea,dnsmasq,bare] [--hosts 10000]
//        (also: kea-persist, dnsmasq-leasefile: the same with each one's default lease file on;
//        ours-admin-off: ours with --admin-listen off)
//        [--rounds 3] [--concurrency 64] [--warmup 2] [--duration 10] [--rate 1000]
//        [--rate-duration 10] [--timeout-ms 2000] [--port 10067] [--profile DIR] [--json FILE]
//        [--phases closed,rate] [--max-foreign 10] [--tries 4] [--wait-quiet 120]
//        [--node-flags "--trace-gc"] [--server-logs DIR] [--keep]
//
// Needs root only for nothing: everything is on loopback (127.0.0.0/8) and ports >= 1024. Needs
// taskset (util-linux), and for the peers kea-dhcp4 (apt-get install kea-dhcp4-server) and
// dnsmasq (apt-get install dnsmasq-base); a missing peer is reported as such, not left out.
//
// The rounds, phases, quiet-machine waits, repeats of disturbed phases and the summary are
// bench/support/load-bench.ts (shared with bench/dhcp6-load.ts); the generator is
// bench/support/dhcp4-loadgen.ts over exchange-loadgen.ts; the servers dhcp4-servers.ts.
// --profile DIR runs our server under `node --cpu-prof` (profile written to DIR on exit).

import { Dhcp4Codec, LoadGen } from './support/dhcp4-loadgen.ts';
import { ALL_SERVER_NAMES, bareLaunch, dnsmasqLaunch, keaLaunch, oursLaunch, SERVER_NAMES, unavailable, type ServerName } from './support/dhcp4-servers.ts';
import { GIADDR, makeHosts, replyOptionCodes, SERVER_ADDRESS } from './support/dhcp4-workload.ts';
import { readArgs, runLoadBench } from './support/load-bench.ts';

const args = readArgs(10067);
const hosts = makeHosts(args.hosts);

await runLoadBench<ServerName>(
  {
    title: '# DHCPv4 load: relayed DORA, side by side',
    unit: 'DORA',
    legs: ['DISCOVER→OFFER', 'REQUEST→ACK'],
    replies: ['OFFER', 'ACK'],
    allNames: ALL_SERVER_NAMES,
    defaultNames: SERVER_NAMES,
    ours: 'ours',
    unavailable,
    workload: (a) => `${a.hosts} hosts (distinct MACs, one reservation each) in 127.20.0.0/16, relayed from giaddr ${GIADDR} to ${SERVER_ADDRESS}:${a.port}`,
    launch(name, dir, a) {
      switch (name) {
        case 'ours':
          return oursLaunch(dir, hosts, a.port, [...a.nodeFlags, ...(a.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${a.profileDir}`])]);
        case 'ours-admin-off':
          return oursLaunch(dir, hosts, a.port, a.nodeFlags, false);
        case 'kea':
          return keaLaunch(dir, hosts, a.port);
        case 'kea-persist':
          return keaLaunch(dir, hosts, a.port, true);
        case 'dnsmasq':
          return dnsmasqLaunch(dir, hosts, a.port);
        case 'dnsmasq-leasefile':
          return dnsmasqLaunch(dir, hosts, a.port, true);
        case 'bare':
          return bareLaunch(a.port, a.nodeFlags);
      }
    },
    openGenerator: (launch, a) =>
      LoadGen.open({ codec: new Dhcp4Codec(hosts, launch.checkAddress), server: { address: SERVER_ADDRESS, port: a.port }, bind: { address: GIADDR, port: a.port } }),
    replyOptionCodes,
  },
  args,
);
