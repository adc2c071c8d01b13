// `coresmd serve --dhcp coredhcp.yaml --dns Corefile`: the whole appliance in one process from
// the original's config files, over one inventory and one SMD poll loop (src/app/serve/).
import { flag, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { DNS_DEFAULT_PORT } from '../dns/corefile-config.ts';
import { DEFAULT_DRAIN_TIMEOUT_MS } from '../serve/appliance.ts';
import { ADMIN_FLAG, adminListenFlag, LOG_FLAGS, loggerFromFlags, parsePort } from '../serve/cli-flags.ts';
import { runAppliance } from '../serve/run-appliance.ts';
import { systemClock } from '../../seams/clock.ts';

const DETAILS = `Either file may be left out: --dhcp alone is \`coresmd dhcp\`, --dns alone is \`coresmd dns\`.
With both, DHCP and DNS share one inventory: SMD is polled once, with the coresmd plugin's
svc_base_uri, ca_cert, svc_token_*, svc_timeout, cache_valid and cache_file (the Corefile's
smd_url, ca_cert and cache_duration are then not used for polling; a different smd_url is
warned about). The coresmd plugin also starts TFTP (tftp_dir, tftp_port, single_port) and,
with http_port, HTTP boot. server4 and server6 both run (DHCPv4 and DHCPv6); DHCPv4 uses raw
sockets when it can (root or CAP_NET_RAW).

Signals:
  SIGHUP, SIGUSR1  reload both files. The new files are read and validated completely first:
                   on any error, every error is logged with file:line:col and the running
                   configuration keeps serving. Otherwise the DHCP handler chain (rules,
                   plugins) is replaced atomically; listeners restart only where listen
                   addresses or ports changed (all or nothing); the SMD poller is replaced
                   only when the SMD settings changed; DNS is rebuilt when the Corefile
                   changed; DHCPv6 restarts when the coredhcp file changed. The bootloop
                   lease journal stays open when lease_file is the same.
  SIGTERM, SIGINT  drain and exit 0: new DHCP requests are refused, requests in flight finish
                   (at most --drain-timeout), the bootloop lease journal is closed (fsynced),
                   then every server closes.

Admin API (docs/admin-api.md): per-node boot timeline, live events, leases, explain,
quarantine, /metrics, /healthz and /readyz, and a status page, on 127.0.0.1:9180 unless
--admin-listen or the coredhcp file's admin: section says otherwise (off disables it).

Logs go to stderr, one JSON object (or logfmt line) per event with time, level and msg.
packaging/systemd/coresmd.service runs this command as an unprivileged user with
CAP_NET_RAW and CAP_NET_BIND_SERVICE; \`systemctl reload coresmd\` sends SIGHUP.`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run DHCPv4, DHCPv6, TFTP, HTTP boot and DNS in one process from coredhcp.yaml and a Corefile',
  usage: '[--dhcp FILE] [--dns FILE]',
  flags: [
    { name: 'dhcp', value: 'FILE', help: 'the coredhcp YAML config (server4/server6), as for `coresmd dhcp -c`' },
    { name: 'dns', value: 'FILE', help: 'the Corefile, as for `coresmd dns -conf`' },
    { name: 'dns.port', value: 'PORT', help: `port of Corefile server blocks written without one (default ${DNS_DEFAULT_PORT})` },
    ...LOG_FLAGS,
    { name: 'no-raw-socket', help: 'DHCPv4 uses only node:dgram (single-interface hosts)' },
    { name: 'drain-timeout', value: 'SECONDS', help: `how long SIGTERM waits for DHCP requests in flight (default ${DEFAULT_DRAIN_TIMEOUT_MS / 1000})` },
    ADMIN_FLAG,
  ],
  details: DETAILS,
  async run(args, io) {
    const dhcp = flag(args, 'dhcp');
    const dns = flag(args, 'dns');
    if (dhcp === undefined && dns === undefined) throw new UsageError('give --dhcp FILE, --dns FILE or both');
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    const dnsDefaultPort = parsePort(flag(args, 'dns.port'), DNS_DEFAULT_PORT, '--dns.port');
    const drainText = flag(args, 'drain-timeout');
    const drainS = drainText === undefined ? DEFAULT_DRAIN_TIMEOUT_MS / 1000 : Number(drainText);
    if (!(Number.isFinite(drainS) && drainS >= 0)) throw new UsageError(`--drain-timeout must be a number of seconds, got '${drainText}'`);
    const logger = loggerFromFlags(args, io);
    return runAppliance({
      files: { ...(dhcp === undefined ? {} : { dhcp }), ...(dns === undefined ? {} : { dns, dnsDefaultPort }) },
      io,
      logger,
      clock: systemClock,
      env: process.env,
      rawSocket: flag(args, 'no-raw-socket') === undefined ? 'auto' : 'off',
      drainTimeoutMs: drainS * 1000,
      adminListen: adminListenFlag(args),
    });
  },
};
