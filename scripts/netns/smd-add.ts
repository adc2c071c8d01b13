// Adds a compute node to a running SMD (smd-sim) through SMD's own write routes, the way an
// admin or a discovery tool would: POST /hsm/v2/State/Components, then
// POST /hsm/v2/Inventory/EthernetInterfaces. Used by scripts/netns-test.sh.
//
//   node --import tsx scripts/netns/smd-add.ts URL MAC XNAME NID IP [MAC XNAME NID IP]...
//
// Prints one line per node; exits 1 on the first non-2xx answer, printing SMD's body.

const [url, ...rest] = process.argv.slice(2);
if (url === undefined || rest.length === 0 || rest.length % 4 !== 0) {
  console.error('usage: smd-add.ts URL MAC XNAME NID IP [MAC XNAME NID IP]...');
  process.exit(2);
}

async function post(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status}: ${text.trim()}`);
}

try {
  for (let i = 0; i < rest.length; i += 4) {
    const [mac, xname, nidText, ip] = rest.slice(i, i + 4) as [string, string, string, string];
    const nid = Number(nidText);
    if (!Number.isSafeInteger(nid) || nid < 0) throw new Error(`NID '${nidText}' is not a non-negative integer`);
    await post('/hsm/v2/State/Components', {
      Components: [{ ID: xname, Type: 'Node', State: 'On', Flag: 'OK', Enabled: true, Role: 'Compute', NID: nid }],
    });
    await post('/hsm/v2/Inventory/EthernetInterfaces', {
      MACAddress: mac,
      ComponentID: xname,
      Description: `added by scripts/netns-test.sh`,
      IPAddresses: [{ IPAddress: ip }],
    });
    console.log(`added ${mac} -> ${xname} (nid ${nid}) ${ip}`);
  }
} catch (e) {
  console.error(`smd-add: ${(e as Error).message}`);
  process.exit(1);
}
