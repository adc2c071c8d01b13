// The file format for a whole inventory: `{"EthernetInterfaces": [...], "Components": [...]}`,
// each entry in SMD's own shape (spec coresmd-dns §3.2, §3.3). Used by file:// sources,
// cache_file (with extra keys), examples/inventory.json, the CLI and smd-sim.

import { SmdError, SmdErrorCode } from './errors.ts';
import type { RawInventory } from './types.ts';
import { getFolded, isObject, kindOf, validateComponents, validateEthernetInterfaces } from './validate.ts';

/** Parses and validates document text; `name` (a path or URL) prefixes every error message. */
export function parseInventoryDocument(text: string, name: string): RawInventory {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new SmdError(SmdErrorCode.Json, `${name}: invalid JSON: ${(err as Error).message}`, { url: name, cause: err });
  }
  return validateInventoryObject(doc, name);
}

/** Validates an already parsed document (keys matched case-insensitively, as everywhere). */
export function validateInventoryObject(doc: unknown, name: string): RawInventory {
  try {
    if (!isObject(doc)) {
      throw new SmdError(SmdErrorCode.Shape, `document: expected object, found ${kindOf(doc)}`, { field: 'document' });
    }
    const interfaces = validateEthernetInterfaces(getFolded(doc, 'EthernetInterfaces'));
    const components = validateComponents(getFolded(doc, 'Components'));
    return { interfaces, components };
  } catch (err) {
    if (err instanceof SmdError) {
      throw new SmdError(err.code, `${name}: ${err.message}`, { url: name, ...(err.field === undefined ? {} : { field: err.field }) });
    }
    throw err;
  }
}

/**
 * Serializes an inventory in the document format, `head` keys first (cache_file puts
 * version, fetchedAt and source there). One entry per line keeps diffs and `less` usable.
 */
export function formatInventoryDocument(raw: RawInventory, head: Readonly<Record<string, unknown>> = {}): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(head)) parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  const list = (items: readonly unknown[]) =>
    items.length === 0 ? '[]' : `[\n${items.map((i) => ` ${JSON.stringify(i)}`).join(',\n')}\n]`;
  parts.push(`"EthernetInterfaces":${list(raw.interfaces)}`);
  parts.push(`"Components":${list(raw.components)}`);
  return `{${parts.join(',\n')}}\n`;
}
