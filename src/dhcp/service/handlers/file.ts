// coredhcp `file` (DHCPv4): static leases from a hosts file (hosts-file.ts). A known MAC gets
// its address and the chain stops (upstream `return resp, true`); an unknown one passes on.
//
// Differences from upstream, on purpose:
// - The table belongs to this handler (upstream keeps it in a package global shared by the v4
//   and v6 servers, so two `file` plugins overwrite each other).
// - The reply always carries a lease time: draft.leaseSeconds when lease_time (or another
//   handler) set it, else `leaseSeconds` here. Upstream sends no option 51 unless lease_time
//   runs before it, which RFC 2131 Table 3 forbids for OFFER and ACK.
// - autorefresh polls the file (hosts-file-source.ts) and survives replace-by-rename. A reload
//   that fails (unreadable, bad line) keeps the previous table and logs file:line, as upstream
//   keeps its previous map.
import { formatIPv4 } from '../../../wire/addr.ts';
import type { Logger } from '../../../seams/logger.ts';
import type { Dhcp4Handler, Dhcp4Request, Dhcp4Verdict } from '../chain.ts';
import type { Dhcp4Draft } from '../draft.ts';
import { fsHostsFileSource, type HostsFileSource, type HostsFileWatch } from './hosts-file-source.ts';
import { parseHostsFile, type HostsTable } from './hosts-file.ts';
import { answersClient } from './static-option.ts';

/** Lease time when no earlier handler set one: coredhcp's own default for static leases (1h). */
export const DEFAULT_FILE_LEASE_SECONDS = 3600;

export interface FileHandlerOptions {
  readonly path: string;
  /** Re-read the file when it changes (coredhcp's `autorefresh` argument). */
  readonly autorefresh: boolean;
  readonly logger: Logger;
  /** Lease time when draft.leaseSeconds is unset; DEFAULT_FILE_LEASE_SECONDS otherwise. */
  readonly leaseSeconds?: number;
  /** Defaults to the real file system. */
  readonly source?: HostsFileSource;
}

export interface FileHandler extends Dhcp4Handler {
  /** Number of static leases currently loaded. */
  readonly size: number;
  /** Re-reads the file now; false (previous table kept, error logged) when it cannot be used. */
  reload(): boolean;
  /** Stops watching the file (config reload, shutdown). */
  close(): void;
}

class FileLeases implements FileHandler {
  readonly name = 'file';
  readonly #path: string;
  readonly #source: HostsFileSource;
  readonly #log: Logger;
  readonly #leaseSeconds: number;
  #table: HostsTable;
  #watch: HostsFileWatch | undefined;

  constructor(options: FileHandlerOptions) {
    this.#path = options.path;
    this.#source = options.source ?? fsHostsFileSource;
    this.#log = options.logger.child({ plugin: 'file' });
    this.#leaseSeconds = options.leaseSeconds ?? DEFAULT_FILE_LEASE_SECONDS;
    if (!Number.isInteger(this.#leaseSeconds) || this.#leaseSeconds < 1 || this.#leaseSeconds > 0xffffffff) {
      throw new RangeError(`file: lease time ${this.#leaseSeconds} s is not between 1 s and 2^32-1 s`);
    }
    // A bad file at start-up is a config error: HostsFileError (file:line) or the read error.
    this.#table = parseHostsFile(this.#source.read(this.#path), this.#path);
    this.#log.info('loaded static leases', { file: this.#path, leases: this.#table.size });
    if (options.autorefresh) this.#watch = this.#source.watch(this.#path, () => this.reload());
  }

  get size(): number {
    return this.#table.size;
  }

  reload(): boolean {
    try {
      this.#table = parseHostsFile(this.#source.read(this.#path), this.#path);
    } catch (e) {
      this.#log.warn('static leases not reloaded; keeping the previous ones', {
        file: this.#path,
        error: (e as Error).message,
        leases: this.#table.size,
      });
      return false;
    }
    this.#log.info('reloaded static leases', { file: this.#path, leases: this.#table.size });
    return true;
  }

  close(): void {
    this.#watch?.close();
    this.#watch = undefined;
  }

  handle(req: Dhcp4Request, draft: Dhcp4Draft): Dhcp4Verdict {
    if (!answersClient(draft)) return 'next';
    const mac = req.info.mac;
    const ip = this.#table.get(mac);
    if (ip === undefined) {
      this.#log.debug('MAC not in the hosts file', { mac });
      return 'next';
    }
    draft.yiaddr = ip;
    draft.leaseSeconds ??= this.#leaseSeconds;
    draft.decisions.push({ plugin: 'file', reason: `static lease ${formatIPv4(ip)} from ${this.#path}` });
    this.#log.debug('static lease', { mac, ip: formatIPv4(ip) });
    return 'send';
  }
}

/** Loads the file (throws on a bad one) and, with autorefresh, starts watching it. */
export function createFileHandler(options: FileHandlerOptions): FileHandler {
  return new FileLeases(options);
}
