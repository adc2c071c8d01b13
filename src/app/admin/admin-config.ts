// The admin server's settings: the `admin:` section of the coredhcp YAML and the
// `--admin-listen` flag (docs/configuration.md "admin"):
//
//   admin:
//     listen: 127.0.0.1:9180     # ADDR:PORT, [IPv6]:PORT, or off; default 127.0.0.1:9180
//     token_file: /etc/coresmd/admin.token   # enables POST/DELETE; without it read-only
//
// Unknown keys are errors with file:line:col, as everywhere in the file.
import { parseIp } from '../../wire/addr.ts';
import { ConfigErrorCode, type ConfigPos, type Diagnostics } from '../config/config-error.ts';
import { describeNode, type YamlEntry } from '../config/yaml-node.ts';

export const DEFAULT_ADMIN_LISTEN = '127.0.0.1:9180';

export type AdminListen = { readonly kind: 'off' } | { readonly kind: 'address'; readonly host: string; readonly port: number };

export interface AdminConfig extends ConfigPos {
  readonly listen: AdminListen | undefined;
  readonly listenAt: ConfigPos | undefined;
  readonly tokenFile: string | undefined;
  readonly tokenFileAt: ConfigPos | undefined;
}

const ADMIN_KEYS = ['listen', 'token_file'] as const;

/** `off`, `ADDR:PORT` or `[IPv6]:PORT` (the address an IP literal or `localhost`); an error text otherwise. */
export function parseAdminListen(text: string): AdminListen | string {
  const t = text.trim();
  if (t === 'off') return { kind: 'off' };
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(t);
  if (m === null) return `expected ADDR:PORT, [IPv6]:PORT or off, found '${text}'`;
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (port > 65535) return `port out of range in '${text}'`;
  if (host !== 'localhost' && parseIp(host) === undefined) return `'${host}' is not an IP address (or localhost)`;
  if (m[1] !== undefined && parseIp(host)?.family !== 6) return `'[${host}]': brackets are for IPv6 addresses`;
  return { kind: 'address', host, port };
}

export function loadAdminSection(entry: YamlEntry, diag: Diagnostics): AdminConfig | undefined {
  const node = entry.value;
  if (node.kind === 'null') return { line: entry.line, col: entry.col, listen: undefined, listenAt: undefined, tokenFile: undefined, tokenFileAt: undefined };
  if (node.kind !== 'map') {
    diag.error(node, ConfigErrorCode.WrongType, `expected a mapping with listen and token_file, found ${describeNode(node)}`, 'admin');
    return undefined;
  }
  let listen: AdminListen | undefined;
  let listenAt: ConfigPos | undefined;
  let tokenFile: string | undefined;
  let tokenFileAt: ConfigPos | undefined;
  let ok = true;
  for (const e of node.entries) {
    const v = e.value;
    if (!(ADMIN_KEYS as readonly string[]).includes(e.key)) {
      const close = ADMIN_KEYS.find((k) => k.toLowerCase() === e.key.toLowerCase() || k.replace('_', '') === e.key.toLowerCase());
      diag.error(e, ConfigErrorCode.UnknownKey, `unknown key in admin; ${close === undefined ? 'expected listen or token_file' : `did you mean '${close}'?`}`, e.key);
      ok = false;
      continue;
    }
    if (v.kind !== 'scalar' || v.value.trim() === '') {
      diag.error(v.kind === 'null' ? e : v, ConfigErrorCode.WrongType, `expected ${e.key === 'listen' ? 'ADDR:PORT or off' : 'a file path'}, found ${v.kind === 'scalar' ? 'an empty string' : describeNode(v)}`, `admin.${e.key}`);
      ok = false;
      continue;
    }
    if (e.key === 'listen') {
      const parsed = parseAdminListen(v.value);
      if (typeof parsed === 'string') {
        diag.error(v, ConfigErrorCode.BadListen, parsed, 'admin.listen');
        ok = false;
        continue;
      }
      listen = parsed;
      listenAt = { line: v.line, col: v.col };
    } else {
      tokenFile = v.value.trim();
      tokenFileAt = { line: v.line, col: v.col };
    }
  }
  return ok ? Object.freeze({ line: entry.line, col: entry.col, listen, listenAt, tokenFile, tokenFileAt }) : undefined;
}
