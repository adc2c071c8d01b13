// How the app reaches SMD: URL, CA bundle, bearer token and timeout, from config keys or CLI
// flags. The token file is re-read at every refresh so a rotated token is picked up without a
// restart; the environment variable is read when the request is made.
import { readFileSync } from 'node:fs';
import { httpGet } from '../net/http-client.ts';
import { createInventorySource } from '../smd/open-source.ts';
import type { InventorySource } from '../smd/types.ts';

export interface SmdAccess {
  /** `http(s)://` SMD base URL or `file:///path/inventory.json`. */
  readonly url: string;
  /** PEM bundle; when set only these CAs are trusted (as the original's ca_cert). */
  readonly caCert?: string;
  readonly tokenFile?: string;
  readonly tokenEnv?: string;
  readonly timeoutMs: number;
}

export const DEFAULT_SMD_TIMEOUT_MS = 10_000;

export function tokenProvider(access: SmdAccess, env: Readonly<Record<string, string | undefined>>): (() => string | undefined) | undefined {
  const { tokenFile, tokenEnv } = access;
  if (tokenFile !== undefined) {
    return () => {
      const t = readFileSync(tokenFile, 'utf8').trim();
      return t === '' ? undefined : t;
    };
  }
  if (tokenEnv !== undefined) return () => (env[tokenEnv] ?? '').trim() || undefined;
  return undefined;
}

/** Throws (with the path in the message) when the CA file cannot be read. */
export function openSmdSource(access: SmdAccess, env: Readonly<Record<string, string | undefined>> = process.env): InventorySource {
  const token = tokenProvider(access, env);
  return createInventorySource({
    url: access.url,
    timeoutMs: access.timeoutMs,
    httpGet,
    ...(access.caCert === undefined || access.caCert === '' ? {} : { ca: readFileSync(access.caCert) }),
    ...(token === undefined ? {} : { token }),
  });
}
