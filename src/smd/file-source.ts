// An InventorySource backed by a JSON file, `file:///path/inventory.json`, in the document
// format of inventory-document.ts. Re-read on every fetch, so editing the file is picked up at
// the next refresh like an SMD change would be.

import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SmdError, SmdErrorCode } from './errors.ts';
import { parseInventoryDocument } from './inventory-document.ts';
import type { InventorySource, RawInventory } from './types.ts';

export { parseInventoryDocument } from './inventory-document.ts';

/** `file:///abs/path.json` (or a plain path) → a source reading that file. */
export function createFileSource(location: string): InventorySource {
  const path = location.startsWith('file:') ? fileURLToPath(location) : location;
  const shown = pathToFileURL(path).toString();
  return {
    kind: 'file',
    describe: () => shown,
    async fetch(): Promise<RawInventory> {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
        throw new SmdError(SmdErrorCode.File, `${shown}: cannot read (${code})`, { url: shown, cause: err });
      }
      return parseInventoryDocument(text, shown);
    },
  };
}
