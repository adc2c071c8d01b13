// The DHCP server of scripts/netns/dhcp6-test.sh: the appliance `coresmd dhcp` and `coresmd
// serve` run (src/app/serve/appliance.ts), from a coredhcp config with server6 and, usually,
// server4: both stacks, one inventory (smd-sim or a file:// inventory), and the boot servers of
// the coresmd plugin (TFTP, and HTTP boot with http_port), which also listen on IPv6 because
// server6 is configured. Logs logfmt lines to stdout until SIGTERM. It calls Appliance.start
// directly rather than the CLI, so the test does not depend on how the commands parse flags.
//
//   node --import tsx scripts/netns/dhcp6-runner.ts CONFIG.yaml
import { createLogger } from '../../src/app/log.ts';
import { Appliance } from '../../src/app/serve/appliance.ts';
import { loadServeConfig } from '../../src/app/serve/serve-config.ts';
import { formatDuid } from '../../src/dhcp/v6/duid.ts';
import { systemClock } from '../../src/seams/clock.ts';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: dhcp6-runner.ts CONFIG.yaml');
  process.exit(2);
}
const logger = createLogger({ level: 'debug', format: 'logfmt', sink: { write: (l) => process.stdout.write(l) } });
try {
  const loaded = loadServeConfig({ dhcp: file }, process.env);
  if (!loaded.ok) throw new Error(loaded.failures.flatMap((f) => f.errors).join('; '));
  if (loaded.config.dhcp?.server6 === undefined) throw new Error(`${file}: no server6 section`);
  const app = await Appliance.start(loaded.config, { logger, clock: systemClock, env: process.env });
  const v6 = app.dhcp6!;
  const v4 = app.dhcp4?.transport;
  logger.info('dhcp6-runner ready', {
    duid: formatDuid(v6.serverDuid),
    interfaces: v6.transport.interfaces.join(',') || 'any',
    dhcp4: v4 === undefined ? 'off' : `${v4.mode} ${v4.interfaces.join(',')}`,
    tftp: app.boot?.tftpEndpoints.join(' ') ?? 'off',
    http: app.boot?.httpUrl ?? 'off',
  });
  const stop = async () => {
    await app.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
} catch (e) {
  logger.error('dhcp6-runner failed', { error: (e as Error).message });
  process.exit(1);
}
