// The DHCP server of scripts/netns/dhcp6-test.sh: loads a coredhcp config, opens the one
// inventory its coresmd plugin names (smd-sim or a file:// inventory) and runs startDhcp6 on its
// server6 section and, when the file has one, startDhcp4 on server4: both stacks from one
// config in one process, sharing the inventory. Logs logfmt lines to stdout until SIGTERM. It
// calls the functions `coresmd dhcp` and `coresmd serve` start, so the test does not depend on
// how those commands are wired.
//
//   node --import tsx scripts/netns/dhcp6-runner.ts CONFIG.yaml
import { readCoredhcpConfigFile } from '../../src/app/config/coredhcp-config.ts';
import { createLogger } from '../../src/app/log.ts';
import { firstCoresmdConfig, inventoryFromConfig } from '../../src/app/dhcp/shared-inventory.ts';
import { startDhcp4 } from '../../src/app/dhcp/run-dhcp4.ts';
import { startDhcp6 } from '../../src/app/dhcp/run-dhcp6.ts';
import { formatDuid } from '../../src/dhcp/v6/duid.ts';
import { systemClock } from '../../src/seams/clock.ts';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: dhcp6-runner.ts CONFIG.yaml');
  process.exit(2);
}
const logger = createLogger({ level: 'debug', format: 'logfmt', sink: { write: (l) => process.stdout.write(l) } });
try {
  const cfg = readCoredhcpConfigFile(file);
  if (cfg.server6 === undefined) throw new Error(`${file}: no server6 section`);
  for (const w of cfg.warnings) logger.warn(String(w));
  const coresmd = firstCoresmdConfig(cfg);
  const inventory = coresmd === undefined ? undefined : inventoryFromConfig(coresmd, { clock: systemClock, logger, env: process.env });
  await inventory?.start();
  const v6 = await startDhcp6(cfg.server6, { inventory, clock: systemClock, logger });
  const v4 = cfg.server4 === undefined ? undefined : await startDhcp4(cfg.server4, { inventory, clock: systemClock, logger });
  logger.info('dhcp6-runner ready', {
    duid: formatDuid(v6.serverDuid),
    interfaces: v6.transport.interfaces.join(',') || 'any',
    dhcp4: v4 === undefined ? 'off' : `${v4.transport.mode} ${v4.transport.interfaces.join(',')}`,
  });
  const stop = async () => {
    await v4?.close();
    await v6.close();
    await inventory?.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
} catch (e) {
  logger.error('dhcp6-runner failed', { error: (e as Error).message });
  process.exit(1);
}
