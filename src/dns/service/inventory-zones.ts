// The coresmd zones of one server block, kept in step with the inventory: a new index is built
// from each snapshot in the inventory's swap listener (after a refresh, never while a query is
// answered) and replaces the old one with one reference assignment, as the CoreDNS hosts plugin
// swaps its map. Queries read current() and never see a half-built index.

import type { Logger } from '../../seams/logger.ts';
import type { Inventory } from '../../smd/inventory.ts';
import type { Snapshot } from '../../smd/snapshot.ts';
import type { CoresmdZones } from './query-handler.ts';
import { buildZoneIndex, type DnsZoneIndex, type DnsZoneIndexOptions, type DnsZoneSpec } from './zone-index.ts';

export interface InventoryZonesOptions extends DnsZoneIndexOptions {
  /** The shared inventory (design.md: one per process). */
  readonly inventory: Pick<Inventory, 'current' | 'onSwap'>;
  readonly zones: readonly DnsZoneSpec[];
  readonly logger: Logger;
}

export class InventoryZones implements CoresmdZones {
  readonly ttl: number;
  readonly #zones: readonly DnsZoneSpec[];
  readonly #options: DnsZoneIndexOptions;
  readonly #log: Logger;
  readonly #unsubscribe: () => void;
  #index: DnsZoneIndex;
  #lastCollisions = 0;

  constructor(options: InventoryZonesOptions) {
    this.ttl = options.ttl;
    this.#zones = options.zones;
    this.#options = { ttl: options.ttl, nsAddresses: options.nsAddresses };
    this.#log = options.logger.child({ component: 'dns-zones' });
    this.#index = this.#build(options.inventory.current());
    this.#unsubscribe = options.inventory.onSwap((next) => {
      this.#index = this.#build(next);
    });
  }

  current(): DnsZoneIndex {
    return this.#index;
  }

  /** Stops following the inventory. */
  close(): void {
    this.#unsubscribe();
  }

  #build(snapshot: Snapshot | undefined): DnsZoneIndex {
    const index = buildZoneIndex(snapshot, this.#zones, this.#options);
    if (snapshot !== undefined) {
      const { names, ptrs, collisions, nodesWithoutNid } = index.stats;
      this.#log.debug('DNS index rebuilt', { zones: index.zones.map((z) => z.key).join(' '), names, ptrs, collisions, nodesWithoutNid });
      // Only a change is worth a warning: the same collisions every refresh would flood the log.
      if (collisions !== this.#lastCollisions && collisions > 0) {
        this.#log.warn('DNS names claimed by more than one component; the first in SMD order keeps each', { collisions });
      }
      this.#lastCollisions = collisions;
    }
    return index;
  }
}
