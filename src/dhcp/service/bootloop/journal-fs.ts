// The file operations the journal needs, as a seam: tests wrap it to count fsyncs and to make
// a write or an fsync fail at a chosen moment. nodeJournalFs is the real one.

import { open, readFile, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

export interface JournalFile {
  /** Writes every byte of data at position (loops over short writes). */
  write(data: Uint8Array, position: number): Promise<void>;
  /** fdatasync: the data and the size, not the timestamps; enough for an append to survive power loss. */
  datasync(): Promise<void>;
  /** fsync: data and all metadata. */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface JournalFs {
  /** The whole file, or undefined when it does not exist. */
  readFile(path: string): Promise<Buffer | undefined>;
  /** Opens an existing file for reading and writing at explicit positions. */
  openExisting(path: string): Promise<JournalFile>;
  /** Creates or truncates a file for writing. */
  create(path: string): Promise<JournalFile>;
  rename(from: string, to: string): Promise<void>;
  /** Makes a rename or creation inside dir durable (fsync of the directory). */
  syncDir(dir: string): Promise<void>;
  /** Removes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
}

class NodeJournalFile implements JournalFile {
  readonly #fh: FileHandle;

  constructor(fh: FileHandle) {
    this.#fh = fh;
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.#fh.write(data, done, data.length - done, position + done);
      done += bytesWritten;
    }
  }

  datasync(): Promise<void> {
    return this.#fh.datasync();
  }

  sync(): Promise<void> {
    return this.#fh.sync();
  }

  truncate(length: number): Promise<void> {
    return this.#fh.truncate(length);
  }

  close(): Promise<void> {
    return this.#fh.close();
  }
}

export const nodeJournalFs: JournalFs = {
  async readFile(path) {
    try {
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  async openExisting(path) {
    return new NodeJournalFile(await open(path, 'r+'));
  },
  async create(path) {
    return new NodeJournalFile(await open(path, 'w', 0o644));
  },
  rename,
  async syncDir(dir) {
    // Some filesystems refuse to fsync a directory (EINVAL, EISDIR); that is as good as it gets there.
    let fh: FileHandle | undefined;
    try {
      fh = await open(dir, 'r');
      await fh.sync();
    } catch {
      /* best effort, see above */
    } finally {
      await fh?.close();
    }
  },
  async remove(path) {
    try {
      await unlink(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  },
};
