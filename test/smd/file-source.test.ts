import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SmdError } from '../../src/smd/errors.ts';
import { createFileSource, parseInventoryDocument } from '../../src/smd/file-source.ts';
import { formatInventoryDocument } from '../../src/smd/inventory-document.ts';
import { buildSnapshot } from '../../src/smd/snapshot.ts';
import { EXAMPLE_PATH, loadExample } from './support/example.ts';

describe('file:// inventory source', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coresmd-file-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reads examples/inventory.json from a file:// URL', async () => {
    const src = createFileSource(pathToFileURL(EXAMPLE_PATH).toString());
    assert.equal(src.kind, 'file');
    assert.equal(src.describe(), pathToFileURL(EXAMPLE_PATH).toString());
    const raw = await src.fetch();
    assert.equal(raw.interfaces.length, 13);
    assert.equal(raw.components.length, 12);
  });

  test('re-reads the file on every fetch, so edits show at the next refresh', async () => {
    const file = join(dir, 'live.json');
    await writeFile(file, '{"EthernetInterfaces":[],"Components":[]}');
    const src = createFileSource(pathToFileURL(file).toString());
    assert.equal((await src.fetch()).interfaces.length, 0);
    await writeFile(file, '{"EthernetInterfaces":[{"MACAddress":"aa:bb:cc:dd:ee:ff","ComponentID":"","IPAddresses":[]}],"Components":[]}');
    assert.equal((await src.fetch()).interfaces.length, 1);
  });

  const failures: [name: string, content: string | undefined, code: string, field?: string][] = [
    ['a missing file', undefined, 'ERR_SMD_FILE'],
    ['invalid JSON', '{"EthernetInterfaces":[', 'ERR_SMD_JSON'],
    ['a top-level array', '[]', 'ERR_SMD_SHAPE', 'document'],
    ['a missing Components list', '{"EthernetInterfaces":[]}', 'ERR_SMD_SHAPE', 'Components'],
    ['"EthernetInterfaces": null', '{"EthernetInterfaces":null,"Components":[]}', 'ERR_SMD_SHAPE', 'EthernetInterfaces'],
    ['a bad entry', '{"EthernetInterfaces":[{"MACAddress":1}],"Components":[]}', 'ERR_SMD_SHAPE', 'EthernetInterfaces[0].MACAddress'],
  ];
  for (const [name, content, code, field] of failures) {
    test(`fails with ${code} for ${name}, naming the file`, async () => {
      const file = join(dir, `${code}-${name.replace(/\W+/g, '-')}.json`);
      if (content !== undefined) await writeFile(file, content);
      const err = await createFileSource(pathToFileURL(file).toString()).fetch().then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof SmdError);
      assert.equal(err.code, code);
      assert.equal(err.field, field);
      assert.ok(err.message.startsWith(pathToFileURL(file).toString()), err.message);
    });
  }
});

describe('inventory document format', () => {
  test('keys match case-insensitively, like SMD bodies', () => {
    const raw = parseInventoryDocument('{"ethernetinterfaces":[],"COMPONENTS":[{"id":"x1","type":"Cabinet"}]}', 'inline');
    assert.deepEqual(raw.components, [{ ID: 'x1', Type: 'Cabinet' }]);
  });

  test('formatInventoryDocument round-trips through parseInventoryDocument', () => {
    const raw = loadExample();
    const again = parseInventoryDocument(formatInventoryDocument(raw, { note: 'x' }), 'roundtrip');
    assert.deepEqual(again, raw);
    assert.deepEqual(buildSnapshot(again, { fetchedAt: 0, source: '' }).stats, buildSnapshot(raw, { fetchedAt: 0, source: '' }).stats);
  });

  test('formatInventoryDocument writes head keys first and one entry per line', () => {
    const text = formatInventoryDocument(
      { interfaces: [{ MACAddress: 'aa:bb:cc:dd:ee:ff', ComponentID: '', IPAddresses: [] }], components: [] },
      { version: 1 },
    );
    assert.equal(text, '{"version":1,\n"EthernetInterfaces":[\n {"MACAddress":"aa:bb:cc:dd:ee:ff","ComponentID":"","IPAddresses":[]}\n],\n"Components":[]}\n');
  });
});
