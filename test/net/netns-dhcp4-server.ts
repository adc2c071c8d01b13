// Child process for the namespace tests: runs the DHCPv4 transport with the stub server inside
// a network namespace (`ip netns exec NS node --import tsx test/net/netns-dhcp4-server.ts CFG`).
// Speaks JSON lines: stdout gets `ready`, `request`, `log`, `stats` and `closed` events; stdin
// takes `stats` and `quit`. Not a test file itself (no `.test.ts`).
import { createInterface } from 'node:readline';
import type { LogFields, Logger } from '../../src/seams/logger.ts';
import { formatIPv4, parseIPv4 } from '../../src/wire/addr.ts';
import { startDhcp4Transport, type Dhcp4ListenTarget } from '../../src/net/dhcp4-transport.ts';
import { StubDhcp4Server } from './stub-dhcp4-server.ts';

interface Config {
  readonly targets: readonly { readonly address: string; readonly ifname?: string; readonly port: number }[];
  readonly rawSocket: 'auto' | 'off';
}

const emit = (obj: object): void => {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
};

function lineLogger(base: LogFields = {}): Logger {
  const at =
    (level: string) =>
    (msg: string, fields: LogFields = {}): void =>
      emit({ event: 'log', level, msg, fields: { ...base, ...fields } });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (f) => lineLogger({ ...base, ...f }) };
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as Config;
const stub = new StubDhcp4Server();
stub.onRequest = ({ xid, ingress }) =>
  emit({ event: 'request', xid, ingress: { ...ingress, serverAddress: formatIPv4(ingress.serverAddress), srcAddress: formatIPv4(ingress.srcAddress) } });
const targets: Dhcp4ListenTarget[] = cfg.targets.map((t) => ({ address: parseIPv4(t.address) ?? 0, ifname: t.ifname, port: t.port }));

try {
  const transport = await startDhcp4Transport({
    targets,
    rawSocket: cfg.rawSocket,
    logger: lineLogger(),
    server: stub,
  });
  emit({ event: 'ready', mode: transport.mode, interfaces: transport.interfaces, endpoints: transport.endpoints });
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (line === 'stats') {
      emit({ event: 'stats', pool: stub.pool.stats(), releases: stub.releases, counters: Object.fromEntries(transport.counters.entries()) });
    } else if (line === 'quit') {
      rl.close();
    }
  });
  rl.on('close', () => {
    void transport.close().then(() => {
      emit({ event: 'closed' });
      process.exit(0);
    });
  });
} catch (e) {
  emit({ event: 'error', message: (e as Error).message });
  process.exit(1);
}
