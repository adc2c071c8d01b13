// coredhcp `dns` (DHCPv4): option 6, Domain Name Server (RFC 2132 §3.8), sent when the client
// asks for it in option 55 or sends no option 55 at all (coredhcp plugins/dns Handler4).
import { formatIPv4 } from '../../../wire/addr.ts';
import { Dhcp4Opt } from '../../v4/constants.ts';
import { ipv4List } from '../../v4/option-values.ts';
import type { Dhcp4Handler } from '../chain.ts';
import { createStaticOptionHandler } from './static-option.ts';

export interface DnsHandlerOptions {
  /** IPv4 addresses (u32), in the configured order; at least one. */
  readonly servers: readonly number[];
}

export function createDnsHandler(options: DnsHandlerOptions): Dhcp4Handler {
  return createStaticOptionHandler({
    name: 'dns',
    code: Dhcp4Opt.DomainNameServer,
    value: ipv4List(options.servers),
    when: 'requested',
    text: options.servers.map(formatIPv4).join(','),
  });
}
