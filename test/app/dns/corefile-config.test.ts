// Loading Corefiles: the spec's setup cases (coresmd-dns §2.6), every example Corefile of the
// spec, and errors that name file:line:col and the reason.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigErrors } from '../../../src/app/config/config-error.ts';
import { parseCorefile, readCorefile } from '../../../src/app/dns/corefile-config.ts';
import { DNS_DIRECTIVES } from '../../../src/app/dns/directives.ts';
import type { CorefileConfig } from '../../../src/app/dns/dns-config.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/corefile/', import.meta.url));

function load(body: string, env: Record<string, string> = {}): CorefileConfig {
  return parseCorefile(body, 'Corefile', { env });
}

/** The errors of a Corefile that must not load, as `line:col: key: message` strings. */
function errorsOf(body: string): string[] {
  try {
    load(body);
  } catch (e) {
    assert.ok(e instanceof ConfigErrors, String(e));
    return e.errors.map((x) => String(x).replace(/^Corefile:/, ''));
  }
  assert.fail('expected the Corefile to be rejected');
}

const inBlock = (lines: string) => `.:1053 {\n${lines}\n}\n`;

describe('Corefile: the setup cases of spec §2.6', () => {
  test('smd_url, ca_cert and cache_duration are stored', () => {
    const c = load(inBlock('coresmd {\n  smd_url https://smd.cluster.local\n  ca_cert /path/to/ca.crt\n  cache_duration 30s\n}')).blocks[0]!.coresmd!;
    assert.deepEqual([c.smdUrl, c.caCert, c.cacheDurationMs], ['https://smd.cluster.local', '/path/to/ca.crt', 30_000]);
  });

  test('two zones in order, with blank lines inside their blocks', () => {
    const c = load(inBlock('coresmd {\n smd_url https://s\n ca_cert /c\n zone openchami.cluster {\n\n  nodes nid{04d}\n\n }\n zone internal.openchami.cluster {\n  nodes nid{03d}\n }\n}')).blocks[0]!.coresmd!;
    assert.deepEqual(c.zones, [
      { name: 'openchami.cluster', pattern: 'nid{04d}' },
      { name: 'internal.openchami.cluster', pattern: 'nid{03d}' },
    ]);
  });

  test('no smd_url: exactly "smd_url is required"', () => {
    assert.deepEqual(errorsOf(inBlock('coresmd {\n cache_duration 30s\n}')), ['2:1: coresmd: smd_url is required']);
  });

  test('only smd_url: cache_duration 30s; the default zone cluster.local / nid{04d}, with a warning', () => {
    const cfg = load(inBlock('coresmd {\n smd_url https://s\n}'));
    const c = cfg.blocks[0]!.coresmd!;
    assert.deepEqual([c.cacheDurationMs, c.ttl, c.zones], [30_000, 60, [{ name: 'cluster.local', pattern: 'nid{04d}' }]]);
    assert.equal(cfg.warnings.length, 1);
  });

  test('smd_url, cache_duration and one zone', () => {
    const c = load(inBlock('coresmd {\n smd_url https://demo.openchami.cluster:8443\n cache_duration 30s\n zone openchami.cluster {\n  nodes nid{04d}\n }\n}')).blocks[0]!.coresmd!;
    assert.equal(c.zones.length, 1);
  });

  test('an unknown directive inside coresmd', () => {
    assert.match(errorsOf(inBlock('coresmd {\n smd_url https://s\n unknown_directive value\n}'))[0]!, /unknown directive 'unknown_directive'/);
  });

  test('smd_url without an argument', () => {
    assert.deepEqual(errorsOf(inBlock('coresmd {\n smd_url\n}')), ['2:1: coresmd: smd_url is required', "3:2: smd_url: wrong argument count or unexpected line ending after 'smd_url'"]);
  });

  test('the full block: cache_duration 60s, zones cluster.local/nid{04d} and test.local/node{03d}', () => {
    const c = load(readFixture('setup-full.Corefile')).blocks[0]!.coresmd!;
    assert.deepEqual([c.smdUrl, c.caCert, c.cacheDurationMs, c.ttl], ['https://smd.cluster.local', '/path/to/ca.crt', 60_000, 30]);
    assert.deepEqual(c.zones, [
      { name: 'cluster.local', pattern: 'nid{04d}' },
      { name: 'test.local', pattern: 'node{03d}' },
    ]);
  });

  test('the plugin is named coresmd', () => {
    assert.ok(DNS_DIRECTIVES.some((d) => d.name === 'coresmd'));
  });
});

function readFixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

describe('Corefile: every example of the spec loads', () => {
  const env = {
    DNS_PORT: '53',
    METRICS_ADDR: '0.0.0.0:9153',
    CLUSTER_IP: '172.16.0.254',
    FORWARDERS: '10.15.3.42',
    SMD_URL: 'https://demo.openchami.cluster:8443',
    CA_CERT: '/etc/pki/ca.pem',
    CACHE_DURATION: '30s',
    DOMAIN: 'openchami.cluster',
    SHORTNAME: 'nid',
  };
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.Corefile')).sort();
  test('there are fixtures', () => assert.ok(files.length >= 7));
  for (const f of files) {
    test(f, () => {
      const cfg = readCorefile(`${FIXTURES}${f}`, { env });
      assert.ok(cfg.blocks.length >= 1);
      assert.ok(cfg.blocks.some((b) => b.coresmd !== undefined));
    });
  }

  test('the OpenCHAMI tutorial: port 53, bound to 172.16.0.254, de{02d}, ready, no forward', () => {
    const b = readCorefile(`${FIXTURES}openchami-tutorial.Corefile`, { env: {} }).blocks[0]!;
    assert.deepEqual(b.keys.map((k) => [k.zone, k.port]), [['.', 53]]);
    assert.deepEqual(b.bind.map((x) => (x.kind === 'address' ? x.address : x.name)), ['172.16.0.254']);
    assert.deepEqual(b.coresmd?.zones, [{ name: 'openchami.cluster', pattern: 'de{02d}' }]);
    assert.deepEqual([b.ready?.host, b.ready?.port], ['', 8181]);
    assert.deepEqual([b.prometheus?.host, b.prometheus?.port], ['0.0.0.0', 9153]);
    assert.equal(b.forward, undefined);
  });

  test('deployment-recipes with its variables from the environment equals the rendered one', () => {
    const rendered = readCorefile(`${FIXTURES}deployment-recipes.Corefile`, { env: {} }).blocks[0]!;
    const templ = readCorefile(`${FIXTURES}deployment-recipes-env.Corefile`, { env: { ...env, FORWARDERS: '10.15.3.42', CA_CERT: '/etc/pki/ca-trust/source/anchors/ochami.pem' } }).blocks[0]!;
    assert.deepEqual(templ.coresmd?.zones, rendered.coresmd?.zones);
    assert.equal(templ.coresmd?.smdUrl, rendered.coresmd?.smdUrl);
    assert.equal(templ.coresmd?.caCert, rendered.coresmd?.caCert);
    assert.deepEqual(templ.keys.map((k) => k.port), [53]);
  });

  test('the full setup: keys on 1053, bind, health lameduck, log, errors, forward options', () => {
    const cfg = readCorefile(`${FIXTURES}setup-full.Corefile`, { env: {} });
    const [a, b] = cfg.blocks;
    assert.deepEqual(a!.keys.map((k) => `${k.zone}:${k.port}`), ['cluster.local.:1053', 'test.local.:1053']);
    assert.deepEqual(a!.bind.map((x) => (x.kind === 'address' ? x.address : x.name)), ['127.0.0.1', '::1']);
    assert.equal(a!.health?.lameduckMs, 2000);
    assert.deepEqual([a!.errors, a!.log?.names], [true, ['.']]);
    assert.deepEqual(b!.keys.map((k) => `${k.zone}:${k.port}`), ['.:53']);
    assert.deepEqual(b!.forward?.to.map((u) => `${u.host}#${u.port}`), ['127.0.0.53#53', '::1#5353']);
    assert.deepEqual([b!.forward?.except, b!.forward?.policy, b!.forward?.preferUdp, b!.forward?.maxConcurrent], [['cluster.local.', 'test.local.'], 'sequential', true, 100]);
  });
});

