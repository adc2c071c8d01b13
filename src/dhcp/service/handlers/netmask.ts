// coredhcp `netmask`: option 1, Subnet Mask (RFC 2132 §3.3), in every reply (coredhcp
// plugins/netmask Handler4). A coresmd rule's netmask (or its subnet's) replaces it (spec §3.3).
import { formatIPv4, maskToPrefix } from '../../../wire/addr.ts';
import { Dhcp4Opt } from '../../v4/constants.ts';
import { ipv4 } from '../../v4/option-values.ts';
import type { Dhcp4Handler } from '../chain.ts';
import { createStaticOptionHandler } from './static-option.ts';

export interface NetmaskHandlerOptions {
  /** The mask as u32, e.g. 0xffffff00; must be contiguous and not 0. */
  readonly mask: number;
}

export function createNetmaskHandler(options: NetmaskHandlerOptions): Dhcp4Handler {
  const prefix = maskToPrefix(options.mask >>> 0);
  if (prefix === undefined || prefix === 0) throw new RangeError(`netmask: ${formatIPv4(options.mask)} is not a contiguous netmask`);
  return createStaticOptionHandler({
    name: 'netmask',
    code: Dhcp4Opt.SubnetMask,
    value: ipv4(options.mask >>> 0),
    when: 'always',
    text: `${formatIPv4(options.mask)} (/${prefix})`,
  });
}
