// coredhcp `searchdomains` (DHCPv6): option 24, Domain Search List (RFC 3646 §4), in every
// reply (coredhcp plugins/searchdomains Handler6). Names are uncompressed, as RFC 8415 §10
// requires.
import { Dhcp6Opt } from '../../../v6/constants.ts';
import { domainList } from '../../../v6/dns-name.ts';
import type { Dhcp6Handler } from '../chain.ts';
import { createStaticOption6Handler } from './static-option.ts';

export interface SearchDomains6HandlerOptions {
  /** Domain names, searched in this order; at least one. */
  readonly domains: readonly string[];
}

export function createSearchDomains6Handler(options: SearchDomains6HandlerOptions): Dhcp6Handler {
  if (options.domains.length === 0) throw new RangeError('searchdomains: needs at least one domain');
  return createStaticOption6Handler({
    name: 'searchdomains',
    code: Dhcp6Opt.DomainList,
    // Throws EncodeError at start-up for a name that cannot be encoded.
    value: domainList(options.domains),
    when: 'always',
    text: options.domains.join(','),
  });
}
