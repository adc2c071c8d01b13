// The servers and clients of the TFTP benchmark, and the delay relay (delay-relay.c).
//
// Servers (each pinned to SERVER_CPU, listening on 127.0.0.1 and a high port):
//   ours      bin/coresmd tftp --root DIR --listen 127.0.0.1:PORT        (normal mode: a TID per transfer)
//   ours-sp   the same with --single-port                                (every transfer on the listening port)
//   ours-b/c/d bin/coresmd of other checkouts (--ours-b DIR, …), to try changes side by side
//   bare      bench/tftp/bare-server.ts: the least a Node TFTP server does (the floor of one Node process)
//   tftpd-hpa in.tftpd -L -s DIR -a 127.0.0.1:PORT                       (forks a process per transfer)
//   atftpd    atftpd --daemon --no-fork --port PORT --bind-address 127.0.0.1 --logfile /dev/null
//             --maxthread 256 DIR                                        (a thread per transfer)
// Clients (run from this process, which is pinned to CLIENT_CPU):
//   tftp-hpa          tftp -m binary -c get: negotiates nothing (blksize 512, lock-step), like PXE ROMs
//   atftp-1468        atftp --option "blksize 1468": lock-step, as iPXE and most UEFI loaders
//   atftp-1468-w8/16  atftp with "windowsize 8"/"16" as well (RFC 7440)
//   curl-1468         curl --tftp-blksize 1468 (it also sends tsize)

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const SERVER_CPU = 1;
export const CLIENT_CPU = 0;

export type ServerName = 'ours' | 'ours-sp' | 'ours-b' | 'ours-c' | 'ours-d' | 'bare' | 'tftpd-hpa' | 'atftpd';
export const SERVER_NAMES: readonly ServerName[] = ['ours', 'tftpd-hpa', 'atftpd'];
export const ALL_SERVER_NAMES: readonly ServerName[] = ['ours', 'ours-sp', 'ours-b', 'ours-c', 'ours-d', 'bare', 'tftpd-hpa', 'atftpd'];

export interface ServerLaunch {
  readonly name: ServerName;
  readonly version: string;
  readonly argv: readonly string[];
  /** Where it runs (a checkout for ours). */
  readonly cwd: string;
}

export interface Programs {
  readonly inTftpd: string | undefined;
  readonly atftpd: string | undefined;
  readonly atftp: string | undefined;
  readonly tftp: string | undefined;
  readonly curl: string | undefined;
  readonly cc: string | undefined;
}

function which(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p !== '' ? p : undefined;
}

/**
 * Finds the programs. tftpd-hpa and atftpd conflict as Debian packages, so atftpd may be
 * unpacked elsewhere (`apt-get download atftpd && dpkg-deb -x atftpd_*.deb DIR`) and given with
 * --atftpd DIR/usr/sbin/atftpd.
 */
export function findPrograms(atftpdPath: string | undefined): Programs {
  const sbin = (n: string) => which(n) ?? (existsSync(`/usr/sbin/${n}`) ? `/usr/sbin/${n}` : undefined);
  return {
    inTftpd: sbin('in.tftpd'),
    atftpd: atftpdPath !== undefined ? (existsSync(atftpdPath) ? atftpdPath : undefined) : sbin('atftpd'),
    atftp: which('atftp'),
    tftp: which('tftp'),
    curl: which('curl'),
    cc: which('cc') ?? which('gcc'),
  };
}

function firstLine(argv: readonly string[]): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]!.trim();
}

function dpkgVersion(pkg: string): string {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'not from a Debian package';
}

export function ourVersion(dir = repoRoot): string {
  const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).stdout?.trim() || 'no git';
  const dirty = spawnSync('git', ['status', '--porcelain', 'src'], { cwd: dir, encoding: 'utf8' }).stdout?.trim() ? ' + uncommitted src changes' : '';
  return `coresmd-ts ${rev}${dirty}${dir === repoRoot ? '' : ` from ${dir}`}, Node ${process.version}`;
}

