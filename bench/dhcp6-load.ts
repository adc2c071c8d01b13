// DHCPv6 load benchmark (BENCHMARKS.md, "DHCPv6 load"): relayed SOLICIT→ADVERTISE,
// REQUEST→REPLY exchanges per second, latency and server CPU per exchange for our server and
// Kea's kea-dhcp6, side by side, on the same hosts with reservations.
//
//   node --import tsx bench/dhcp6-load.ts [--servers ours,kea] [--hosts 10000]
//        (also: kea-persist: Kea with its default lease file on; ours-admin-off: ours with
//        --admin-listen off)
//        [--rounds 3] [--concurrency 64] [--warmup 2] [--duration 10] [--rate 1000]
//        [--rate-duration 10] [--timeout-ms 2000] [--port 10547] [--profile DIR] [--json FILE]
//        [--phases closed,rate] [--max-foreign 10] [--tries 4] [--wait-quiet 120]
//        [--node-flags "--trace-gc"] [--server-logs DIR] [--keep]
//
// Needs root for nothing: everything is on [::1] and ports >= 1024 (ours also starts the coresmd
// plugin's TFTP server, on --port + 2). Needs taskset (util-linux) and, for the peer, kea-dhcp6
// (apt-get install kea-dhcp6-server); a missing peer is reported as such, not left out.
//
// The rounds, phases, quiet-machine waits, repeats of disturbed phases and the summary are
// bench/support/load-bench.ts (shared with bench/dhcp4-load.ts); the generator is
// bench/support/dhcp6-loadgen.ts over exchange-loadgen.ts; the packets dhcp6-workload.ts; the
// servers dhcp6-servers.ts. --profile DIR runs our server under `node --cpu-prof`.

import { Dhcp6Codec } from './support/dhcp6-loadgen.ts';
import { ALL_SERVER6_NAMES, kea6Launch, ours6Launch, SERVER6_NAMES, unavailable6, type Server6Name } from './support/dhcp6-servers.ts';
import { makeHosts6, RELAY_LINK, RELAY_PREFIX, replyOptionCodes6, SERVER_ADDRESS6 } from './support/dhcp6-workload.ts';
import { LoadGen } from './support/exchange-loadgen.ts';
import { readArgs, runLoadBench } from './support/load-bench.ts';

const args = readArgs(10547);
const hosts = makeHosts6(args.hosts);

await runLoadBench<Server6Name>(
  {
    title: '# DHCPv6 load: relayed SOLICIT/ADVERTISE/REQUEST/REPLY, side by side',
    unit: 'exchange',
    legs: ['SOLICIT→ADVERTISE', 'REQUEST→REPLY'],
    replies: ['ADVERTISE', 'REPLY'],
    allNames: ALL_SERVER6_NAMES,
    defaultNames: SERVER6_NAMES,
    ours: 'ours',
    unavailable: unavailable6,
    workload: (a) =>
      `${a.hosts} hosts (distinct MACs, DUID-LL, one reserved address each) in ${RELAY_PREFIX}, RELAY-FORW with link-address ${RELAY_LINK} from [${SERVER_ADDRESS6}]:<ephemeral> (Relay Source Port) to [${SERVER_ADDRESS6}]:${a.port}`,
    launch(name, dir, a) {
      switch (name) {
        case 'ours':
        case 'ours-admin-off':
          return ours6Launch(dir, hosts, a.port, [...a.nodeFlags, ...(a.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${a.profileDir}`])], name === 'ours');
        case 'kea':
          return kea6Launch(dir, hosts, a.port);
        case 'kea-persist':
          return kea6Launch(dir, hosts, a.port, true);
      }
    },
    openGenerator: (_launch, a) => LoadGen.open({ codec: new Dhcp6Codec(hosts), server: { address: SERVER_ADDRESS6, port: a.port }, bind: { address: SERVER_ADDRESS6, port: 0 } }),
    replyOptionCodes: replyOptionCodes6,
  },
  args,
);
