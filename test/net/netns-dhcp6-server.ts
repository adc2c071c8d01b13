// Child process for dhcp6-transport-netns.test.ts: the DHCPv6 transport with the default listen
// and a server that answers each datagram with a JSON summary of the ingress it was handed.
// JSON lines on stdout: `ready` (interfaces, endpoints) and `request`; stdin `quit` stops it.
// Not a test file itself (no `.test.ts`).
import { createInterface } from 'node:readline';
import { BufferPool } from '../../src/wire/pool.ts';
import type { Dhcp6Ingress } from '../../src/dhcp/service/v6/chain.ts';
import { startDhcp6Transport, type Dhcp6TransportOutcome } from '../../src/net/dhcp6-transport.ts';
import { nullLogger } from '../../src/seams/logger.ts';

const emit = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const pool = new BufferPool(512, 8);
const summary = (i: Dhcp6Ingress) => ({ ifname: i.ifname, srcAddress: i.srcAddress, srcPort: i.srcPort, server: i.serverAddresses.map((a) => a.text) });

try {
  const transport = await startDhcp6Transport({
    targets: [{ address: new Uint8Array(16), port: 547, isDefault: true }],
    logger: nullLogger,
    server: {
      handle: async (_buf: Uint8Array, ingress: Dhcp6Ingress): Promise<Dhcp6TransportOutcome> => {
        emit({ event: 'request', ingress: summary(ingress) });
        const slot = pool.acquire()!;
        const n = slot.write(JSON.stringify(summary(ingress)));
        return { kind: 'reply', route: { kind: 'client', address: ingress.srcAddress, port: ingress.srcPort }, payload: slot.subarray(0, n), release: () => pool.release(slot) };
      },
    },
  });
  emit({ event: 'ready', interfaces: transport.interfaces, endpoints: transport.endpoints });
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (l) => {
    if (l === 'quit') rl.close();
  });
  rl.on('close', () => void transport.close().then(() => process.exit(0)));
} catch (e) {
  emit({ event: 'error', message: (e as Error).message });
  process.exit(1);
}