describe('Corefile: what stops start-up, with file:line:col and the reason', () => {
  const coresmd = (inner: string) => inBlock(`coresmd {\n smd_url https://s\n${inner}\n}`);
  const cases: readonly [name: string, body: string, want: string][] = [
    ['coresmd block opened on the next line', inBlock('coresmd\n{\n smd_url https://s\n}'), "3:1: coresmd: the '{' of 'coresmd' must be on the same line as 'coresmd'"],
    ['cache_duration without unit', coresmd(' cache_duration 30'), '4:17: cache_duration: cache_duration: time: missing unit in duration "30"'],
    ['cache_duration in days', coresmd(' cache_duration 1d'), '4:17: cache_duration: cache_duration: time: unknown unit "d" in duration "1d"'],
    ['cache_duration 0s (the original crashes)', coresmd(' cache_duration 0s'), "4:17: cache_duration: cache_duration must be at least 1ms, got '0s' (the original crashes on it)"],
    ['negative cache_duration', coresmd(' cache_duration -5s'), "4:17: cache_duration: cache_duration must be at least 1ms, got '-5s' (the original crashes on it)"],
    ['a stray token after a value', coresmd(' cache_duration 30 s'), "4:20: cache_duration: wrong argument count or unexpected line ending after 's'"],
    ['smd_url twice', coresmd(' smd_url https://t'), '4:2: smd_url: smd_url already specified'],
    ['smd_url not a URL', inBlock('coresmd {\n smd_url not-a-url\n}'), "3:10: smd_url: smd_url 'not-a-url' is not a URL"],
    ['smd_url with another scheme', inBlock('coresmd {\n smd_url ftp://h/x\n}'), "3:10: smd_url: smd_url 'ftp://h/x' has scheme ftp; expected http, https or file"],
    ['zone without a block', coresmd(' zone a.local\n nodes x{02d}'), "4:7: zone: expected '{' after zone name"],
    ['unknown zone directive (bmcs)', coresmd(' zone a.local {\n  bmcs bmc{03d}\n }'), "5:3: zone: unknown zone directive 'bmcs'"],
    ['nodes twice', coresmd(' zone a.local {\n  nodes a{02d}\n  nodes b{02d}\n }'), "6:3: nodes: duplicate 'nodes' directive in zone 'a.local'"],
    ['nodes with a stray token', coresmd(' zone a.local {\n  nodes nid{04d} x\n }'), "5:18: nodes: wrong argument count or unexpected line ending after 'x'"],
    ['the same zone twice', coresmd(' zone a.local {\n }\n zone A.local. {\n }'), "6:7: zone: zone 'A.local.' is already defined at line 4"],
    ['a zone that is no domain name', coresmd(' zone a..b {\n }'), "4:7: zone: zone 'a..b' is not a domain name"],
    ['ttl out of range', coresmd(' ttl 100000'), "4:6: ttl: ttl must be 0..86400 seconds, got '100000'"],
    ['an unknown directive', inBlock('foo bar'), "2:1: foo: unknown directive 'foo'"],
    ['a CoreDNS directive coresmd-ts does not implement', inBlock('cache 30'), "2:1: cache: directive 'cache' is not supported by coresmd-ts"],
    ['forward without upstream', inBlock('forward .'), "2:9: forward: wrong argument count or unexpected line ending after '.'"],
    ['forward to TLS', inBlock('forward . tls://9.9.9.9'), "2:11: forward: upstream 'tls://9.9.9.9': only plain DNS (dns://) upstreams are supported"],
    ['forward to a name', inBlock('forward . dns.google'), "2:11: forward: upstream 'dns.google' is not an IP address, IP:PORT or a resolv.conf path"],
    ['forward option not implemented', inBlock('forward . 8.8.8.8 {\n health_check 5s\n}'), "3:2: health_check: forward option 'health_check' is not supported by coresmd-ts"],
    ['forward policy', inBlock('forward . 8.8.8.8 {\n policy fastest\n}'), "3:9: policy: unknown policy 'fastest'; expected random, round_robin, sequential"],
    ['forward twice in one block', inBlock('forward . 8.8.8.8\nforward . 9.9.9.9'), "3:1: forward: 'forward' is already configured in this server block at line 2"],
    ['a resolv.conf that is missing', inBlock('forward . /nonexistent/resolv.conf'), '2:11: forward: cannot read /nonexistent/resolv.conf'],
    ['bind to something else', inBlock('bind 300.1.1.1'), "2:6: bind: bind '300.1.1.1' is neither an IP address nor an interface name"],
    ['prometheus on a bad address', inBlock('prometheus 0.0.0.0:99999'), "2:12: prometheus: prometheus address '0.0.0.0:99999' is not HOST:PORT (an IP address or localhost, and a port 1-65535)"],
    ['a server port out of range', '.:70000 {\n}', "1:1: server: server block '.:70000': port must be 1-65535"],
    ['a TLS server block', 'tls://.:853 {\n}', "1:1: server: server block 'tls://.:853': only dns:// servers are supported"],
    ['the same zone and port twice', '.:1053 {\n}\n.:1053 {\n}', '3:1: server: zone . on port 1053 is already served by the block at line 1'],
    ['an empty file', '# nothing\n', '1:1: no server block; expected something like `.:53 { coresmd { ... } }`'],
    ['log class', inBlock('log {\n class often\n}'), "3:8: class: unknown log class 'often'; expected all, success, denial or error"],
  ];
  for (const [name, body, want] of cases) {
    test(name, () => {
      const errs = errorsOf(body);
      assert.ok(errs.some((e) => e.startsWith(want)), `wanted ${want}\ngot:\n${errs.join('\n')}`);
    });
  }

  test('every error of the file at once, in file order', () => {
    const errs = errorsOf('.:1053 {\n foo\n coresmd {\n  cache_duration 1d\n }\n bar\n}');
    assert.deepEqual(errs.map((e) => e.split(':').slice(0, 2).join(':')), ['2:2', '3:2', '4:18', '6:2']);
  });

  test('the message carries the file name', () => {
    try {
      parseCorefile(inBlock('foo'), '/etc/coredns/Corefile', { env: {} });
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof ConfigErrors);
      assert.match(e.message, /\/etc\/coredns\/Corefile:2:1: foo: unknown directive 'foo'/);
    }
  });
});

