import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dhcp4Ingress } from '../../src/dhcp/service/chain.ts';
import type { Dhcp4Route } from '../../src/dhcp/service/route.ts';
import { planDhcp4Send, type Dhcp4SendPlan, type Dhcp4TransportMode } from '../../src/net/dhcp4-send-plan.ts';
import { ip } from './support.ts';

const ingress: Dhcp4Ingress = {
  ifname: 'eth0',
  serverAddress: ip('192.0.2.1'),
  serverPrefix: 24,
  srcAddress: ip('192.0.2.100'),
  srcPort: 68,
  broadcast: true,
};
const BCAST = 0xffffffff;
const relay: Dhcp4Route = { kind: 'relay', address: ip('10.0.0.1'), port: 67 };
const unicast: Dhcp4Route = { kind: 'unicast', address: ip('192.0.2.100'), port: 68 };
const broadcast: Dhcp4Route = { kind: 'broadcast', ifname: 'eth0', port: 68 };
const rawOnEth0: Dhcp4SendPlan = {
  via: 'raw',
  ifname: 'eth0',
  header: { src: ip('192.0.2.1'), dst: BCAST, srcPort: 67, dstPort: 68, ttl: 64 },
};

describe('planDhcp4Send', () => {
  const cases: { mode: Dhcp4TransportMode; route: Dhcp4Route; want: Dhcp4SendPlan; name?: string; ingress?: Partial<Dhcp4Ingress> }[] = [
    { mode: 'raw', route: relay, want: { via: 'dgram', address: ip('10.0.0.1'), port: 67 } },
    { mode: 'raw', route: unicast, want: { via: 'dgram', address: ip('192.0.2.100'), port: 68 } },
    { mode: 'raw', route: broadcast, want: rawOnEth0 },
    {
      mode: 'raw',
      route: { kind: 'broadcast', ifname: 'eth5', port: 68 },
      name: 'raw, broadcast on an interface without a raw socket → dgram broadcast',
      want: { via: 'dgram', address: BCAST, port: 68 },
    },
    {
      mode: 'raw',
      route: broadcast,
      ingress: { serverAddress: 0 },
      name: 'raw, broadcast with no address of ours to send from → dgram broadcast',
      want: { via: 'dgram', address: BCAST, port: 68 },
    },
    { mode: 'dgram', route: relay, want: { via: 'dgram', address: ip('10.0.0.1'), port: 67 } },
    { mode: 'dgram', route: unicast, want: { via: 'dgram', address: ip('192.0.2.100'), port: 68 } },
    { mode: 'dgram', route: broadcast, want: { via: 'dgram', address: BCAST, port: 68 } },
    { mode: 'loopback', route: relay, want: { via: 'dgram', address: ip('10.0.0.1'), port: 67 } },
    { mode: 'loopback', route: broadcast, name: 'loopback, broadcast → back to the source address and port', want: { via: 'dgram', address: ip('192.0.2.100'), port: 68 } },
  ];
  for (const c of cases) {
    test(c.name ?? `${c.mode}, ${c.route.kind} → ${c.want.via}`, () => {
      const got = planDhcp4Send(c.route, { mode: c.mode, ingress: { ...ingress, ...c.ingress }, listenPort: 67, rawInterfaces: new Set(['eth0', 'eth1']) });
      assert.deepEqual(got, c.want);
    });
  }

  test('the raw header uses the listen port as UDP source port', () => {
    const got = planDhcp4Send(broadcast, { mode: 'raw', ingress, listenPort: 1067, rawInterfaces: new Set(['eth0']) });
    assert.equal(got.via === 'raw' ? got.header.srcPort : -1, 1067);
  });
});
