// Throwaway network namespaces for the root-only transport tests. Every name carries this test
// process's PID (`cs<pid>…`), so parallel runs never collide and leftovers are recognisable.
// Cleanup kills every child by PID and deletes the namespaces by name (their veths go with
// them); nothing is created outside namespaces this lab made.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function canLoadRawSocket(): boolean {
  const r = spawnSync(process.execPath, ['-e', "require('raw-socket')"], { cwd: repoRoot });
  return r.status === 0;
}

/** Why the namespace tests cannot run here, or false when they can. */
export function netnsSkipReason(needRawSocket: boolean): string | false {
  if (process.platform !== 'linux') return 'needs Linux network namespaces';
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces and raw sockets';
  if (spawnSync('ip', ['-V']).status !== 0) return 'needs iproute2 (ip)';
  if (needRawSocket && !canLoadRawSocket()) return 'needs the raw-socket addon built in node_modules';
  return false;
}

export type JsonEvent = Readonly<Record<string, unknown>> & { readonly event: string };

/** A child speaking JSON lines on stdout, driven by lines on stdin. */
export class JsonChild {
  readonly name: string;
  readonly events: JsonEvent[] = [];
  readonly #proc: ChildProcess;
  readonly #waiters: { pred: (e: JsonEvent) => boolean; resolve: (e: JsonEvent) => void }[] = [];
  #stderr = '';
  readonly exited: Promise<number | null>;

  constructor(name: string, proc: ChildProcess) {
    this.name = name;
    this.#proc = proc;
    proc.stderr?.on('data', (d: Buffer) => {
      this.#stderr += d.toString();
    });
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let e: JsonEvent;
      try {
        e = JSON.parse(line) as JsonEvent;
      } catch {
        return;
      }
      this.events.push(e);
      for (const w of [...this.#waiters]) {
        if (w.pred(e)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    });
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  /** The first event (already seen or future) matching `pred`; rejects after `ms`. */
  waitFor(pred: (e: JsonEvent) => boolean, ms: number, what: string): Promise<JsonEvent> {
    const seen = this.events.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.findIndex((w) => w.resolve === done);
        if (i !== -1) this.#waiters.splice(i, 1);
        reject(new Error(`${this.name}: timed out after ${ms} ms waiting for ${what}\nevents: ${JSON.stringify(this.events)}\nstderr: ${this.#stderr}`));
      }, ms);
      const done = (e: JsonEvent): void => {
        clearTimeout(timer);
        resolve(e);
      };
      this.#waiters.push({ pred, resolve: done });
    });
  }

  send(line: string | object): void {
    this.#proc.stdin?.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);
  }

  /** Asks the child to quit, then kills it by PID if it does not. */
  async stop(): Promise<void> {
    if (this.#proc.exitCode !== null || this.#proc.signalCode !== null) return;
    this.send('quit');
    this.#proc.stdin?.end();
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 3000).unref());
    if ((await Promise.race([this.exited, timeout])) === 'timeout' && this.#proc.pid !== undefined) {
      try {
        process.kill(this.#proc.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await this.exited;
    }
  }
}

export class NetnsLab {
  /** Prefix of every namespace and link name: `cs` + this process's PID. */
  readonly tag = `cs${process.pid}`;
  readonly #namespaces: string[] = [];
  readonly #children: JsonChild[] = [];

  /** Creates namespace `<tag><suffix>` with lo up; returns its name. */
  ns(suffix: string): string {
    const name = `${this.tag}${suffix}`;
    run('ip', ['netns', 'add', name]);
    this.#namespaces.push(name);
    run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  /** A veth pair `a` in `nsA` ↔ `b` in `nsB`, with the given CIDR addresses, both up. */
  veth(nsA: string, a: string, cidrA: string, nsB: string, b: string, cidrB: string): void {
    run('ip', ['link', 'add', a, 'netns', nsA, 'type', 'veth', 'peer', 'name', b, 'netns', nsB]);
    run('ip', ['-n', nsA, 'addr', 'add', cidrA, 'dev', a]);
    run('ip', ['-n', nsB, 'addr', 'add', cidrB, 'dev', b]);
    run('ip', ['-n', nsA, 'link', 'set', a, 'up']);
    run('ip', ['-n', nsB, 'link', 'set', b, 'up']);
  }

  ip(ns: string, ...args: string[]): void {
    run('ip', ['-n', ns, ...args]);
  }

  /** Runs `node --import tsx <script> ...args` inside `ns`. */
  node(ns: string, name: string, script: string, args: readonly string[]): JsonChild {
    const proc = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', script, ...args], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const child = new JsonChild(name, proc);
    this.#children.push(child);
    return child;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.#children.map((c) => c.stop()));
    // By name: ours, plus any leftover carrying our PID tag (a crashed earlier attempt).
    const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
    const names = new Set(this.#namespaces);
    for (const line of listed.split('\n')) {
      const name = line.split(' ')[0] ?? '';
      if (name.startsWith(this.tag)) names.add(name);
    }
    for (const name of names) spawnSync('ip', ['netns', 'del', name]);
  }
}

function run(cmd: string, args: readonly string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
}
