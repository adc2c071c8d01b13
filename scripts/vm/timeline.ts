// The admin API's view of one VM boot, for scripts/vm-boot-test.sh: fetches
// GET /api/v1/nodes/<mac>/timeline from the running `coresmd dhcp` and checks that its events
// show every stage of a two-stage network boot, in order:
//   DISCOVER (firmware) → OFFER <binary> → REQUEST → ACK <binary> → TFTP transfer-done <binary>
//   → DISCOVER (user class iPXE) → REQUEST (user class iPXE) → ACK <boot-script URL>
// Other events may come between (a UEFI tsize probe, retransmissions, ignored requests).
//
//   node --import tsx scripts/vm/timeline.ts ADMIN-URL MAC BINARY SCRIPT-URL
//
// Prints one line naming each stage found with its time after the first event; exit 1 with the
// events seen when a stage is missing.
interface BootEvent {
  readonly seq: number;
  readonly at: string;
  readonly service: string;
  readonly type: string;
  readonly ip?: string;
  readonly detail?: Record<string, unknown>;
}

const [adminUrl, mac, binary, scriptUrl] = process.argv.slice(2);
if (adminUrl === undefined || mac === undefined || binary === undefined || scriptUrl === undefined) {
  console.error('usage: timeline.ts ADMIN-URL MAC BINARY SCRIPT-URL');
  process.exit(2);
}

const ipxe = (e: BootEvent): boolean => e.detail?.['ipxe'] === true || String(e.detail?.['userClass'] ?? '').split(',').includes('iPXE');

const stages: readonly { readonly name: string; readonly match: (e: BootEvent) => boolean }[] = [
  { name: 'DISCOVER', match: (e) => e.service === 'dhcp4' && e.type === 'DISCOVER' && !ipxe(e) },
  { name: `OFFER ${binary}`, match: (e) => e.service === 'dhcp4' && e.type === 'OFFER' && e.detail?.['file'] === binary },
  { name: 'REQUEST', match: (e) => e.service === 'dhcp4' && e.type === 'REQUEST' && !ipxe(e) },
  { name: `ACK ${binary}`, match: (e) => e.service === 'dhcp4' && e.type === 'ACK' && e.detail?.['file'] === binary },
  { name: `TFTP ${binary}`, match: (e) => e.service === 'tftp' && e.type === 'transfer-done' && e.detail?.['file'] === binary && e.detail?.['outcome'] === 'complete' },
  { name: 'DISCOVER iPXE', match: (e) => e.service === 'dhcp4' && e.type === 'DISCOVER' && ipxe(e) },
  { name: 'REQUEST iPXE', match: (e) => e.service === 'dhcp4' && e.type === 'REQUEST' && ipxe(e) },
  { name: 'ACK script URL', match: (e) => e.service === 'dhcp4' && e.type === 'ACK' && e.detail?.['file'] === scriptUrl },
];

const res = await fetch(`${adminUrl}/api/v1/nodes/${mac}/timeline`);
if (res.status !== 200) {
  console.log(`GET /api/v1/nodes/${mac}/timeline: ${res.status} ${await res.text()}`);
  process.exit(1);
}
const body = (await res.json()) as { node: { xname: string | null }; events: BootEvent[] };
const t0 = Date.parse(body.events[0]?.at ?? '');
const found: string[] = [];
let i = 0;
for (const e of body.events) {
  const stage = stages[i];
  if (stage === undefined) break;
  if (!stage.match(e)) continue;
  const extra = stage.name.startsWith('TFTP') ? ` ${String(e.detail?.['bytes'])} bytes` : stage.name.startsWith('OFFER') ? ` ${e.ip ?? '?'} rule=${String(e.detail?.['rule'] ?? '-')}` : '';
  found.push(`${stage.name}${extra} +${((Date.parse(e.at) - t0) / 1000).toFixed(2)}s`);
  i++;
}
if (i < stages.length) {
  console.log(`missing stage '${stages[i]!.name}' after: ${found.join(' → ') || 'nothing'}`);
  console.log(`events: ${body.events.map((e) => `${e.service}:${e.type}${e.detail?.['file'] === undefined ? '' : `(${String(e.detail['file'])})`}`).join(' ')}`);
  process.exit(1);
}
console.log(`${body.node.xname ?? mac}: ${found.join(' → ')} (${body.events.length} events)`);
