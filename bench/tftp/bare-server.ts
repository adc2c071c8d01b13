// The least a Node TFTP server can do, as a reference for bench/tftp.ts ("bare"): what one
// Node process and node:dgram cost per block, with none of our server's checks. Files are read
// whole into memory on first request; blksize and windowsize are taken as asked (no MTU clamp);
// no retransmission, no tsize, no TID check, no netascii. Never a real server: a floor.
//
//   node bench/tftp/bare-server.ts --root DIR --listen 127.0.0.1:PORT
//
// Per transfer: a socket connected to the client (so sends skip the address lookup), the next
// window sent synchronously from the ACK handler, one preallocated packet buffer per block slot.

import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : process.argv[i + 1];
  if (v === undefined) throw new Error(`missing --${name}`);
  return v;
}

const root = arg('root');
const [host, portText] = arg('listen').split(':') as [string, string];
const files = new Map<string, Buffer>();

function cString(b: Buffer, at: number): [string, number] {
  const end = b.indexOf(0, at);
  return end === -1 ? ['', b.length] : [b.toString('latin1', at, end), end + 1];
}

function serve(req: Buffer, client: dgram.RemoteInfo): void {
  let [name, at] = cString(req, 2);
  [, at] = cString(req, at); // mode
  const opts: [string, string][] = [];
  while (at < req.length) {
    const [k, a1] = cString(req, at);
    const [v, a2] = cString(req, a1);
    opts.push([k.toLowerCase(), v]);
    at = a2;
  }
  let file = files.get(name);
  if (file === undefined) {
    file = readFileSync(join(root, name));
    files.set(name, file);
  }
  const data = file;
  let blksize = 512;
  let windowsize = 1;
  const oack: string[] = [];
  for (const [k, v] of opts) {
    if (k === 'blksize') blksize = Number(v);
    else if (k === 'windowsize') windowsize = Number(v);
    else if (k === 'tsize') {
      oack.push(k, String(data.length));
      continue;
    } else continue;
    oack.push(k, v);
  }
  const last = Math.floor(data.length / blksize) + 1;
  const packets = Array.from({ length: windowsize }, () => Buffer.allocUnsafe(4 + blksize));
  const sock = dgram.createSocket('udp4');
  let next = 1; // first block of the current window
  let oackPending = oack.length > 0;
  const sendWindow = () => {
    for (let k = 0; k < windowsize && next + k <= last; k++) {
      const i = next + k;
      const p = packets[k]!;
      p.writeUInt16BE(3, 0);
      p.writeUInt16BE(i & 0xffff, 2);
      const n = data.copy(p, 4, (i - 1) * blksize, Math.min(i * blksize, data.length));
      sock.send(p.subarray(0, 4 + n));
    }
  };
  sock.on('message', (m) => {
    if (m.readUInt16BE(0) !== 4) return;
    const wire = m.readUInt16BE(2);
    const base = next - 1;
    const acked = base + ((wire - (base & 0xffff) + 0x10000) & 0xffff);
    if (acked >= last) {
      sock.close();
      return;
    }
    if (acked === base) {
      if (!oackPending) return; // a duplicate ACK: ignored
      oackPending = false; // ACK 0 of the OACK
    }
    next = acked + 1;
    sendWindow();
  });
  sock.bind(0, host, () => {
    sock.connect(client.port, client.address, () => {
      if (oack.length > 0) sock.send(Buffer.concat([Buffer.from([0, 6]), ...oack.map((s) => Buffer.from(`${s}\0`, 'latin1'))]));
      else sendWindow();
    });
  });
}

const listener = dgram.createSocket('udp4');
listener.on('message', (m, rinfo) => {
  if (m.readUInt16BE(0) === 1) {
    try {
      serve(m, rinfo);
    } catch (e) {
      const msg = Buffer.from(`\0\x05\0\x01${(e as Error).message.slice(0, 80)}\0`, 'latin1');
      listener.send(msg, rinfo.port, rinfo.address);
    }
  }
});
listener.bind(Number(portText), host, () => process.stdout.write(`bare tftp on ${host}:${portText}\n`));
process.on('SIGTERM', () => process.exit(0));
