import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCidr, parseIp, type IpAddress } from '../../../../src/wire/addr.ts';
import { CandidateSelector, firstIPv4, type CandidateSource } from '../../../../src/dhcp/service/handlers/candidate-ips.ts';
import { ip } from './support.ts';

const ips = (...t: string[]): IpAddress[] => t.map((s) => parseIp(s)!);
const cidrs = (...t: string[]) => t.map((s) => parseCidr(s)!);
const texts = (l: readonly IpAddress[]) => l.map((a) => a.text);
const NODE = ips('fd00::8', '172.16.0.8', '10.1.0.8', '10.1.1.8');
const DIRECT = { serverAddress: ip('172.16.0.253'), serverPrefix: 24 };

describe('candidate addresses (spec §5.3, deterministic)', () => {
  const sel = new CandidateSelector(cidrs('10.1.0.0/16', '10.1.1.0/24', '10.2.0.0/16', 'fd00::/64'));
  const cases: Array<[string, string | undefined, typeof DIRECT, CandidateSource, string[], string | undefined]> = [
    ['relay in the /24 and the /16: the longest prefix wins', '10.1.1.1', DIRECT, 'relay-subnet', ['10.1.1.8'], '10.1.1.0/24'],
    ['relay only in the /16', '10.1.2.1', DIRECT, 'relay-subnet', ['10.1.0.8', '10.1.1.8'], '10.1.0.0/16'],
    ['relay in a subnet where the node has no address: nothing', '10.2.0.1', DIRECT, 'relay-subnet', [], '10.2.0.0/16'],
    ['relay in no subnet: every address, SMD order', '192.168.77.1', DIRECT, 'relay-unmatched', texts(NODE), undefined],
    ['direct: the ingress subnet is preferred', undefined, DIRECT, 'ingress-subnet', ['172.16.0.8'], undefined],
    ['direct on another link: the IPv4s there', undefined, { serverAddress: ip('10.1.1.253'), serverPrefix: 24 }, 'ingress-subnet', ['10.1.1.8'], undefined],
    ['direct, no address of ours on that link: every address', undefined, { serverAddress: ip('192.0.2.1'), serverPrefix: 24 }, 'all', texts(NODE), undefined],
    ['direct, ingress unknown: every address', undefined, { serverAddress: 0, serverPrefix: 0 }, 'all', texts(NODE), undefined],
  ];
  for (const [name, relay, ingress, source, want, subnet] of cases) {
    test(name, () => {
      const got = sel.select(NODE, relay === undefined ? undefined : ip(relay), ingress);
      assert.equal(got.source, source);
      assert.deepEqual(texts(got.ips), want);
      assert.equal(got.subnet?.text, subnet);
    });
  }

  test('without rule subnets a relayed request keeps every address (plain lookup)', () => {
    const got = new CandidateSelector([]).select(NODE, ip('10.1.1.1'), DIRECT);
    assert.equal(got.source, 'all');
    assert.deepEqual(texts(got.ips), texts(NODE));
  });

  test('overlapping subnets: the order they were written in does not matter', () => {
    for (const order of [cidrs('10.0.0.0/8', '10.1.0.0/16', '10.1.1.0/24'), cidrs('10.1.1.0/24', '10.0.0.0/8', '10.1.0.0/16')]) {
      const s = new CandidateSelector(order);
      assert.equal(s.subnetOf(ip('10.1.1.7'))?.text, '10.1.1.0/24');
      assert.equal(s.subnetOf(ip('10.1.9.7'))?.text, '10.1.0.0/16');
      assert.equal(s.subnetOf(ip('10.9.9.7'))?.text, '10.0.0.0/8');
      assert.equal(s.subnetOf(ip('11.0.0.1')), undefined);
    }
  });

  test('IPv6 subnets never hold a relay address', () => {
    assert.equal(new CandidateSelector(cidrs('::/0')).subnetOf(ip('10.0.0.1')), undefined);
  });
});

describe('the lease is the first IPv4 address', () => {
  const cases: Array<[string, string[], string | undefined]> = [
    ['IPv4 first', ['172.16.0.1', 'fd00::1'], '172.16.0.1'],
    ['IPv6 first (upstream leases 0.0.0.0 here)', ['fd00::1', '172.16.0.1'], '172.16.0.1'],
    ['IPv6 only', ['fd00::1'], undefined],
    ['empty (upstream panics here)', [], undefined],
  ];
  for (const [name, list, want] of cases) {
    test(name, () => {
      assert.equal(firstIPv4(ips(...list))?.text, want);
    });
  }
});
