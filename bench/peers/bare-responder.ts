// The ceiling of one Node process for the DHCPv4 load benchmark (BENCHMARKS.md, "DHCPv4 load"):
// a bare node:dgram request/reply server that does no DHCP work at all.
//
//   node --import tsx bench/peers/bare-responder.ts --listen 127.0.0.1:10067
//
// Per datagram it reads one byte (the message type: option 53 is the first option in the load
// generator's requests, so its value is at offset 242), copies the 4-byte xid into a precomputed
// OFFER or ACK of the same size and options as a real reply (about 330 bytes), and sends it back
// to the datagram's source address and port. Nothing else: no decode, no lookup, no allocation
// beyond what node:dgram itself does. Replies come from a ring of preallocated buffers because a
// send may still be queued when the next request arrives (Node's docs: the buffer must not be
// changed until the send callback).

import dgram from 'node:dgram';

const RING = 1024;
const TYPE_AT = 242; // 240 (options) + code 53 + length 1
const XID_AT = 4;

function listenArg(): { address: string; port: number } {
  const i = process.argv.indexOf('--listen');
  const v = i === -1 ? undefined : process.argv[i + 1];
  const m = v === undefined ? null : /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(v);
  if (m === null) {
    console.error('usage: bare-responder.ts --listen ADDRESS:PORT');
    process.exit(2);
  }
  return { address: m[1]!, port: Number(m[2]) };
}

const ip = (s: string) => s.split('.').map(Number);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const opt = (code: number, data: readonly number[]) => [code, data.length, ...data];

/** A reply shaped like the servers' (RFC 2131 §2 header, the options they send), for any client. */
function reply(type: number): Buffer {
  const b = Buffer.alloc(240);
  b[0] = 2; // BOOTREPLY
  b[1] = 1;
  b[2] = 6;
  b[3] = 0;
  b.set(ip('127.20.0.10'), 16); // yiaddr
  b.set(ip('127.0.0.1'), 20); // siaddr
  b.set(ip('127.20.0.1'), 24); // giaddr
  b.set([0x02, 0x42, 0, 0, 0, 0], 28); // chaddr
  b.set(ascii('ipxe-x86_64.efi'), 108); // file
  b.set([99, 130, 83, 99], 236);
  const options = [
    ...opt(53, [type]),
    ...opt(54, ip('127.0.0.1')),
    ...opt(51, [0, 0, 0x0e, 0x10]),
    ...opt(1, ip('255.255.0.0')),
    ...opt(3, ip('127.20.0.1')),
    ...opt(6, ip('127.0.0.1')),
    ...opt(12, ascii('nid0001')),
    ...opt(17, ascii('127.0.0.1')),
    ...opt(67, ascii('ipxe-x86_64.efi')),
    ...opt(82, [...opt(1, ascii('bench-relay/1')), 19, 0]),
    255,
  ];
  const out = Buffer.alloc(Math.max(300, 240 + options.length));
  b.copy(out, 0);
  out.set(options, 240);
  return out;
}

function ring(type: number): Buffer[] {
  const one = reply(type);
  return Array.from({ length: RING }, () => Buffer.from(one));
}

const offers = ring(2);
const acks = ring(5);
let next = 0;

const { address, port } = listenArg();
const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  if (msg.length < TYPE_AT + 1) return;
  const r = (msg[TYPE_AT] === 1 ? offers : acks)[next]!;
  next = (next + 1) & (RING - 1);
  msg.copy(r, XID_AT, XID_AT, XID_AT + 4);
  socket.send(r, rinfo.port, rinfo.address);
});
socket.on('error', (e) => console.error(`bare-responder: ${e.message}`));
socket.bind({ address, port }, () => console.error(`bare-responder listening on ${address}:${port}`));
const stop = () => socket.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
