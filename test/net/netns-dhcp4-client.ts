// Child process for the namespace tests: a DHCP client (port 68) or relay (port 67) inside a
// network namespace. Binds 0.0.0.0:PORT with SO_BROADCAST, prints `ready`, then for each stdin
// line `{"xid":…, "dst":"255.255.255.255", "port":67, "giaddr":"…", "ciaddr":"…"}` sends a
// BOOTREQUEST, and prints every datagram it receives as a `reply` event. `quit` ends it.
import dgram from 'node:dgram';
import { createInterface } from 'node:readline';
import { parseIPv4 } from '../../src/wire/addr.ts';
import { encodeRequest, summarizeReply } from './stub-dhcp4-server.ts';

interface SendLine {
  readonly xid: number;
  readonly dst: string;
  readonly port: number;
  readonly giaddr?: string;
  readonly ciaddr?: string;
}

const emit = (obj: object): void => {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
};

const port = Number(process.argv[2] ?? '68');
const socket = dgram.createSocket({ type: 'udp4' });
socket.on('error', (e) => emit({ event: 'error', message: e.message }));
socket.on('message', (msg, rinfo) => emit({ event: 'reply', from: rinfo.address, port: rinfo.port, ...summarizeReply(msg) }));
socket.bind({ address: '0.0.0.0', port }, () => {
  socket.setBroadcast(true);
  emit({ event: 'ready', port });
});
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line === 'quit') return rl.close();
  const s = JSON.parse(line) as SendLine;
  const req = encodeRequest({ xid: s.xid, giaddr: parseIPv4(s.giaddr ?? '0.0.0.0') ?? 0, ciaddr: parseIPv4(s.ciaddr ?? '0.0.0.0') ?? 0 });
  socket.send(req, s.port, s.dst, (e) => emit(e ? { event: 'error', message: e.message } : { event: 'sent', xid: s.xid }));
});
rl.on('close', () => socket.close(() => process.exit(0)));
