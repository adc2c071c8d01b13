// Child processes of the TFTP benchmark: servers, relays and clients. Every long-lived process
// started here is recorded and killed by its PID on exit, on failure and on Ctrl-C (killAll);
// nothing is ever killed by name.

import { spawn, type ChildProcess } from 'node:child_process';
import { StartedPids, stopPid } from '../support/server-process.ts';

const started = new StartedPids();

/** SIGKILLs every long-lived process this module started that is still running (by PID). */
export function killAll(): void {
  started.killAll();
}

export interface LongProcess {
  readonly name: string;
  readonly pid: number;
  alive(): boolean;
  /** The last 16 KiB the process wrote (stdout and stderr). */
  output(): string;
  /** Resolves with the first output line matching `re` (rejects if the process exits first or after `timeoutMs`). */
  line(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `argv` pinned to `cpu` (taskset execs it: the PID is the program's). */
export function startLong(name: string, cpu: number, argv: readonly string[], cwd?: string): LongProcess {
  const child: ChildProcess = spawn('taskset', ['-c', String(cpu), ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${argv.join(' ')}`);
  const pid = child.pid;
  started.add(pid);
  let exited = false;
  let tail = '';
  const waiters = new Set<() => void>();
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-16_384);
    for (const w of waiters) w();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      started.delete(pid);
      for (const w of waiters) w();
      resolve();
    }),
  );
  return {
    name,
    pid,
    alive: () => !exited,
    output: () => tail,
    line(re, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const l of tail.split('\n')) {
            const m = l.match(re);
            if (m !== null) {
              done();
              resolve(m);
              return;
            }
          }
          if (exited) {
            done();
            reject(new Error(`${name} exited before printing ${re}: ${tail.slice(-2000)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name}: no ${re} within ${timeoutMs} ms: ${tail.slice(-2000)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 5000) {
      if (!exited) await stopPid(pid, gone, graceMs);
    },
  };
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From the spawn call to the exit event, ms. */
  readonly ms: number;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Process groups of running shells (runTimed with `group`), killed whole on exit. */
const groups = new Set<number>();

/** SIGKILLs the process groups of shells still running (their background clients included). */
export function killAllGroups(): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  groups.clear();
}

/**
 * Runs a short-lived command (a client, or a shell that starts many) and times it from the
 * spawn call to its exit. It inherits this process's CPU affinity. SIGKILLed after `timeoutMs`;
 * with `group` it runs in its own process group and the whole group is killed (a shell's
 * background clients too).
 */
export function runTimed(argv: readonly string[], timeoutMs: number, group = false): Promise<RunResult> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], detached: group });
    const pid = child.pid;
    if (pid !== undefined) (group ? groups : started).add(pid);
    let stderr = '';
    let timedOut = false;
    child.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-4000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) {
        try {
          process.kill(group ? -pid : pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, ms: Number(process.hrtime.bigint() - t0) / 1e6, stderr: e.message, timedOut });
    });
    child.once('exit', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      clearTimeout(timer);
      if (pid !== undefined) {
        if (group) {
          // The shell waited for its clients; anything left in the group is killed now.
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // The group is empty.
          }
          groups.delete(pid);
        } else {
          started.delete(pid);
        }
      }
      resolve({ code, signal, ms, stderr, timedOut });
    });
  });
}
