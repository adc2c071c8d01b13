import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBootScriptUrl, parseBootScriptBase } from '../../src/boot/ipxe-url.ts';

const MAC = 'de:ad:c0:de:ca:fe';

describe('boot-script URL (spec coresmd-dhcp §5.1 step 6: url.JoinPath, RawQuery = mac=…)', () => {
  const cases: Array<[string, string, string]> = [
    ['a base without a path gets /boot/v1/bootscript', 'http://172.16.0.253:8081', `http://172.16.0.253:8081/boot/v1/bootscript?mac=${MAC}`],
    ['a base path of / is the same', 'http://172.16.0.253:8081/', `http://172.16.0.253:8081/boot/v1/bootscript?mac=${MAC}`],
    ['a base path /bss/ is kept', 'http://bss.local/bss/', `http://bss.local/bss/boot/v1/bootscript?mac=${MAC}`],
    ['a base path without its trailing slash is kept', 'http://bss.local/apis/bss', `http://bss.local/apis/bss/boot/v1/bootscript?mac=${MAC}`],
    ['a query on the base is replaced', 'http://bss.local/bss?token=x&mac=aa', `http://bss.local/bss/boot/v1/bootscript?mac=${MAC}`],
    ['a fragment on the base is kept', 'http://bss.local/bss#top', `http://bss.local/bss/boot/v1/bootscript?mac=${MAC}#top`],
    ['an empty fragment is dropped, as url.String does', 'http://bss.local/#', `http://bss.local/boot/v1/bootscript?mac=${MAC}`],
    ['path.Join cleans . .. and doubled slashes', 'http://h//a/./b/../c/', `http://h/a/c/boot/v1/bootscript?mac=${MAC}`],
    ['.. cannot climb above the root', 'http://h/../..', `http://h/boot/v1/bootscript?mac=${MAC}`],
    ['the scheme is lowercased, the host kept', 'HTTPS://BSS.Example:8443/x', `https://BSS.Example:8443/x/boot/v1/bootscript?mac=${MAC}`],
    ['userinfo and IPv6 literals are kept', 'http://u:p@[fd00::1]:8081', `http://u:p@[fd00::1]:8081/boot/v1/bootscript?mac=${MAC}`],
    ['percent-escapes in the base path stay as written', 'http://h/a%20b/', `http://h/a%20b/boot/v1/bootscript?mac=${MAC}`],
  ];
  for (const [name, base, want] of cases) {
    test(name, () => {
      assert.equal(formatBootScriptUrl(parseBootScriptBase(base), MAC), want);
    });
  }

  test('the MAC is not percent-encoded', () => {
    const url = formatBootScriptUrl(parseBootScriptBase('http://h'), MAC);
    assert.ok(url.endsWith(`?mac=${MAC}`));
    assert.ok(!url.includes('%3A'));
  });

  test('the precomputed base splits exactly where the MAC goes', () => {
    assert.deepEqual(parseBootScriptBase('http://h:1/bss/?q=1#f'), { head: 'http://h:1/bss/boot/v1/bootscript?mac=', tail: '#f' });
  });

  test('one base serves every MAC', () => {
    const base = parseBootScriptBase('http://172.16.0.253:8081');
    assert.equal(formatBootScriptUrl(base, '52:54:00:be:ef:01'), 'http://172.16.0.253:8081/boot/v1/bootscript?mac=52:54:00:be:ef:01');
    assert.equal(formatBootScriptUrl(base, '52:54:00:be:ef:02'), 'http://172.16.0.253:8081/boot/v1/bootscript?mac=52:54:00:be:ef:02');
  });
});
