// The server processes of the load benchmarks (bench/dhcp4-load.ts, bench/dhcp6-load.ts):
// each pinned to one core with taskset, the generator on the other. Every process started here
// is recorded and killed by its PID on exit, on failure and on Ctrl-C (killAllStarted).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export interface ServerLaunch<N extends string = string> {
  readonly name: N;
  readonly version: string;
  /** What the replies are checked for: the bare responder cannot know the reserved address. */
  readonly checkAddress: boolean;
  readonly argv: readonly string[];
  /** Extra environment (Kea's pid/lock file directories). */
  readonly env?: Readonly<Record<string, string>>;
  /** How the server is configured, one line per setting that matters, for the report. */
  readonly notes: readonly string[];
}

export interface RunningServer<N extends string = string> {
  readonly name: N;
  readonly pid: number;
  alive(): boolean;
  /** The last lines the server wrote on stderr/stdout (diagnostics). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** PIDs a bench started and has not seen exit: SIGKILLed by PID (never by name) on any exit. */
export class StartedPids extends Set<number> {
  killAll(): void {
    for (const pid of this) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    this.clear();
  }
}

const started = new StartedPids();

/** Kills every process this module started that is still running (by PID, SIGKILL). */
export function killAllStarted(): void {
  started.killAll();
}

/** CPU the server is pinned to; the generator takes the other one. */
export const SERVER_CPU = 1;
export const GENERATOR_CPU = 0;

/** `logFile`: also append everything the server writes there (--server-logs). */
export function startPinned<N extends string>(launch: ServerLaunch<N>, logFile?: string): RunningServer<N> {
  const argv = ['-c', String(SERVER_CPU), ...launch.argv];
  const child: ChildProcess = spawn('taskset', argv, {
    cwd: repoRoot, // node --import tsx resolves tsx from here
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...launch.env },
  });
  if (child.pid === undefined) throw new Error(`${launch.name}: could not spawn taskset ${argv.join(' ')}`);
  const pid = child.pid;
  started.add(pid);
  let exited = false;
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8000);
    if (logFile !== undefined) appendFileSync(logFile, chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      started.delete(pid);
      resolve();
    }),
  );
  return {
    name: launch.name,
    pid, // taskset execs the server: same PID, so /proc/PID/stat is the server's.
    alive: () => !exited,
    output: () => tail,
    async stop(graceMs = 10_000) {
      if (!exited) await stopPid(pid, gone, graceMs);
    },
  };
}

export function firstLine(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) return undefined;
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim();
}

/** SIGTERM to `pid`, SIGKILL after `graceMs` if `gone` (its exit) has not settled by then. */
export async function stopPid(pid: number, gone: Promise<unknown>, graceMs: number): Promise<void> {
  const kill = (signal: NodeJS.Signals): void => {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  };
  kill('SIGTERM');
  const t = setTimeout(() => kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(t);
}

/**
 * `bin/coresmd dhcp -c CONFIG` as a bench server, named `ours` (the admin server on, as by
 * default) or `ours-admin-off` (`--admin-listen off`); `notes` describe the config.
 */
export function oursDhcpLaunch(config: string, admin: boolean, nodeFlags: readonly string[], notes: readonly string[]): ServerLaunch<'ours' | 'ours-admin-off'> {
  const version = firstLine(process.execPath, [join(repoRoot, 'bin/coresmd'), '--version']) ?? 'coresmd-ts';
  return {
    name: admin ? 'ours' : 'ours-admin-off',
    version: `${version}, Node ${process.version}`,
    checkAddress: true,
    argv: [process.execPath, ...nodeFlags, join(repoRoot, 'bin/coresmd'), 'dhcp', '-c', config, '--log-format', 'logfmt', '-L', 'warning', ...(admin ? [] : ['--admin-listen', 'off'])],
    notes: [
      admin ? 'admin server on (the default, 127.0.0.1:9180): each request and reply is recorded in its boot-event timeline' : '`--admin-listen off`: no admin server, no boot-event timeline',
      ...notes,
    ],
  };
}
