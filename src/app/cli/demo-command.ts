// `coresmd demo` (what `npm start` runs): the appliance on its built-in demo, with no root, no
// SMD and only loopback ports. It starts the SMD simulator with examples/inventory.json and
// every service that exists so far against it, and prints where each one listens.
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { flag, parseHostPort } from './args.ts';
import type { Command } from './command.ts';
import { createLogger, parseLogLevel } from '../log.ts';
import { untilStopSignal } from '../signals.ts';
import { openSmdSource } from '../smd-access.ts';
import { startSmdSim } from '../smd-sim/server.ts';
import { systemClock } from '../../seams/clock.ts';
import { createInventory } from '../../smd/inventory.ts';
import { parseInventoryDocument } from '../../smd/inventory-document.ts';

const exampleInventory = fileURLToPath(new URL('../../../examples/inventory.json', import.meta.url));

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the built-in demo on loopback: SMD simulator plus every service, no root needed',
  usage: '[--smd-listen ADDR:PORT]',
  flags: [
    { name: 'smd-listen', value: 'ADDR:PORT', help: 'where the SMD simulator listens (default 127.0.0.1:27779)' },
    { name: 'inventory', value: 'FILE', help: `inventory for the simulator (default examples/inventory.json)` },
    { name: 'refresh', value: 'SECONDS', help: 'how often the appliance polls the simulator (default 10)' },
    { name: 'log-level', value: 'LEVEL', help: 'debug, info, warn, error (default info)' },
  ],
  async run(args, io) {
    // Listen for the stop signal before announcing readiness, so a stop right after the banner works.
    const stopped = untilStopSignal();
    const level = parseLogLevel(flag(args, 'log-level') ?? 'info') ?? 'info';
    const logger = createLogger({ level, format: 'logfmt', sink: { write: (l) => io.err(l) } });
    const { host, port } = parseHostPort(flag(args, 'smd-listen') ?? '127.0.0.1:27779', '127.0.0.1');
    const file = flag(args, 'inventory') ?? exampleInventory;
    const refreshS = Number(flag(args, 'refresh') ?? '10');
    if (!(refreshS > 0)) {
      io.err('coresmd demo: --refresh must be a positive number of seconds\n');
      return 2;
    }
    let sim;
    try {
      sim = await startSmdSim({ inventory: parseInventoryDocument(readFileSync(file, 'utf8'), file), host, port, logger });
    } catch (e) {
      io.err(`coresmd demo: cannot start the SMD simulator on ${host}:${port}: ${(e as Error).message}\n(use --smd-listen 127.0.0.1:PORT)\n`);
      return 1;
    }
    const inventory = createInventory({
      source: openSmdSource({ url: sim.url, timeoutMs: 5000 }),
      clock: systemClock,
      logger,
      refreshIntervalMs: refreshS * 1000,
    });
    await inventory.start();
    const snap = inventory.current();
    io.out(
      [
        'coresmd demo: loopback only, no root',
        `  smd-sim     ${sim.url}  (${file})`,
        `  inventory   ${snap === undefined ? 'empty' : `${snap.stats.interfaces} interfaces, ${snap.stats.components} components`}, polled every ${refreshS}s`,
        '',
        'Try:',
        `  bin/coresmd inventory --smd ${sim.url}`,
        `  curl -s ${sim.url}/hsm/v2/State/Components`,
        '',
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
    await stopped;
    await inventory.stop();
    await sim.close();
    return 0;
  },
};
