// coredhcp `dns` (DHCPv6): option 23, DNS Recursive Name Server (RFC 3646 §3), when the client
// lists it in its Option Request (coredhcp plugins/dns Handler6).
import { Dhcp6Opt } from '../../../v6/constants.ts';
import { ipv6List } from '../../../v6/option-values.ts';
import type { Dhcp6Handler } from '../chain.ts';
import { createStaticOption6Handler } from './static-option.ts';

export interface Dns6HandlerOptions {
  /** IPv6 addresses (16 bytes each), in the configured order; at least one. */
  readonly servers: readonly Uint8Array[];
  /** Their text, for the decision log. */
  readonly text: readonly string[];
}

export function createDns6Handler(options: Dns6HandlerOptions): Dhcp6Handler {
  return createStaticOption6Handler({
    name: 'dns',
    code: Dhcp6Opt.DnsServers,
    value: ipv6List(options.servers),
    when: 'requested',
    text: options.text.join(','),
  });
}
