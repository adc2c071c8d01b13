import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { loadRawSocket } from '../../src/net/raw-socket-module.ts';

function addonBuilt(): boolean {
  try {
    createRequire(import.meta.url)('raw-socket');
    return true;
  } catch {
    return false;
  }
}

describe('loadRawSocket', () => {
  test('reports a missing addon as a reason, without throwing', () => {
    const r = loadRawSocket('raw-socket-that-is-not-installed');
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /^raw-socket-that-is-not-installed cannot be loaded: Cannot find module/);
  });

  test('refuses a module that does not look like raw-socket', () => {
    const r = loadRawSocket('node:os');
    assert.deepEqual(r, { ok: false, reason: 'node:os does not look like raw-socket (no createSocket/SocketOption)' });
  });

  test('loads the built addon with the Linux options the transport needs', { skip: addonBuilt() ? false : 'raw-socket is not built here' }, () => {
    const r = loadRawSocket();
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(typeof r.module.SocketOption.SO_BINDTODEVICE, 'number');
    assert.equal(typeof r.module.SocketOption.SO_BROADCAST, 'number');
    assert.equal(r.module.Protocol.UDP, 17);
  });
});
