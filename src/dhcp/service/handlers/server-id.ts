// coredhcp `server_id` (DHCPv4): option 54, Server Identifier (RFC 2132 §9.7), and siaddr, the
// next server a PXE ROM fetches its boot file from (RFC 2131 §2), both set to the configured
// address (coredhcp plugins/server_id Handler4).
//
// The server core already fills both with our address on the ingress interface, or with the
// configured server_id when the app passes it on, and drops a SELECTING REQUEST whose option 54
// names another server (RFC 2131 §4.3.2). Upstream instead drops any request whose *siaddr* is
// set and not ours (spec coresmd-dhcp §10.10): clients put 0 there, so that test rarely fires and
// is not repeated here. The plugin stays for its place in the chain: coresmd, after it, copies
// siaddr into option 17, and a plugin listed before server_id sees the ingress address instead.
import { formatIPv4 } from '../../../wire/addr.ts';
import type { Dhcp4Handler } from '../chain.ts';
import type { Dhcp4Decision } from '../draft.ts';
import { answersClient } from './static-option.ts';

export interface ServerIdHandlerOptions {
  /** Our IPv4 address (u32); not 0.0.0.0 or 255.255.255.255. */
  readonly address: number;
}

export function createServerIdHandler(options: ServerIdHandlerOptions): Dhcp4Handler {
  const address = options.address >>> 0;
  if (address === 0 || address === 0xffffffff) throw new RangeError(`server_id: ${formatIPv4(address)} cannot identify a server`);
  const decision: Dhcp4Decision = Object.freeze({ plugin: 'server_id', reason: `server identifier and siaddr ${formatIPv4(address)}` });
  return {
    name: 'server_id',
    handle(_req, draft) {
      if (!answersClient(draft)) return 'next';
      draft.serverId = address;
      draft.siaddr = address;
      draft.decisions.push(decision);
      return 'next';
    },
  };
}
