// The files the boot servers (TFTP, HTTP boot) hand out: a directory confined to its root, the
// built-in scripts, and small files kept in memory.
//
// A name is what the client asked for: the TFTP filename text, or the HTTP path without its
// leading `/`, already percent-decoded. It is checked as text first and then against the real
// file system:
//
//   refused as 'access' (TFTP error 2, HTTP 403)        answered as 'not-found' (error 1, 404)
//   - empty, or containing NUL                          - nothing of that name under the root
//   - containing `\` (a Windows separator that Linux    - a directory (there is no listing to
//     treats as a name byte; refusing it keeps a          give, and "no file by that name" is
//     `..\` out of every later hop, HTTP proxies too)     what the client needs to know)
//   - absolute (`/x`)                                   - the root (and its fallback) missing
//   - a `..` segment
//   - a path whose realpath(3) leaves the root: a symlink inside the root that points out
//   - a FIFO, socket or device (reading one could block a transfer forever)
//
// The original joins the name onto tftp_dir with Go's filepath.Join, so `../../etc/passwd`
// escapes and `/x` is served as `<dir>/x` (spec coresmd-dhcp §8.2 [BUG?]); we refuse both. The
// realpath check covers symlinks; reads then open the resolved path with O_NOFOLLOW and check
// device and inode against the resolve-time stat, so a file swapped for a symlink between
// resolve and read is refused too. (Someone who can rewrite directories inside the root can
// still race the intermediate components; the root is trusted to its owner.)
//
// Precedence: a name in `builtins` is served from memory whatever the disk holds (`default`,
// as the original does, builtin-scripts.ts). A name whose last segment is in `fallbacks` is
// served from memory only when the disk has nothing of that name (`autoexec.ipxe`).
//
// `fallbackRoot` is served when `root` does not exist (the appliance's default: tftp_dir is
// /tftpboot, and a host without it serves firmware/ipxe/bin). Checked per request, so creating
// the root later takes effect without a restart.
//
// Memory: files up to `maxCachedFileBytes` are read whole and kept, least recently used first
// out, within `memoryCacheBytes`; every resolve revalidates an entry against a fresh stat
// (device, inode, size, mtime), so a replaced file is never served stale. A boot storm of
// hundreds of nodes fetching the same 1 MB iPXE binary then reads it from disk once.

import { constants as fsConstants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Logger } from '../seams/logger.ts';

export type BootFile =
  | {
      readonly kind: 'memory';
      /** The name the client asked for. */
      readonly name: string;
      /** The whole content; shared, never to be modified. */
      readonly bytes: Uint8Array;
      /** Modification time of the file it was read from; 0 for built-in content. */
      readonly mtimeMs: number;
    }
  | {
      readonly kind: 'disk';
      readonly name: string;
      /** The resolved absolute path (no symlinks). */
      readonly path: string;
      readonly size: number;
      readonly mtimeMs: number;
    };

export type ResolveResult =
  | { readonly ok: true; readonly file: BootFile }
  | { readonly ok: false; readonly code: 'not-found' | 'access'; readonly message: string };

export interface FileProvider {
  resolve(name: string): Promise<ResolveResult>;
  /**
   * Up to `length` bytes from `offset` (fewer at the end of the file). With `into`, the bytes
   * are copied there and a view of it is returned; without, a memory file returns a view of its
   * shared content (do not modify it) and a disk file a fresh buffer. A disk file that changed
   * since resolve (size, mtime, device or inode) throws BootFileChangedError.
   */
  read(file: BootFile, offset: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
}

export interface FileCacheStats {
  readonly files: number;
  readonly bytes: number;
  readonly hits: number;
  readonly misses: number;
}

export interface CachingFileProvider extends FileProvider {
  cacheStats(): FileCacheStats;
}

export interface FileProviderOptions {
  readonly root: string;
  /** Served when `root` does not exist. */
  readonly fallbackRoot?: string;
  /** Served from memory in place of any file of the same name. */
  readonly builtins?: ReadonlyMap<string, Uint8Array>;
  /** Served from memory when no file of that name exists; matched on the last path segment. */
  readonly fallbacks?: ReadonlyMap<string, Uint8Array>;
  /** Budget of the in-memory cache (default 64 MiB; 0 disables it). */
  readonly memoryCacheBytes?: number;
  /** Largest file kept in memory (default 4 MiB: every iPXE binary fits). */
  readonly maxCachedFileBytes?: number;
  readonly logger: Logger;
}

export const DEFAULT_MEMORY_CACHE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_CACHED_FILE_BYTES = 4 * 1024 * 1024;

export const BOOT_FILE_CHANGED = 'ERR_BOOT_FILE_CHANGED';

/** A disk file was replaced or rewritten between resolve and read: the transfer must stop. */
export class BootFileChangedError extends Error {
  readonly code = BOOT_FILE_CHANGED;

