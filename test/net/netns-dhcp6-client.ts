// Child process for dhcp6-transport-netns.test.ts: sends a datagram from [::]:546 to ff02::1:2
// on the given interface, as a DHCPv6 client does (again every 500 ms, as clients retransmit),
// and prints the first reply (or a timeout after 5 s) as a JSON line. Not a test file itself.
import dgram from 'node:dgram';

const ifname = process.argv[2] ?? '';
const emit = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const sock = dgram.createSocket({ type: 'udp6', ipv6Only: true });
const timer = setTimeout(() => {
  emit({ event: 'timeout' });
  process.exit(0);
}, 5000);
sock.on('message', (msg, rinfo) => {
  clearTimeout(timer);
  emit({ event: 'reply', from: rinfo.address, port: rinfo.port, body: JSON.parse(msg.toString()) as unknown });
  process.exit(0);
});
const send = (): void => sock.send(Uint8Array.of(1, 0, 0, 1), 547, `ff02::1:2%${ifname}`, () => {});
sock.bind(546, '::', () => {
  send();
  setInterval(send, 500).unref();
});
