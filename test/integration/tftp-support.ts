// Real TFTP clients against the real server on 127.0.0.1 (tftp-hpa, atftp, curl), plus a raw
// one-datagram client for what the command-line clients cannot send. Each client runs as a child
// process with a hard timeout, so a hung transfer fails the test instead of the suite.
import { execFile, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { decodeTftp, type TftpPacket } from '../../src/tftp/packet.ts';

export interface ClientRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export const has = (cmd: string, arg = '--version'): boolean => spawnSync(cmd, [arg], { stdio: 'ignore' }).error === undefined;

/** Which clients exist; tests that need a missing one skip with the package name. */
export const CLIENTS = {
  tftpHpa: has('tftp', '-V'),
  atftp: has('atftp'),
  curl: has('curl'),
} as const;

export const missingClient = (c: keyof typeof CLIENTS): string | false =>
  CLIENTS[c] ? false : `${{ tftpHpa: 'tftp-hpa (tftp)', atftp: 'atftp', curl: 'curl' }[c]} is not installed (apt-get install tftp-hpa atftp curl; .ci/run installs them)`;

export function run(cmd: string, args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<ClientRun> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 1 << 20, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), ms: performance.now() - t0 });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/**
 * tftp-hpa 5.2 (no blksize support; asks for tsize). Commands go through stdin so the per-packet
 * timeout (`rexmt`) can be set: the -c form keeps its 5 s default.
 */
export function tftpHpaGet(port: number, remote: string, local: string, o: { mode?: 'octet' | 'netascii'; rexmtS?: number; host?: string } = {}): Promise<ClientRun> {
  const script = [`rexmt ${o.rexmtS ?? 1}`, `mode ${o.mode ?? 'octet'}`, `get ${remote} ${local}`, 'quit', ''].join('\n');
  return run('tftp', [o.host ?? '127.0.0.1', String(port)], { input: script });
}

export function tftpHpaPut(port: number, local: string, remote: string): Promise<ClientRun> {
  return run('tftp', ['127.0.0.1', String(port)], { input: `rexmt 1\nmode octet\nput ${local} ${remote}\nquit\n` });
}

/** atftp 0.8.0; `options` become `--option "name value"` (blksize, tsize, timeout, windowsize). */
export function atftpGet(port: number, remote: string, local: string, options: Readonly<Record<string, string | number>> = {}, clientTimeoutS = 1): Promise<ClientRun> {
  const args = ['--tftp-timeout', String(clientTimeoutS)];
  for (const [k, v] of Object.entries(options)) args.push('--option', `${k} ${v}`);
  args.push('-g', '-r', remote, '-l', local, '127.0.0.1', String(port));
  return run('atftp', args);
}

/** curl's TFTP client; `blksize` maps to --tftp-blksize, `noOptions` to --tftp-no-options. */
export function curlGet(port: number, remote: string, local: string, o: { blksize?: number; noOptions?: boolean; connectTimeoutS?: number } = {}): Promise<ClientRun> {
  const args = ['-sS', '-o', local];
  if (o.blksize !== undefined) args.push('--tftp-blksize', String(o.blksize));
  if (o.noOptions === true) args.push('--tftp-no-options');
  if (o.connectTimeoutS !== undefined) args.push('--connect-timeout', String(o.connectTimeoutS));
  args.push(`tftp://127.0.0.1:${port}/${remote}`);
  return run('curl', args);
}

export interface RawReply {
  readonly fromPort: number;
  readonly packet: TftpPacket;
}

/**
 * A raw client socket: sends datagrams and collects decoded replies. For requests no client can
 * make (a name with a NUL, the UEFI size probe, a wrong TID).
 */
export class RawClient {
  readonly #socket: dgram.Socket;
  readonly replies: RawReply[] = [];
  #waiters: (() => void)[] = [];

  private constructor(socket: dgram.Socket) {
    this.#socket = socket;
    socket.on('message', (msg, rinfo) => {
      const d = decodeTftp(msg);
      if (d.ok) this.replies.push({ fromPort: rinfo.port, packet: d.value });
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static open(): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = dgram.createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => resolve(new RawClient(s)));
    });
  }

  get port(): number {
    return this.#socket.address().port;
  }

  send(bytes: Uint8Array, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.#socket.send(bytes, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  }

  /** Waits until `n` replies arrived in total (or `ms` passed) and returns them all. */
  async waitFor(n: number, ms = 3000): Promise<readonly RawReply[]> {
    const deadline = Date.now() + ms;
    while (this.replies.length < n && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.replies;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}

/** Bytes with a recognisable, position-dependent pattern (a shifted block shows as a mismatch). */
export function patternBytes(n: number, seed = 0): Buffer {
  const b = Buffer.allocUnsafe(Math.ceil(n / 4) * 4);
  for (let i = 0; i < n; i += 4) b.writeUInt32BE(((i >>> 2) * 2654435761 + seed) >>> 0, i);
  return b.subarray(0, n);
}
