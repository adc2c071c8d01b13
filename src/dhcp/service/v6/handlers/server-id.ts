// coredhcp `server_id` (DHCPv6): the server's DUID (spec coresmd-dhcp §6.1). The server core
// already puts the DUID in every reply and does the plugin's discard checks (RFC 8415 §16,
// acceptance.ts) with the configured DUID, or a default one when the config names none
// (run-dhcp6.ts); this handler only records the decision where the plugin sits in the chain.
import { formatDuid } from '../../../v6/duid.ts';
import type { Dhcp6Handler } from '../chain.ts';
import type { Dhcp6Decision } from '../draft.ts';

export function createServerId6Handler(options: { readonly duid: Uint8Array }): Dhcp6Handler {
  const decision: Dhcp6Decision = Object.freeze({ plugin: 'server_id', reason: `server DUID ${formatDuid(options.duid)}` });
  return {
    name: 'server_id',
    handle(_req, draft) {
      draft.decisions.push(decision);
      return 'next';
    },
  };
}
