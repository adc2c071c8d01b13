// Shared fixtures for the src/net unit tests: interface snapshots and a recording logger.
import { parseIPv4 } from '../../src/wire/addr.ts';
import { directedBroadcast, type Ipv4Interface } from '../../src/net/interfaces.ts';

export const ip = (s: string): number => {
  const v = parseIPv4(s);
  if (v === undefined) throw new Error(`bad test address ${s}`);
  return v;
};

/** An interface with one or more `a.b.c.d/p` addresses, up, MTU 1500. */
export function iface(name: string, cidrs: readonly string[], extra: Partial<Ipv4Interface> = {}): Ipv4Interface {
  return {
    name,
    loopback: false,
    up: true,
    mtu: 1500,
    addresses: cidrs.map((c) => {
      const [a, p] = c.split('/');
      const prefix = Number(p);
      return { address: ip(a!), prefix, broadcast: directedBroadcast(ip(a!), prefix) };
    }),
    ...extra,
  };
}

export const LO = iface('lo', ['127.0.0.1/8'], { loopback: true, mtu: 65536 });
export const ETH0 = iface('eth0', ['192.0.2.1/24']);
export const ETH1 = iface('eth1', ['198.51.100.1/24', '203.0.113.1/24']);

export { recordingLogger, type LogLine } from '../support/logger.ts';
