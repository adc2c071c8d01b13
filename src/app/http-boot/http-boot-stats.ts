// Counters of the HTTP boot server for /metrics: requests by status code and bytes sent. One
// object per server, bumped once per request when its log line is written.

export class HttpBootStats {
  requests = 0;
  /** Body bytes sent (ranges count what was sent, HEAD and 304 count 0). */
  bytes = 0;
  /** Responses that ended before the whole body was sent (client gone, read error). */
  incomplete = 0;
  readonly #byStatus = new Map<number, number>();

  record(status: number, bytes: number, complete: boolean): void {
    this.requests++;
    this.bytes += bytes;
    if (!complete) this.incomplete++;
    this.#byStatus.set(status, (this.#byStatus.get(status) ?? 0) + 1);
  }

  byStatus(): ReadonlyMap<number, number> {
    return this.#byStatus;
  }
}

/** `::ffff:192.0.2.7` (a dual-stack socket's IPv4 peer) as `192.0.2.7`; the address DHCP gave. */
export function peerAddress(remote: string | undefined): string | undefined {
  if (remote === undefined) return undefined;
  return remote.startsWith('::ffff:') && remote.includes('.') ? remote.slice(7) : remote;
}
