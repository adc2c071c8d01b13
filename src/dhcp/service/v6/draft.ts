// The DHCPv6 reply a handler chain fills in, before the server core turns it into ADVERTISE or
// REPLY (RFC 8415 §18.3). Handlers set the lease and options; the core decides, per message
// type, which of them the reply carries, and owns IA_NA, Status Code and the identifiers.
import type { Dhcp4Decision } from '../draft.ts';

/** Who decided what, for logs and `coresmd explain` (the DHCPv4 shape). */
export type Dhcp6Decision = Dhcp4Decision;

export interface Dhcp6Lease {
  /** 16 bytes. */
  readonly address: Uint8Array;
  /** RFC 5952 text. */
  readonly text: string;
}

export interface Dhcp6Draft {
  /** The address this client is bound to (its SMD address); undefined while no handler claimed it. */
  lease: Dhcp6Lease | undefined;
  /** Valid and preferred lifetime of `lease`, seconds. */
  leaseSeconds: number | undefined;
  /** The Client FQDN (option 39) to send: one fully qualified name. */
  fqdn: string | undefined;
  /** Options by code (23, 24, 16, 59, …), already encoded; the core writes them in code order. */
  readonly options: Map<number, Uint8Array>;
  readonly decisions: Dhcp6Decision[];
  /**
   * Why the client gets no address, said by the handler that looked it up last (`MAC … is not
   * in SMD`, `DUID-UUID and no link-layer address`); the core logs it and puts it in the status.
   */
  miss: string | undefined;
}

export function newDraft6(): Dhcp6Draft {
  return { lease: undefined, leaseSeconds: undefined, fqdn: undefined, options: new Map(), decisions: [], miss: undefined };
}
