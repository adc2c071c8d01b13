import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp, parseIPv4, type IpAddress } from '../../../../src/wire/addr.ts';
import { evaluate4, evaluate6, type RuleContext } from '../../../../src/dhcp/service/rules/evaluate.ts';
import { parseRule } from '../../../../src/dhcp/service/rules/parse-rule.ts';
import { makeRuleTarget, type Rule } from '../../../../src/dhcp/service/rules/rule.ts';

const ip = (s: string): IpAddress => parseIp(s)!;
const v4 = (s: string): number => parseIPv4(s)!;
const rules = (...texts: string[]): Rule[] => texts.map(parseRule);

describe('evaluate4 / evaluate6 (spec §3.7 I)', () => {
  const node = makeRuleTarget('x1000s0c0b0n0', 'Node', 7, [ip('172.16.0.10')]);
  const ctx: RuleContext = { globalDomain: 'cluster.local', ruleLog: 'none' };

  const cases: Array<[string, Rule[], typeof node, string, number[] | undefined]> = [
    [
      'type Node, hostname, domain override, two routers',
      rules('type:Node,hostname:nid{04d},domain:override.local,routers:192.0.2.1|192.0.2.2'),
      node,
      'nid0007.override.local',
      [v4('192.0.2.1'), v4('192.0.2.2')],
    ],
    ['routers only → fallback name', rules('routers:192.0.2.1'), node, 'unknown-0007.cluster.local', [v4('192.0.2.1')]],
    ['no rule matches → fallback', rules('type:NodeBMC,hostname:bmc{04d}'), node, 'unknown-0007.cluster.local', undefined],
    [
      'subnet checks only the first IP',
      rules('subnet:172.16.0.0/24,hostname:x'),
      makeRuleTarget('x1000s0c0b0n0', 'Node', 7, [ip('172.16.99.10'), ip('172.16.0.10')]),
      'unknown-0007.cluster.local',
      undefined,
    ],
  ];
  for (const [name, rs, target, hostname, routers] of cases) {
    test(name, () => {
      const d4 = evaluate4(target, rs, ctx);
      assert.equal(d4.respond, true);
      assert.equal(d4.hostname, hostname);
      assert.deepEqual(d4.routers, routers);
      const d6 = evaluate6(target, rs, ctx);
      assert.equal(d6.respond, true);
      assert.equal(d6.hostname, hostname);
    });
  }
});

describe('ignore (spec §3.7 I, second table)', () => {
  const ctx: RuleContext = { globalDomain: 'test.local', ruleLog: 'info' };
  const t4 = makeRuleTarget('x3000c0s0b0n0', 'Node', 5, [ip('172.16.0.10')]);
  const t6 = makeRuleTarget('x3000c0s0b0n0', 'Node', 5, [ip('2001:db8::1')]);
  const cases: Array<[string, boolean, string]> = [
    ['type:Node,ignore:true', false, ''],
    ['type:Node,hostname:test-{04d}', true, 'test-0005.test.local'],
    ['type:Node,ignore:true,hostname:test-{04d}', false, ''],
    ['type:RouterBMC,ignore:true', true, 'unknown-0005.test.local'],
  ];
  for (const [text, respond, hostname] of cases) {
    test(`${text} → respond=${respond}`, () => {
      for (const [decision, family] of [
        [evaluate4(t4, rules(text), ctx), 'v4'],
        [evaluate6(t6, rules(text), ctx), 'v6'],
      ] as const) {
        assert.equal(decision.respond, respond, family);
        assert.equal(decision.hostname, hostname, family);
        assert.equal(decision.ignoredBy, respond ? undefined : parseRule(text).name, family);
      }
    });
  }

  test('an ignore discards what earlier continue:true rules set', () => {
    const d = evaluate4(t4, rules('hostname:first,routers:10.0.0.1,continue:true', 'type:Node,ignore:true'), ctx);
    assert.equal(d.respond, false);
    assert.equal(d.routers, undefined);
    assert.equal(d.matched.length, 2);
  });
});

