// Run as a script (`node --import tsx test/app/serve/netns-smd-sim.ts PORT`) inside a network
// namespace a test created: the SMD simulator (startSmdSim, examples/inventory.json) on
// 127.0.0.1:PORT there. Prints `ready URL`, then, for every line read on stdin, one JSON line
// with its request counters, so the test can count the appliance's SMD polls.
import { createInterface } from 'node:readline';
import { nullLogger } from '../../../src/seams/logger.ts';
import { startSmdSim } from '../../../src/app/smd-sim/server.ts';
import { loadExample } from '../../smd/support/example.ts';
import { EI, SC } from './support.ts';

const port = Number(process.argv[2] ?? '0');
const sim = await startSmdSim({ inventory: loadExample(), host: '127.0.0.1', port, logger: nullLogger });
process.stdout.write(`ready ${sim.url}\n`);
const rl = createInterface({ input: process.stdin });
rl.on('line', () => process.stdout.write(`${JSON.stringify({ interfaces: sim.requestCount(EI), components: sim.requestCount(SC), all: sim.requestCount() })}\n`));
rl.on('close', () => void sim.close());
