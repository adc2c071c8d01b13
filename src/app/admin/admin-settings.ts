// Where the admin server listens and with which token, from `--admin-listen` (wins), the
// coredhcp YAML's `admin:` section, or the default 127.0.0.1:9180. The default is a convenience:
// when that port is taken the appliance runs without the admin server (a warning says so); an
// address given by flag or config must work, or the process does not start.
import { readFileSync } from 'node:fs';
import type { CoredhcpConfig } from '../config/coredhcp-config.ts';
import { DEFAULT_ADMIN_LISTEN, parseAdminListen } from './admin-config.ts';

export type AdminSettings =
  | { readonly kind: 'off' }
  | {
      readonly kind: 'on';
      readonly host: string;
      readonly port: number;
      /** Given by flag or config (a failure to listen stops the start), not the default. */
      readonly explicit: boolean;
      readonly token: string | undefined;
    };

/** A problem with the admin settings, already worded `file:line:col: key: message` where it has a place. */
export class AdminSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminSettingsError';
  }
}

/** Reads a token file: its content without surrounding whitespace, which must not be empty. */
export function readTokenFile(path: string): string {
  const token = readFileSync(path, 'utf8').trim();
  if (token === '') throw new Error('the file is empty');
  if (/\s/.test(token)) throw new Error('the token contains whitespace');
  return token;
}

export function resolveAdminSettings(flagText: string | undefined, cfg: CoredhcpConfig | undefined): AdminSettings {
  const section = cfg?.admin;
  let listen = parseAdminListen(DEFAULT_ADMIN_LISTEN);
  let explicit = false;
  if (flagText !== undefined) {
    const parsed = parseAdminListen(flagText);
    if (typeof parsed === 'string') throw new AdminSettingsError(`--admin-listen: ${parsed}`);
    listen = parsed;
    explicit = true;
  } else if (section?.listen !== undefined) {
    listen = section.listen;
    explicit = true;
  }
  if (typeof listen === 'string') throw new AdminSettingsError(listen);
  if (listen.kind === 'off') return { kind: 'off' };
  let token: string | undefined;
  if (section?.tokenFile !== undefined) {
    try {
      token = readTokenFile(section.tokenFile);
    } catch (e) {
      const at = section.tokenFileAt ?? section;
      throw new AdminSettingsError(`${cfg!.file}:${at.line}:${at.col}: admin.token_file: ${section.tokenFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { kind: 'on', host: listen.host, port: listen.port, explicit, token };
}
