// cache_file: the last good inventory, persisted so a restart while SMD is down still serves
// (design "State that must survive"). Format:
//   {"version":1,"fetchedAt":<epoch ms>,"source":"<url>","EthernetInterfaces":[...],"Components":[...]}
// Written atomically: `<file>.tmp`, fsync, rename over `<file>`, fsync the directory. A crash
// leaves either the old file or the new one; a stray `.tmp` is never read and is overwritten by
// the next write.

import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SmdError, SmdErrorCode } from './errors.ts';
import { formatInventoryDocument, validateInventoryObject } from './inventory-document.ts';
import type { RawInventory } from './types.ts';
import { getFolded, isObject } from './validate.ts';

export const CACHE_FILE_VERSION = 1;

export interface CachedInventory {
  readonly raw: RawInventory;
  readonly fetchedAt: number;
  readonly source: string;
}

export async function writeCacheFile(path: string, cached: CachedInventory): Promise<void> {
  const text = formatInventoryDocument(cached.raw, {
    version: CACHE_FILE_VERSION,
    fetchedAt: cached.fetchedAt,
    source: cached.source,
  });
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  // The rename is durable only once the directory entry is; some filesystems refuse to fsync
  // a directory (EINVAL, EISDIR on a few platforms), which is as good as it gets there.
  try {
    const dir = await open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    /* best effort, see above */
  }
}

/** Reads and validates a cache file. Throws SmdError (ERR_SMD_FILE / _JSON / _SHAPE) when unusable. */
export async function readCacheFile(path: string): Promise<CachedInventory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new SmdError(SmdErrorCode.File, `${path}: cannot read (${code})`, { url: path, cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new SmdError(SmdErrorCode.Json, `${path}: invalid JSON (truncated?): ${(err as Error).message}`, { url: path, cause: err });
  }
  if (!isObject(doc) || getFolded(doc, 'version') !== CACHE_FILE_VERSION) {
    throw new SmdError(SmdErrorCode.Shape, `${path}: not a version ${CACHE_FILE_VERSION} cache file`, { url: path, field: 'version' });
  }
  const fetchedAt = getFolded(doc, 'fetchedAt');
  const source = getFolded(doc, 'source');
  if (typeof fetchedAt !== 'number' || !Number.isFinite(fetchedAt)) {
    throw new SmdError(SmdErrorCode.Shape, `${path}: fetchedAt: expected number`, { url: path, field: 'fetchedAt' });
  }
  if (typeof source !== 'string') {
    throw new SmdError(SmdErrorCode.Shape, `${path}: source: expected string`, { url: path, field: 'source' });
  }
  return { raw: validateInventoryObject(doc, path), fetchedAt, source };
}
