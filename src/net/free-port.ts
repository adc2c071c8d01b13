// A free UDP port on an address, for the demo and tests that ask for "any port" where a config
// file needs a real one. The port is free when this resolves; another process could still take
// it before the caller binds, which is acceptable on loopback.
import dgram from 'node:dgram';
import net from 'node:net';

export function findFreeUdpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.once('error', reject);
    s.bind(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function findFreeTcpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A port free for both UDP and TCP on `host` (DNS listens on both): a free UDP port whose TCP
 * twin may be held by another socket (an outgoing connection's ephemeral port) is skipped.
 */
export async function findFreeUdpTcpPort(host: string, tries = 20): Promise<number> {
  for (let i = 0; i < tries; i++) {
    const port = await findFreeUdpPort(host);
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, host, () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no port free for both UDP and TCP on ${host} after ${tries} tries`);
}