/** How each server is started; undefined when its program is missing. */
export function serverLaunch(
  name: ServerName,
  p: Programs,
  root: string,
  port: number,
  profileDir: string | undefined,
  otherCheckout: (name: ServerName) => string | undefined,
): ServerLaunch | undefined {
  switch (name) {
    case 'ours':
    case 'ours-sp':
    case 'ours-b':
    case 'ours-c':
    case 'ours-d': {
      const cwd = name === 'ours' || name === 'ours-sp' ? repoRoot : otherCheckout(name);
      if (cwd === undefined || !existsSync(`${cwd}/bin/coresmd`)) return undefined;
      const node = ['node', ...(profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir])];
      return {
        name,
        version: ourVersion(cwd),
        cwd,
        argv: [...node, 'bin/coresmd', 'tftp', '--root', root, '--listen', `127.0.0.1:${port}`, ...(name === 'ours-sp' ? ['--single-port'] : [])],
      };
    }
    case 'bare':
      return {
        name,
        version: `bench/tftp/bare-server.ts, Node ${process.version}`,
        cwd: repoRoot,
        argv: ['node', '--import', 'tsx', 'bench/tftp/bare-server.ts', '--root', root, '--listen', `127.0.0.1:${port}`],
      };
    case 'tftpd-hpa':
      if (p.inTftpd === undefined) return undefined;
      return { name, version: `${firstLine([p.inTftpd, '-V'])} (Debian ${dpkgVersion('tftpd-hpa')})`, cwd: repoRoot, argv: [p.inTftpd, '-L', '-s', root, '-a', `127.0.0.1:${port}`] };
    case 'atftpd':
      if (p.atftpd === undefined) return undefined;
      return {
        name,
        version: `${firstLine([p.atftpd, '-V'])}${p.atftpd.startsWith('/usr/') ? ` (Debian ${dpkgVersion('atftpd')})` : ` (${p.atftpd})`}`,
        cwd: repoRoot,
        argv: [p.atftpd, '--daemon', '--no-fork', '--port', String(port), '--bind-address', '127.0.0.1', '--logfile', '/dev/null', '--maxthread', '256', root],
      };
  }
}

export type ClientName = 'tftp-hpa' | 'atftp-1468' | 'atftp-1468-w8' | 'atftp-1468-w16' | 'curl-1468' | 'atftp-512-w16';
export const ALL_CLIENT_NAMES: readonly ClientName[] = ['tftp-hpa', 'atftp-1468', 'atftp-1468-w8', 'atftp-1468-w16', 'curl-1468', 'atftp-512-w16'];

export interface ClientSpec {
  readonly name: ClientName;
  /** What it negotiates, for the report. */
  readonly asks: string;
  /** The command that fetches `file` from 127.0.0.1:`port` into `out`. */
  argv(port: number, file: string, out: string): string[];
}

export function clientSpec(name: ClientName, p: Programs): ClientSpec | undefined {
  const atftp = (opts: readonly string[], asks: string): ClientSpec | undefined =>
    p.atftp === undefined
      ? undefined
      : { name, asks, argv: (port, file, out) => [p.atftp!, ...opts.flatMap((o) => ['--option', o]), '-g', '-r', file, '-l', out, '127.0.0.1', String(port)] };
  switch (name) {
    case 'tftp-hpa':
      return p.tftp === undefined ? undefined : { name, asks: 'nothing (blksize 512, lock-step)', argv: (port, file, out) => [p.tftp!, '127.0.0.1', String(port), '-m', 'binary', '-c', 'get', file, out] };
    case 'atftp-1468':
      return atftp(['blksize 1468'], 'blksize 1468');
    case 'atftp-1468-w8':
      return atftp(['blksize 1468', 'windowsize 8'], 'blksize 1468, windowsize 8');
    case 'atftp-1468-w16':
      return atftp(['blksize 1468', 'windowsize 16'], 'blksize 1468, windowsize 16');
    case 'atftp-512-w16':
      return atftp(['windowsize 16'], 'windowsize 16 (blksize 512)');
    case 'curl-1468':
      return p.curl === undefined
        ? undefined
        : { name, asks: 'blksize 1468, tsize', argv: (port, file, out) => [p.curl!, '-sS', '--tftp-blksize', '1468', '-o', out, `tftp://127.0.0.1:${port}/${file}`] };
  }
}