describe('Corefile: warnings that do not stop start-up', () => {
  test('words between coresmd and { are ignored with a warning', () => {
    const cfg = load(inBlock('coresmd extra words {\n smd_url https://s\n zone c.local {\n }\n}'));
    assert.match(cfg.warnings.map(String).join('\n'), /words after 'coresmd' are ignored: extra words/);
  });
  test('ca_cert given twice: the last one wins', () => {
    const cfg = load(inBlock('coresmd {\n smd_url https://s\n ca_cert /a\n ca_cert /b\n zone c.local {\n }\n}'));
    assert.equal(cfg.blocks[0]!.coresmd!.caCert, '/b');
    assert.equal(cfg.warnings.length, 1);
  });
  test('a zone the block’s keys do not cover', () => {
    const cfg = load('example.org:1053 {\n coresmd {\n  smd_url https://s\n  zone cluster.local {\n  }\n }\n}');
    assert.match(cfg.warnings.map(String).join('\n'), /zone cluster.local is outside this server block/);
  });
  test('several coresmd stanzas in one block are one plugin (zones accumulate)', () => {
    const c = load(inBlock('coresmd {\n smd_url https://s\n zone a.local {\n }\n}\ncoresmd {\n zone b.local {\n  nodes n{02d}\n }\n}')).blocks[0]!.coresmd!;
    assert.deepEqual(c.zones.map((z) => z.name), ['a.local', 'b.local']);
  });
  test('a server key without a port uses -dns.port', () => {
    const cfg = parseCorefile('example.org {\n}', 'Corefile', { env: {}, defaultPort: 1053 });
    assert.deepEqual(cfg.blocks[0]!.keys.map((k) => [k.zone, k.port]), [['example.org.', 1053]]);
  });
});
