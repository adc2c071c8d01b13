// Real clients against the real command: `coresmd smd-sim` and `coresmd dns -conf FILE` run as
// processes on loopback high ports; ISC dig 9.18 and Knot kdig 3.2 ask over UDP and TCP, with and
// without EDNS; a small client of ours pipelines queries on one TCP connection; a node added to
// the simulator over its HTTP write API answers after one refresh. Skips (saying why) when dig
// or kdig is missing; .ci/run installs them (dnsutils, knot-dnsutils).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';
import { findFreeUdpTcpPort } from '../../src/net/free-port.ts';
import { decodeDnsMessage } from '../../src/dns/message.ts';
import { queryBytes } from '../dns/service/support.ts';

const BIN = fileURLToPath(new URL('../../bin/coresmd', import.meta.url));
const INVENTORY = fileURLToPath(new URL('../../examples/inventory.json', import.meta.url));
const has = (cmd: string, arg: string) => spawnSync(cmd, [arg]).error === undefined;
const skip = !has('dig', '-v') ? 'needs dig (Debian dnsutils)' : !has('kdig', '-V') ? 'needs kdig (Debian knot-dnsutils)' : false;

interface Dig {
  readonly status: string;
  readonly flags: readonly string[];
  readonly answer: readonly string[];
  readonly authority: readonly string[];
  readonly opt: boolean;
  readonly raw: string;
}

/** The parts of dig/kdig output the tests compare: status, flags, sections as `owner TTL CLASS TYPE RDATA`. */
function parseDig(out: string): Dig {
  const status = /status: ([A-Z]+)/.exec(out)?.[1] ?? '?';
  const flags = (/;; Flags: ([a-z ]+);|;; flags: ([a-z ]+);/.exec(out)?.slice(1).find((x) => x !== undefined) ?? '').trim().split(/\s+/);
  const section = (title: RegExp): string[] => {
    const lines = out.split('\n');
    const start = lines.findIndex((l) => title.test(l));
    if (start === -1) return [];
    const rows: string[] = [];
    for (const l of lines.slice(start + 1)) {
      if (l.trim() === '' || l.startsWith(';;')) break;
      rows.push(l.trim().split(/\s+/).join(' '));
    }
    return rows;
  };
  return {
    status,
    flags,
    answer: section(/^;; ANSWER SECTION:/),
    authority: section(/^;; AUTHORITY SECTION:/),
    opt: /OPT PSEUDOSECTION|;; EDNS PSEUDOSECTION/.test(out),
    raw: out,
  };
}

function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err !== null && stdout === '') reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Starts `coresmd ARGS`; resolves once its stdout has printed `lines` lines. */
async function startProcess(args: readonly string[], lines: number): Promise<{ child: ChildProcess; out: string[] }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      out.push(...parts);
      if (out.length >= lines) resolve();
    });
    child.on('exit', (code) => reject(new Error(`coresmd ${args.join(' ')} exited with ${code}\n${err}`)));
    setTimeout(() => reject(new Error(`coresmd ${args.join(' ')} did not start\n${err}`)), 15_000).unref();
  });
  return { child, out };
}

