// examples/inventory.json (spec coresmd-dns §4), loaded once per test file.

import { readFileSync } from 'node:fs';
import { parseInventoryDocument } from '../../../src/smd/inventory-document.ts';
import type { RawInventory } from '../../../src/smd/types.ts';

export const EXAMPLE_PATH = new URL('../../../examples/inventory.json', import.meta.url).pathname;

export function loadExample(): RawInventory {
  return parseInventoryDocument(readFileSync(EXAMPLE_PATH, 'utf8'), EXAMPLE_PATH);
}
