// What the coresmd handlers of DHCPv4 and DHCPv6 take alike from a coresmd plugin section and the
// process; chain4.ts and chain6.ts add what only their protocol has (lease seconds, subnets,
// the HTTP boot base for their address family, the TFTP listen check).
import type { Logger } from '../../seams/logger.ts';
import type { Inventory } from '../../smd/inventory.ts';
import type { Snapshot } from '../../smd/snapshot.ts';
import type { CoresmdConfig } from '../config/coresmd-config.ts';

export function coresmdHandlerBase(config: CoresmdConfig, deps: { readonly inventory?: Inventory | undefined; readonly logger: Logger }) {
  const inv = deps.inventory;
  return {
    inventory: (): Snapshot | undefined => inv?.current(),
    rules: config.rules,
    ruleLog: config.ruleLog,
    domain: config.domain,
    ipxeBaseUri: config.ipxeBaseUri,
    logger: deps.logger,
  };
}
