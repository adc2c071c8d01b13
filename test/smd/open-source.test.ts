import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { createInventorySource } from '../../src/smd/open-source.ts';
import type { SmdHttpGet } from '../../src/smd/client.ts';
import { EXAMPLE_PATH } from './support/example.ts';

const noHttp: SmdHttpGet = () => Promise.reject(new Error('no HTTP in this test'));

describe('createInventorySource', () => {
  test('file:// gives a file source that reads the document', async () => {
    const src = createInventorySource({ url: pathToFileURL(EXAMPLE_PATH).toString(), timeoutMs: 10, httpGet: noHttp });
    assert.equal(src.kind, 'file');
    assert.equal((await src.fetch()).interfaces.length, 13);
  });

  test('http:// and https:// give an SMD source on that base URL', () => {
    for (const url of ['http://127.0.0.1:27779', 'HTTPS://demo.openchami.cluster:8443/apis/smd']) {
      const src = createInventorySource({ url, timeoutMs: 10, httpGet: noHttp });
      assert.equal(src.kind, 'smd');
      assert.equal(src.describe().toLowerCase(), url.toLowerCase());
    }
  });

  test('anything else is a configuration error', () => {
    for (const url of ['ftp://h/x', '/etc/inventory.json', 'smd.example:27779']) {
      assert.throws(() => createInventorySource({ url, timeoutMs: 10, httpGet: noHttp }), RangeError, url);
    }
  });
});
