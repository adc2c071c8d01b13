// Running commands from integration tests: capture, require success, poll until ready.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

export const has = (cmd: string, ...args: string[]): boolean => spawnSync(cmd, args, { stdio: 'ignore' }).error === undefined;

/** Runs a command to completion; `out` is stdout, stderr and any spawn error together. */
export function sh(cmd: string, args: readonly string[], o: { timeoutMs?: number; input?: string } = {}): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: o.timeoutMs ?? 30_000, ...(o.input === undefined ? {} : { input: o.input }) });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error === undefined ? '' : String(r.error)}` };
}

export function must(cmd: string, args: readonly string[]): string {
  const r = sh(cmd, args);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.out}`);
  return r.out;
}

/** Polls `probe` until it returns a value, failing with `diagnostics()` after `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined, diagnostics: () => string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`${what} within ${timeoutMs} ms\n${diagnostics()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A server and a client namespace joined by a veth pair made inside them (no interface ever
 * appears in the host's), the client's MAC set, the server addressed, everything up.
 */
export function makeNetnsPair(o: { srvNs: string; cliNs: string; srvIf: string; cliIf: string; srvIp: string; cliMac: string }): void {
  must('ip', ['netns', 'add', o.srvNs]);
  must('ip', ['netns', 'add', o.cliNs]);
  must('ip', ['link', 'add', o.srvIf, 'netns', o.srvNs, 'type', 'veth', 'peer', 'name', o.cliIf, 'netns', o.cliNs]);
  must('ip', ['-n', o.cliNs, 'link', 'set', o.cliIf, 'address', o.cliMac]);
  must('ip', ['-n', o.srvNs, 'addr', 'add', `${o.srvIp}/24`, 'dev', o.srvIf]);
  for (const [ns, dev] of [[o.srvNs, o.srvIf], [o.cliNs, o.cliIf], [o.srvNs, 'lo'], [o.cliNs, 'lo']] as const) must('ip', ['-n', ns, 'link', 'set', dev, 'up']);
}