  constructor(name: string) {
    super(`${name} changed on disk during the transfer`);
    this.name = 'BootFileChangedError';
  }
}

/** The text checks of the table above, before the file system is asked anything. */
export function checkBootName(name: string): { readonly ok: true; readonly segments: readonly string[] } | { readonly ok: false; readonly message: string } {
  if (name.length === 0) return { ok: false, message: 'empty file name' };
  if (name.includes('\0')) return { ok: false, message: 'NUL in file name' };
  if (name.includes('\\')) return { ok: false, message: 'backslash in file name' };
  if (name.startsWith('/')) return { ok: false, message: 'absolute path' };
  const segments: string[] = [];
  for (const s of name.split('/')) {
    if (s === '..') return { ok: false, message: "'..' in file name" };
    // `a//b` and `./a` name the same file as `a/b` and `a`; nothing is gained by refusing them.
    if (s !== '' && s !== '.') segments.push(s);
  }
  return { ok: true, segments };
}

interface Identity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

interface CacheEntry extends Identity {
  readonly bytes: Uint8Array;
}

const sameIdentity = (a: Identity, b: Identity): boolean => a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

/** Resolves `path` with realpath(3), or undefined when it does not exist. */
async function realpathIfExists(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

const READ_NOFOLLOW = fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW;

export function createFileProvider(opts: FileProviderOptions): CachingFileProvider {
  const log = opts.logger;
  const builtins = opts.builtins ?? new Map<string, Uint8Array>();
  const fallbacks = opts.fallbacks ?? new Map<string, Uint8Array>();
  const budget = opts.memoryCacheBytes ?? DEFAULT_MEMORY_CACHE_BYTES;
  const maxCached = Math.min(opts.maxCachedFileBytes ?? DEFAULT_MAX_CACHED_FILE_BYTES, budget);
  // Map order is the LRU order: a hit deletes and re-inserts, eviction takes the first key.
  const cache = new Map<string, CacheEntry>();
  const loading = new Map<string, Promise<CacheEntry>>();
  // Identity of every disk file handed out, checked again at each read.
  const identities = new WeakMap<BootFile, Identity>();
  let cachedBytes = 0;
  let hits = 0;
  let misses = 0;
  let lastRoot: string | undefined | null = null; // null: not looked at yet

  const memory = (name: string, bytes: Uint8Array, mtimeMs: number): ResolveResult => ({ ok: true, file: { kind: 'memory', name, bytes, mtimeMs } });

  const missing = (name: string, message: string): ResolveResult => {
    const last = name.slice(name.lastIndexOf('/') + 1);
    const fallback = fallbacks.get(last);
    return fallback === undefined ? { ok: false, code: 'not-found', message } : memory(name, fallback, 0);
  };

  /** The real path of the root being served, or undefined when neither root exists. */
  async function currentRoot(): Promise<string | undefined> {
    let real = await realpathIfExists(opts.root);
    let which = opts.root;
    if (real === undefined && opts.fallbackRoot !== undefined) {
      real = await realpathIfExists(opts.fallbackRoot);
      which = opts.fallbackRoot;
    }
    if (real !== lastRoot) {
      // Logged on change only, not per request.
      if (real === undefined) log.warn('boot file root does not exist', { root: opts.root, fallbackRoot: opts.fallbackRoot });
      else log.info('serving boot files', { root: which, realpath: real });
      lastRoot = real;
    }
    return real;
  }

  function remember(key: string, entry: CacheEntry): void {
    const old = cache.get(key);
    if (old !== undefined) {
      cache.delete(key);
      cachedBytes -= old.bytes.length;
    }
    if (entry.bytes.length > budget) return;
    cache.set(key, entry);
    cachedBytes += entry.bytes.length;
    for (const [k, e] of cache) {
      if (cachedBytes <= budget) break;
      cache.delete(k);
      cachedBytes -= e.bytes.length;
    }
  }

  async function load(path: string, expect: Identity): Promise<CacheEntry> {
    const fh = await open(path, READ_NOFOLLOW);
    try {
      const st = await fh.stat();
      const id: Identity = { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
      if (!sameIdentity(id, expect)) throw new BootFileChangedError(path);
      const bytes = new Uint8Array(st.size);
      let at = 0;
      while (at < bytes.length) {
        const { bytesRead } = await fh.read(bytes, at, bytes.length - at, at);
        if (bytesRead === 0) throw new BootFileChangedError(path); // shrank under us
        at += bytesRead;
      }
      return { ...id, bytes };
    } finally {
      await fh.close();
    }
  }

  async function cached(path: string, id: Identity): Promise<CacheEntry> {
    const hit = cache.get(path);
    if (hit !== undefined && sameIdentity(hit, id)) {
      hits++;
      cache.delete(path);
      cache.set(path, hit);
      return hit;
    }
    // Concurrent requests for the same file share one read.
    const pending = loading.get(path);
    if (pending !== undefined) {
      const entry = await pending;
      if (sameIdentity(entry, id)) return entry;
    }
    misses++;
    const p = load(path, id);
    loading.set(path, p);
    try {
      const entry = await p;
      remember(path, entry);
      return entry;
    } finally {
      if (loading.get(path) === p) loading.delete(path);
    }
  }

  async function resolve(name: string): Promise<ResolveResult> {
    const builtin = builtins.get(name);
    if (builtin !== undefined) return memory(name, builtin, 0);
    const checked = checkBootName(name);
    if (!checked.ok) return { ok: false, code: 'access', message: checked.message };
    const root = await currentRoot();
    if (root === undefined) return missing(name, 'no boot file root');

    let real: string | undefined;
    try {
      real = await realpathIfExists(join(root, ...checked.segments));
    } catch (e) {
      const code = errnoOf(e);
      // ELOOP (a symlink cycle), EACCES (a directory we may not search), ENAMETOOLONG, …
      return { ok: false, code: 'access', message: code === undefined ? 'cannot resolve file name' : `cannot resolve file name (${code})` };
    }
    if (real === undefined) return missing(name, 'file not found');
    if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
      return { ok: false, code: 'access', message: 'path leads outside the boot file root' };
    }
    let st;
    try {
      st = await stat(real);
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return missing(name, 'file not found'); // removed since realpath
      throw e;
    }
    if (st.isDirectory()) return missing(name, 'is a directory');
    if (!st.isFile()) return { ok: false, code: 'access', message: 'not a regular file' };
    const id: Identity = { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
    if (st.size <= maxCached) {
      try {
        const entry = await cached(real, id);
        return memory(name, entry.bytes, entry.mtimeMs);
      } catch (e) {
        if (errnoOf(e) === 'ELOOP') return { ok: false, code: 'access', message: 'path leads outside the boot file root' };
        if (errnoOf(e) === 'EACCES') return { ok: false, code: 'access', message: 'permission denied' };
        if (e instanceof BootFileChangedError || errnoOf(e) === 'ENOENT') return missing(name, 'file not found');
        throw e;
      }
    }
    const file: BootFile = { kind: 'disk', name, path: real, size: st.size, mtimeMs: st.mtimeMs };
    identities.set(file, id);
    return { ok: true, file };
  }

  async function read(file: BootFile, offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    if (file.kind === 'memory') {
      const view = file.bytes.subarray(Math.min(offset, file.bytes.length), Math.min(offset + length, file.bytes.length));
      if (into === undefined) return view;
      into.set(view);
      return into.subarray(0, view.length);
    }
    const want = Math.max(0, Math.min(length, file.size - offset));
    const dst = into === undefined ? new Uint8Array(want) : into.subarray(0, want);
    const fh = await open(file.path, READ_NOFOLLOW);
    try {
      const st = await fh.stat();
      const expect = identities.get(file) ?? { dev: st.dev, ino: st.ino, size: file.size, mtimeMs: file.mtimeMs };
      if (!sameIdentity({ dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs }, expect)) throw new BootFileChangedError(file.name);
      let at = 0;
      while (at < want) {
        const { bytesRead } = await fh.read(dst, at, want - at, offset + at);
        if (bytesRead === 0) throw new BootFileChangedError(file.name);
        at += bytesRead;
      }
      return dst;
    } finally {
      await fh.close();
    }
  }

  return {
    resolve,
    read,
    cacheStats: () => ({ files: cache.size, bytes: cachedBytes, hits, misses }),
  };
}