function postJson(url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('dig and kdig against coresmd dns backed by smd-sim', { skip }, () => {
  let tmp: string;
  let sim: ChildProcess | undefined;
  let dns: ChildProcess | undefined;
  let port: number;
  let smdUrl: string;
  const dig = async (...args: string[]) => parseDig(await run('dig', [`@127.0.0.1`, '-p', String(port), '+tries=1', '+timeout=2', ...args]));
  const kdig = async (...args: string[]) => parseDig(await run('kdig', [`@127.0.0.1`, '-p', String(port), '+retry=0', '+timeout=2', ...args]));

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'coresmd-dns-it-'));
    const simPort = await findFreeUdpTcpPort('127.0.0.1');
    port = await findFreeUdpTcpPort('127.0.0.1');
    smdUrl = `http://127.0.0.1:${simPort}`;
    sim = (await startProcess(['smd-sim', '--inventory', INVENTORY, '--listen', `127.0.0.1:${simPort}`], 1)).child;
    // A node with 100 addresses, for truncation.
    await postJson(`${smdUrl}/hsm/v2/State/Components`, { Components: [{ ID: 'x1000c0s7b0n0', Type: 'Node', State: 'On', NID: 100 }] });
    const ips = Array.from({ length: 100 }, (_, i) => ({ IPAddress: `10.100.0.${i + 1}` }));
    await postJson(`${smdUrl}/hsm/v2/Inventory/EthernetInterfaces`, { MACAddress: '02:00:00:00:07:00', ComponentID: 'x1000c0s7b0n0', IPAddresses: ips });
    const corefile = join(tmp, 'Corefile');
    writeFileSync(
      corefile,
      `# written by test/integration/dns-clients.test.ts
.:{$DNS_PORT} {
    bind 127.0.0.1
    errors
    coresmd {
        smd_url {$SMD_URL}
        cache_duration 1s
        zone openchami.cluster {
            nodes nid{03d}
        }
    }
}
`,
    );
    process.env['DNS_PORT'] = String(port);
    process.env['SMD_URL'] = smdUrl;
    try {
      dns = (await startProcess(['dns', '-conf', corefile, '--log-format', 'logfmt', '-L', 'warning'], 2)).child;
    } finally {
      delete process.env['DNS_PORT'];
      delete process.env['SMD_URL'];
    }
  });

  after(async () => {
    for (const c of [dns, sim]) {
      if (c === undefined || c.exitCode !== null) continue;
      c.kill('SIGTERM');
      await once(c, 'exit');
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  test('dig, UDP with EDNS: A with AA, owner in the query’s case, OPT at 1232', async () => {
    const r = await dig('NID001.OpenCHAMI.cluster', 'A');
    assert.equal(r.status, 'NOERROR');
    assert.ok(r.flags.includes('aa'), r.raw);
    assert.deepEqual(r.answer, ['NID001.OpenCHAMI.cluster. 60 IN A 172.16.0.1']);
    assert.match(r.raw, /udp: 1232/);
  });

  test('dig, UDP without EDNS: no OPT in the reply', async () => {
    const r = await dig('+noedns', 'nid003.openchami.cluster', 'AAAA');
    assert.deepEqual(r.answer, ['nid003.openchami.cluster. 60 IN AAAA fd00:172:16::3']);
    assert.equal(r.opt, false);
  });

  test('dig over TCP: the multi-NIC node’s whole RRset in SMD order', async () => {
    const r = await dig('+tcp', 'nid005.openchami.cluster');
    assert.deepEqual(r.answer, ['nid005.openchami.cluster. 60 IN A 172.16.0.5', 'nid005.openchami.cluster. 60 IN A 192.168.0.5']);
  });

  test('dig -x: PTR to the xname, IPv4 and IPv6', async () => {
    assert.deepEqual((await dig('-x', '172.16.0.101')).answer, ['101.0.16.172.in-addr.arpa. 60 IN PTR x1000c0s0b0.openchami.cluster.']);
    assert.deepEqual((await dig('-x', 'fd00:172:16::1')).answer, ['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.1.0.0.2.7.1.0.0.0.d.f.ip6.arpa. 60 IN PTR x1000c0s0b0n0.openchami.cluster.']);
  });

  test('dig: NXDOMAIN and NODATA carry the zone’s SOA; SOA and NS at the apex', async () => {
    const nx = await dig('nid999.openchami.cluster');
    assert.equal(nx.status, 'NXDOMAIN');
    assert.ok(nx.flags.includes('aa'));
    assert.match(nx.authority[0] ?? '', /^openchami\.cluster\. 60 IN SOA ns\.dns\.openchami\.cluster\. hostmaster\.openchami\.cluster\. \d+ 7200 1800 86400 60$/);
    const nodata = await dig('nid002.openchami.cluster', 'AAAA');
    assert.deepEqual([nodata.status, nodata.answer.length, nodata.authority.length], ['NOERROR', 0, 1]);
    assert.equal((await dig('openchami.cluster', 'SOA')).answer.length, 1);
    assert.deepEqual((await dig('openchami.cluster', 'NS')).answer, ['openchami.cluster. 60 IN NS ns.dns.openchami.cluster.']);
  });

  test('dig: a name outside the zones is REFUSED (no forward configured), never SERVFAIL', async () => {
    assert.equal((await dig('example.com')).status, 'REFUSED');
  });

  test('dig: EDNS version 1 gets BADVERS', async () => {
    assert.equal((await dig('+edns=1', '+noednsnegotiation', 'nid001.openchami.cluster')).status, 'BADVERS');
  });

  test('dig, UDP without EDNS: the 100-address node is truncated (TC, no partial RRset); dig then retries over TCP and gets all 100', async () => {
    const tc = await dig('+noedns', '+ignore', '+notcp', 'nid100.openchami.cluster');
    assert.ok(tc.flags.includes('tc'), tc.raw);
    assert.equal(tc.answer.length, 0);
    const full = await dig('+noedns', 'nid100.openchami.cluster');
    assert.equal(full.answer.length, 100);
    assert.match(full.raw, /\(TCP\)/);
  });

  test('dig with EDNS 4096: still truncated at our 1232 limit', async () => {
    const r = await dig('+bufsize=4096', '+ignore', 'nid100.openchami.cluster');
    assert.ok(r.flags.includes('tc'), r.raw);
    assert.match(r.raw, /MSG SIZE {2}rcvd: (\d+)/);
    assert.ok(Number(/MSG SIZE {2}rcvd: (\d+)/.exec(r.raw)![1]) <= 1232);
  });

  test('kdig, UDP with and without EDNS', async () => {
    const a = await kdig('+edns', 'x1000c0s0b2.openchami.cluster');
    assert.deepEqual(a.answer, ['x1000c0s0b2.openchami.cluster. 60 IN A 172.16.0.103']);
    assert.ok(a.opt, a.raw);
    const b = await kdig('+noedns', 'nid004.openchami.cluster');
    assert.deepEqual(b.answer, ['nid004.openchami.cluster. 60 IN A 172.16.0.4']);
    assert.equal(b.opt, false);
  });

  test('kdig over TCP, several queries on one kept-open connection', async () => {
    const out = await run('kdig', ['@127.0.0.1', '-p', String(port), '+tcp', '+keepopen', '+retry=0', 'nid001.openchami.cluster', 'nid002.openchami.cluster', 'nid003.openchami.cluster', 'AAAA']);
    assert.equal((out.match(/status: NOERROR/g) ?? []).length, 3, out);
    assert.match(out, /nid003\.openchami\.cluster\.\s+60\s+IN\s+AAAA\s+fd00:172:16::3/);
    assert.match(out, /\(TCP\)/);
  });

  test('kdig, truncated over UDP without +ignore falls back to TCP and gets the whole RRset', async () => {
    const r = await kdig('+noedns', 'nid100.openchami.cluster');
    assert.equal(r.answer.length, 100);
  });

  test('pipelined: 20 queries in one TCP write, 20 replies on the same connection', async () => {
    const c = net.connect({ host: '127.0.0.1', port });
    await once(c, 'connect');
    const names = Array.from({ length: 20 }, (_, i) => `nid00${(i % 5) + 1}.openchami.cluster.`);
    const frames = names.map((n, i) => {
      const q = queryBytes(n, { id: 1000 + i });
      return Buffer.concat([Buffer.from([q.length >> 8, q.length & 255]), q]);
    });
    c.write(Buffer.concat(frames));
    const ids = await new Promise<number[]>((resolve, reject) => {
      let buf = Buffer.alloc(0);
      const got: number[] = [];
      c.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const m = decodeDnsMessage(buf.subarray(2, 2 + buf.readUInt16BE(0)));
          if (!m.ok) return reject(m.error);
          assert.ok(m.value.answers.length >= 1);
          got.push(m.value.header.id);
          buf = buf.subarray(2 + buf.readUInt16BE(0));
          if (got.length === names.length) resolve(got);
        }
      });
      setTimeout(() => reject(new Error(`only ${got.length} replies`)), 5000).unref();
    });
    c.destroy();
    assert.deepEqual(ids, names.map((_, i) => 1000 + i));
  });

  test('a node added to smd-sim answers after one refresh (cache_duration 1s)', async () => {
    assert.equal((await dig('nid042.openchami.cluster')).status, 'NXDOMAIN');
    assert.equal(await postJson(`${smdUrl}/hsm/v2/State/Components`, { Components: [{ ID: 'x1000c0s4b0n0', Type: 'Node', State: 'On', NID: 42 }] }), 204);
    assert.equal(await postJson(`${smdUrl}/hsm/v2/Inventory/EthernetInterfaces`, { MACAddress: '52:54:00:be:ef:42', ComponentID: 'x1000c0s4b0n0', IPAddresses: [{ IPAddress: '172.16.0.42' }] }), 201);
    const deadline = Date.now() + 5000;
    let r = await dig('nid042.openchami.cluster');
    while (r.answer.length === 0 && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 200));
      r = await dig('nid042.openchami.cluster');
    }
    assert.deepEqual(r.answer, ['nid042.openchami.cluster. 60 IN A 172.16.0.42']);
    assert.deepEqual((await kdig('-x', '172.16.0.42')).answer, ['42.0.16.172.in-addr.arpa. 60 IN PTR x1000c0s4b0n0.openchami.cluster.']);
  });
});
