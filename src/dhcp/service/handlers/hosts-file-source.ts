// Where the `file` plugin reads its hosts file from: the real file system by default, a fake in
// tests (so no test waits on a real watcher).
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';

export interface HostsFileWatch {
  close(): void;
}

export interface HostsFileSource {
  /** The file's text; throws when it cannot be read. */
  read(path: string): string;
  /** Calls `onChange` after the file may have changed (written, replaced, removed). */
  watch(path: string, onChange: () => void): HostsFileWatch;
}

/** How often the file is stat'ed for autorefresh. */
const POLL_INTERVAL_MS = 1000;

/**
 * Reads with readFileSync and watches with fs.watchFile (stat polling). Polling, unlike
 * fs.watch/inotify, survives editors and config managers that replace the file by rename
 * (the inode changes); coredhcp's fsnotify watch is lost after the first such replace.
 */
export const fsHostsFileSource: HostsFileSource = Object.freeze({
  read(path: string): string {
    return readFileSync(path, 'utf8');
  },
  watch(path: string, onChange: () => void): HostsFileWatch {
    const listener = (cur: Stats, prev: Stats): void => {
      if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size || cur.ino !== prev.ino) onChange();
    };
    // persistent: false — a watched hosts file must not keep the process alive on shutdown.
    watchFile(path, { persistent: false, interval: POLL_INTERVAL_MS }, listener);
    return { close: () => unwatchFile(path, listener) };
  },
});
