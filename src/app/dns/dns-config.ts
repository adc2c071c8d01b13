// The effective configuration of `coresmd dns`, as the Corefile loader produces it. Every value
// keeps the position it was written at, so start-up failures (an unreadable ca_cert, an unknown
// bind interface) still name `file:line`.
import type { ConfigPos, ConfigWarning } from '../config/config-error.ts';
import type { DnsZoneSpec } from '../../dns/service/zone-index.ts';

/** One server block key: `dns://example.org:1053`, `.:53`, `:1053`. */
export interface DnsServerKey extends ConfigPos {
  /** Lookup key of the zone: lowercase, trailing dot, `.` for the root. */
  readonly zone: string;
  readonly port: number;
  /** As written. */
  readonly text: string;
}

export interface CoresmdDnsConfig extends ConfigPos {
  /** SMD base URL without `/hsm/v2` (http, https, or file:// for a JSON inventory). */
  readonly smdUrl: string;
  /** PEM bundle; when set only these CAs are trusted. */
  readonly caCert: string | undefined;
  readonly caCertAt: ConfigPos | undefined;
  readonly cacheDurationMs: number;
  /** In Corefile order; the default zone (`cluster.local`, `nid{04d}`) when none was written. */
  readonly zones: readonly DnsZoneSpec[];
  readonly ttl: number;
}

export type ForwardPolicy = 'random' | 'round_robin' | 'sequential';

export interface ForwardUpstreamConfig extends ConfigPos {
  readonly host: string;
  readonly port: number;
}

export interface ForwardConfig extends ConfigPos {
  /** Lookup key of the FROM zone (`.` for everything). */
  readonly from: string;
  readonly to: readonly ForwardUpstreamConfig[];
  /** Lookup keys of zones not forwarded. */
  readonly except: readonly string[];
  readonly forceTcp: boolean;
  readonly preferUdp: boolean;
  readonly policy: ForwardPolicy;
  /** Forwarded queries in flight before new ones get SERVFAIL; 0 means no limit. */
  readonly maxConcurrent: number;
}

/** `bind` entries: an address, or an interface name resolved at start-up. */
export type BindConfig = ConfigPos & ({ readonly kind: 'address'; readonly address: string } | { readonly kind: 'interface'; readonly name: string });

export interface HttpEndpointConfig extends ConfigPos {
  /** '' means every address. */
  readonly host: string;
  readonly port: number;
  readonly text: string;
}

export type QueryLogClass = 'success' | 'denial' | 'error';

export interface QueryLogConfig {
  /** Lookup keys of the names to log; `.` for all. */
  readonly names: readonly string[];
  /** CoreDNS `class`: success (NOERROR), denial (NXDOMAIN, NODATA), error (anything else). */
  readonly classes: ReadonlySet<QueryLogClass>;
}

export interface DnsBlockConfig extends ConfigPos {
  readonly keys: readonly DnsServerKey[];
  /** Empty: every address of the host, both families. */
  readonly bind: readonly BindConfig[];
  readonly coresmd: CoresmdDnsConfig | undefined;
  readonly forward: ForwardConfig | undefined;
  readonly prometheus: HttpEndpointConfig | undefined;
  readonly ready: HttpEndpointConfig | undefined;
  readonly health: (HttpEndpointConfig & { readonly lameduckMs: number }) | undefined;
  readonly log: QueryLogConfig | undefined;
  readonly errors: boolean;
}

export interface CorefileConfig {
  readonly file: string;
  readonly blocks: readonly DnsBlockConfig[];
  readonly warnings: readonly ConfigWarning[];
}
