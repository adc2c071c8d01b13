// coredhcp `mtu`: option 26, Interface MTU (RFC 2132 §5.1), sent when the client asks for it
// (coredhcp plugins/mtu Handler4 checks IsOptionRequested, so no option 55 also counts).
import type { Dhcp4Handler } from '../chain.ts';
import { u16 } from '../../v4/option-values.ts';
import { createStaticOptionHandler } from './static-option.ts';

/** RFC 2132 §5.1 (not in Dhcp4Opt yet). */
const INTERFACE_MTU = 26;
/** RFC 2132 §5.1: "The minimum legal value for the MTU is 68." */
const MIN_MTU = 68;

export interface MtuHandlerOptions {
  /** 68–65535. */
  readonly mtu: number;
}

export function createMtuHandler(options: MtuHandlerOptions): Dhcp4Handler {
  const { mtu } = options;
  if (!Number.isInteger(mtu) || mtu < MIN_MTU || mtu > 0xffff) throw new RangeError(`mtu: ${mtu} is not between ${MIN_MTU} and 65535`);
  return createStaticOptionHandler({ name: 'mtu', code: INTERFACE_MTU, value: u16(mtu), when: 'requested', text: String(mtu) });
}
