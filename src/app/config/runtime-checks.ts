// What a config file alone cannot tell: files that must exist, directories that must be
// writable, environment variables that must be set. `coresmd check` runs these after the
// loader so an admin learns about a missing CA bundle before the appliance refuses to start.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CoredhcpConfig, ServerSection } from './coredhcp-config.ts';

export interface RuntimeFinding {
  readonly level: 'error' | 'warning';
  /** `file:line:col: plugin: message`, like loader errors. */
  readonly text: string;
}

export interface RuntimeEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
}

function readable(path: string): string | undefined {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile() ? undefined : 'is not a regular file';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not readable';
  }
}

function writableDir(path: string): string | undefined {
  try {
    if (!statSync(path).isDirectory()) return 'is not a directory';
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not writable';
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function checkRuntime(cfg: CoredhcpConfig, { env }: RuntimeEnv): RuntimeFinding[] {
  const out: RuntimeFinding[] = [];
  const sections: ServerSection[] = [cfg.server4, cfg.server6].filter((s): s is ServerSection => s !== undefined);
  for (const section of sections) {
    for (const p of section.plugins) {
      const at = `${cfg.file}:${p.line}:${p.col}: ${p.name}`;
      const finding = (level: RuntimeFinding['level'], msg: string) => out.push({ level, text: `${at}: ${msg}` });
      if (p.name === 'coresmd') {
        const c = p.config;
        if (c.caCert !== '') {
          const why = readable(c.caCert);
          if (why !== undefined) finding('error', `ca_cert ${c.caCert} ${why}`);
        }
        if (c.svcToken?.kind === 'file') {
          const why = readable(c.svcToken.path);
          if (why !== undefined) finding('error', `svc_token_file ${c.svcToken.path} ${why}`);
        }
        if (c.svcToken?.kind === 'env' && (env[c.svcToken.name] ?? '') === '') {
          finding('warning', `svc_token_env: environment variable ${c.svcToken.name} is not set; SMD requests go out without a token`);
        }
        if (c.cacheFile !== undefined) {
          const why = writableDir(dirname(c.cacheFile));
          if (why !== undefined) finding('error', `cache_file directory ${dirname(c.cacheFile)} ${why}`);
        }
        if (c.svcBaseUri.startsWith('file:')) {
          const why = readable(new URL(c.svcBaseUri).pathname);
          if (why !== undefined) finding('error', `svc_base_uri ${c.svcBaseUri} ${why}`);
        }
        if (!isDir(c.tftpDir)) finding('warning', `tftp_dir ${c.tftpDir} is not a directory; TFTP and HTTP boot serve firmware/ipxe/bin and the built-in scripts instead`);
      } else if (p.name === 'bootloop') {
        const why = writableDir(dirname(p.config.leaseFile));
        if (why !== undefined) finding('error', `lease_file directory ${dirname(p.config.leaseFile)} ${why}`);
      } else if (p.name === 'file') {
        const why = readable(p.config.path);
        if (why !== undefined) finding('error', `hosts file ${p.config.path} ${why}`);
      }
    }
  }
  return out;
}
