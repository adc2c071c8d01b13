// What the admin server reads from the running process, as one small interface: the appliance
// implements it (appliance-sources.ts) and the API tests use a hand-built one. Every accessor
// is a function, so a reload that replaces a part is seen on the next request.
import type { Counters } from '../../dhcp/service/counters.ts';
import type { BootloopLeases } from '../../dhcp/service/bootloop/leases.ts';
import type { Inventory } from '../../smd/inventory.ts';
import type { TftpServerStats } from '../../tftp/service/server.ts';
import type { HttpBootStats } from '../http-boot/http-boot-stats.ts';
import type { ExplainResult, ExplainInputs } from '../cli/explain-dry-run.ts';

export interface DhcpCounters {
  /** The server core's counters: received, requests{type}, replies{type}, dropped{reason}, malformed{code}. */
  readonly server: Counters;
  /** The transport's: rx, tx{via}, rx_malformed{via,code}, … */
  readonly transport: Counters | undefined;
}

export interface TftpCounters {
  stats(): TftpServerStats;
  malformedByCode(): ReadonlyMap<string, number>;
}

export interface AdminSources {
  /** The process inventory; undefined when no coresmd plugin configures one. */
  inventory(): Inventory | undefined;
  /** How old the inventory may get before /readyz fails (3 × cache_valid, at least 5 min). */
  inventoryMaxAgeMs(): number | undefined;
  /** The bootloop lease store, when bootloop runs. */
  bootloop(): BootloopLeases | undefined;
  dhcp4(): DhcpCounters | undefined;
  dhcp6(): DhcpCounters | undefined;
  tftp(): TftpCounters | undefined;
  httpBoot(): HttpBootStats | undefined;
  /** The DNS server's own registry, in the text format, when DNS runs. */
  dnsMetrics(): string | undefined;
  /** Why the process is not ready ([] when it is): services not listening, draining, DNS readiness. */
  notReady(): string[];
  /** The explain dry run on the running config; throws UsageError for bad input, Error when not possible. */
  explain(get: ExplainInputs, v6: boolean): Promise<ExplainResult>;
}
