// coredhcp `router`: option 3, Router (RFC 2132 §3.5), in every reply (coredhcp plugins/router
// Handler4). A coresmd rule with `routers:` replaces it for the nodes it matches (spec §3.3).
import { formatIPv4 } from '../../../wire/addr.ts';
import { Dhcp4Opt } from '../../v4/constants.ts';
import { ipv4List } from '../../v4/option-values.ts';
import type { Dhcp4Handler } from '../chain.ts';
import { createStaticOptionHandler } from './static-option.ts';

export interface RouterHandlerOptions {
  /** IPv4 addresses (u32), preferred first (RFC 2132 §3.5); at least one. */
  readonly routers: readonly number[];
}

export function createRouterHandler(options: RouterHandlerOptions): Dhcp4Handler {
  return createStaticOptionHandler({
    name: 'router',
    code: Dhcp4Opt.Router,
    value: ipv4List(options.routers),
    when: 'always',
    text: options.routers.map(formatIPv4).join(','),
  });
}
