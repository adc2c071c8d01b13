// `coresmd smd-sim --inventory FILE --listen ADDR:PORT`: the SMD test double as a process, for
// the demo, scripts/netns-test.sh and manual experiments. Faults are injected over HTTP:
//   curl -X POST URL/__sim/faults -d '{"mode":"status500","times":1}'
import { readFileSync } from 'node:fs';
import { flag, parseHostPort, requireFlag } from './args.ts';
import type { Command } from './command.ts';
import { createLogger, parseLogLevel } from '../log.ts';
import { untilStopSignal } from '../signals.ts';
import { FAULTS_PATH, startSmdSim } from '../smd-sim/server.ts';
import { parseInventoryDocument } from '../../smd/inventory-document.ts';

export const smdSimCommand: Command = {
  name: 'smd-sim',
  summary: 'run the SMD test double (real endpoints and shapes, write endpoints, fault injection)',
  usage: '--inventory FILE [--listen ADDR:PORT]',
  flags: [
    { name: 'inventory', value: 'FILE', help: 'JSON {"EthernetInterfaces": [...], "Components": [...]} in SMD shapes' },
    { name: 'listen', value: 'ADDR:PORT', help: 'where to listen (default 127.0.0.1:27779, SMD\'s port)' },
    { name: 'base-path', value: 'PATH', help: 'serve under a gateway prefix such as /apis/smd' },
    { name: 'log-level', value: 'LEVEL', help: 'debug, info, warn, error (default info)' },
  ],
  details: `Fault injection: POST {"mode": "status500"|"slow"|"malformed"|"reset"|"none", "paths": [...], "times": N, "delayMs": N} to ${FAULTS_PATH}.`,
  async run(args, io) {
    const file = requireFlag(args, 'inventory');
    // Listen for the stop signal before announcing readiness, so a stop right after the banner works.
    const stopped = untilStopSignal();
    const { host, port } = parseHostPort(flag(args, 'listen') ?? '127.0.0.1:27779', '127.0.0.1');
    const level = parseLogLevel(flag(args, 'log-level') ?? 'info') ?? 'info';
    const logger = createLogger({ level, format: 'logfmt', sink: { write: (l) => io.err(l) } });
    let inventory;
    try {
      inventory = parseInventoryDocument(readFileSync(file, 'utf8'), file);
    } catch (e) {
      io.err(`coresmd smd-sim: ${(e as Error).message}\n`);
      return 1;
    }
    const basePath = flag(args, 'base-path');
    let sim;
    try {
      sim = await startSmdSim({ inventory, host, port, logger, ...(basePath === undefined ? {} : { basePath }) });
    } catch (e) {
      io.err(`coresmd smd-sim: cannot listen on ${host}:${port}: ${(e as Error).message}\n`);
      return 1;
    }
    io.out(`smd-sim listening on ${sim.url} (${inventory.interfaces.length} interfaces, ${inventory.components.length} components from ${file})\n`);
    await stopped;
    await sim.close();
    return 0;
  },
};
