// coredhcp `searchdomains` (DHCPv4): option 119, Domain Search (RFC 3397 §2), in every reply
// (coredhcp plugins/searchdomains Handler4). Upstream writes the names uncompressed
// (rfc1035label); here they are compressed, which RFC 3397 §2 allows and clients must accept.
import { Dhcp4Opt } from '../../v4/constants.ts';
import { encodeDomainSearch } from '../../v4/domain-search.ts';
import type { Dhcp4Handler } from '../chain.ts';
import { createStaticOptionHandler } from './static-option.ts';

export interface SearchDomainsHandlerOptions {
  /** Domain names, searched in this order; at least one. */
  readonly domains: readonly string[];
}

export function createSearchDomainsHandler(options: SearchDomainsHandlerOptions): Dhcp4Handler {
  if (options.domains.length === 0) throw new RangeError('searchdomains: needs at least one domain');
  return createStaticOptionHandler({
    name: 'searchdomains',
    code: Dhcp4Opt.DomainSearch,
    // Throws EncodeError at start-up for a name that cannot be encoded (empty label, > 63 octets).
    value: encodeDomainSearch(options.domains),
    when: 'always',
    text: options.domains.join(','),
  });
}
