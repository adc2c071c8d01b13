// Runs scripts/netns-test.sh (real clients in throwaway network namespaces). Needs root and
// iproute2; CI runs as root, elsewhere this test skips and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/netns-test.sh', import.meta.url));
const isRoot = process.getuid?.() === 0;
const hasIp = spawnSync('ip', ['-V']).status === 0;

test('scripts/netns-test.sh passes in fresh network namespaces', { skip: !isRoot ? 'needs root for network namespaces' : !hasIp ? 'needs iproute2 (ip)' : false, timeout: 120_000 }, () => {
  const r = spawnSync('bash', [script], { encoding: 'utf8', timeout: 110_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /PASS {2}inventory over the veth lists node x1000c0s0b0n0/);
  assert.match(r.stdout, /netns-test: all passed/);
  assert.doesNotMatch(r.stdout, /FAIL/);
});
