// A free UDP port on an address, for the demo and tests that ask for "any port" where a config
// file needs a real one. The port is free when this resolves; another process could still take
// it before the caller binds, which is acceptable on loopback.
import dgram from 'node:dgram';

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
