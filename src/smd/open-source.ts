// Picks the InventorySource for a configured location: `file://…` reads a JSON document,
// `http(s)://…` polls SMD. Used by the CLI (`coresmd inventory`, `serve`) so every command
// accepts the same URLs.

import { createSmdSource } from './client.ts';
import type { SmdHttpGet } from './client.ts';
import { createFileSource } from './file-source.ts';
import type { InventorySource } from './types.ts';

export interface OpenSourceOptions {
  /** `file:///path/inventory.json`, `http://…` or `https://…` (an SMD base URL). */
  readonly url: string;
  readonly ca?: Buffer;
  readonly token?: () => string | undefined;
  readonly timeoutMs: number;
  readonly httpGet: SmdHttpGet;
}

export function createInventorySource(options: OpenSourceOptions): InventorySource {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(options.url)?.[1]?.toLowerCase();
  if (scheme === 'file') return createFileSource(options.url);
  if (scheme === 'http' || scheme === 'https') {
    return createSmdSource({
      baseUrl: options.url,
      timeoutMs: options.timeoutMs,
      httpGet: options.httpGet,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.token === undefined ? {} : { token: options.token }),
    });
  }
  throw new RangeError(`inventory URL must be file://, http:// or https://, got ${JSON.stringify(options.url)}`);
}
