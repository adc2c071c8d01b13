import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { loadRawSocket, setRawSocketRequire } from '../../src/net/raw-socket-module.ts';

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

  test('loads through the require handed in by setRawSocketRequire (the single executable\'s embedded raw-socket)', () => {
    const fake = {
      createSocket: () => assert.fail('not called'),
      AddressFamily: { IPv4: 1 },
      Protocol: { UDP: 17 },
      SocketLevel: { SOL_SOCKET: 1, IPPROTO_IP: 0 },
      SocketOption: { IP_HDRINCL: 3, SO_BINDTODEVICE: 25, SO_BROADCAST: 6 },
    };
    const asked: string[] = [];
    const previous = setRawSocketRequire((specifier) => {
      asked.push(specifier);
      return specifier === 'raw-socket' ? fake : previous(specifier);
    });
    try {
      const r = loadRawSocket();
      assert.ok(r.ok);
      assert.equal(r.module, fake);
      assert.deepEqual(loadRawSocket('node:os'), { ok: false, reason: 'node:os does not look like raw-socket (no createSocket/SocketOption)' });
      assert.deepEqual(asked, ['raw-socket', 'node:os']);
    } finally {
      setRawSocketRequire(previous);
    }
    assert.match(loadRawSocket('raw-socket-that-is-not-installed').ok ? '' : 'restored', /restored/);
  });

  test('loads the built addon with the Linux options the transport needs', { skip: addonBuilt() ? false : 'raw-socket is not built here' }, () => {
    const r = loadRawSocket();
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(typeof r.module.SocketOption.SO_BINDTODEVICE, 'number');
    assert.equal(typeof r.module.SocketOption.SO_BROADCAST, 'number');
    assert.equal(r.module.Protocol.UDP, 17);
  });
});
