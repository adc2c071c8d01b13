// The ceiling of one Node process for the DNS benchmark (BENCHMARKS.md, "DNS"): a bare
// node:dgram server that does no DNS work at all.
//
//   node --import tsx bench/peers/dns-echo.ts --listen 127.0.0.1:15305 [--callback]
//
// Per datagram it sets QR (bit 7 of octet 2) in the query's own bytes and sends them back to the
// source: no parsing, no lookup, no encoding. node:dgram hands each datagram over in a Buffer of
// its own, so changing it and sending it needs no copy and no ring of reply buffers. A client
// such as dnsperf takes the echo as a valid NOERROR reply with the question and no answer.
// --callback passes a (no-op) completion callback to each send, as a server that recycles its
// reply buffers must (src/net/dns-udp.ts does): that is the cost of the callback alone.

import dgram from 'node:dgram';

function listenArg(): { address: string; port: number } {
  const i = process.argv.indexOf('--listen');
  const v = i === -1 ? undefined : process.argv[i + 1];
  const m = v === undefined ? null : /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(v);
  if (m === null) {
    console.error('usage: dns-echo.ts --listen ADDRESS:PORT');
    process.exit(2);
  }
  return { address: m[1]!, port: Number(m[2]) };
}

const { address, port } = listenArg();
const withCallback = process.argv.includes('--callback');
const socket = dgram.createSocket('udp4');
let sent = 0;
const done = (err: Error | null) => {
  if (err === null) sent++;
};
socket.on('message', (msg, rinfo) => {
  if (msg.length < 12) return;
  msg[2] = msg[2]! | 0x80;
  if (withCallback) socket.send(msg, rinfo.port, rinfo.address, done);
  else socket.send(msg, rinfo.port, rinfo.address);
});
socket.on('error', (e) => console.error(`dns-echo: ${e.message}`));
socket.bind({ address, port }, () => console.error(`dns-echo listening on ${address}:${port}`));
const stop = () =>
  socket.close(() => {
    if (withCallback) console.error(`dns-echo: ${sent} sends completed`);
    process.exit(0);
  });
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