describe('continue, overwrite and netmask (spec §3.3)', () => {
  const ctx: RuleContext = { globalDomain: '', ruleLog: 'info' };
  const node = makeRuleTarget('x1', 'Node', 3, [ip('10.40.1.20')]);

  test('the first match stops unless continue:true; later matches overwrite', () => {
    const rs = rules('hostname:a{02d},routers:10.40.1.1,continue:true', 'hostname:b{02d}', 'hostname:never');
    const d = evaluate4(node, rs, ctx);
    assert.equal(d.hostname, 'b03');
    assert.deepEqual(d.routers, [v4('10.40.1.1')]);
    assert.deepEqual(d.matched, [rs[0]!.name, rs[1]!.name]);
  });

  const masks: Array<[string, string, number | undefined]> = [
    ['explicit cidr', 'hostname:x,cidr:22', v4('255.255.252.0')],
    ['explicit netmask', 'hostname:x,netmask:255.255.255.128', v4('255.255.255.128')],
    ['implied by an IPv4 subnet', 'subnet:10.40.0.0/16', v4('255.255.0.0')],
    ['explicit beats the subnet', 'subnet:10.40.0.0/16,cidr:24', v4('255.255.255.0')],
    // Fix (spec §3.3 step 4): the original sends 255.255.255.255 here.
    ['IPv6 subnet implies nothing for DHCPv4', 'subnet:fd00::/64|10.40.0.0/16,hostname:x', undefined],
    ['no subnet, no mask', 'hostname:x', undefined],
  ];
  for (const [name, text, want] of masks) {
    test(`netmask: ${name}`, () => assert.equal(evaluate4(node, rules(text), ctx).netmask, want));
  }

  test('a matching IPv6-only subnet rule still names the host in DHCPv6', () => {
    const t6 = makeRuleTarget('x1', 'Node', 3, [ip('fd00::20')]);
    const d = evaluate6(t6, rules('subnet:fd00::/64,hostname:v6-{02d}'), ctx);
    assert.equal(d.hostname, 'v6-03');
  });

  test('non-Node targets expand {Nd} with NID 0 (spec §3.5)', () => {
    const bmc = makeRuleTarget('x1b0', 'NodeBMC', 9, [ip('10.40.1.21')]);
    assert.equal(evaluate4(bmc, rules('type:NodeBMC,hostname:bmc{04d}'), ctx).hostname, 'bmc0000');
    assert.equal(evaluate4(bmc, [], ctx).hostname, 'unknown-0000');
  });
});

describe('rule logging (spec §3.3 Logging, with the override fix)', () => {
  const node = makeRuleTarget('x1', 'Node', 1, [ip('10.0.0.1')]);
  // [global rule_log, rule text, expected events]
  const cases: Array<[RuleContext['ruleLog'], string, string[]]> = [
    ['info', 'hostname:a', ['matched']],
    ['', 'hostname:a', ['matched']],
    ['none', 'hostname:a', []],
    ['debug', 'type:Other,hostname:a', ['not-matched']],
    ['info', 'type:Other,hostname:a', []],
    ['none', 'type:Other,hostname:a,log:debug', ['not-matched']],
    // Fixes: a rule's log:none silences it; log:info turns it on under rule_log=none.
    ['info', 'hostname:a,log:none', []],
    ['debug', 'type:Other,hostname:a,log:none', []],
    ['none', 'hostname:a,log:info', ['matched']],
    ['info', 'ignore:true', ['matched', 'ignored']],
    ['info', 'ignore:true,log:none', []],
    ['none', 'ignore:true,log:debug', ['matched', 'ignored']],
  ];
  for (const [ruleLog, text, events] of cases) {
    test(`rule_log=${ruleLog || "''"} ${text} → ${events.join(',') || 'silent'}`, () => {
      const d = evaluate4(node, rules(text), { globalDomain: '', ruleLog });
      assert.deepEqual(
        d.logs.map((l) => l.event),
        events,
      );
      for (const l of d.logs) {
        assert.equal(l.ruleIndex, 0);
        assert.equal(l.level, l.event === 'not-matched' ? 'debug' : 'info');
      }
    });
  }
});
