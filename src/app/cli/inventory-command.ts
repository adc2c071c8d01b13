// `coresmd inventory --smd URL`: fetch SMD (or a file) once and print what the index holds,
// the same index DHCP and DNS answer from. A quick way to see why a node gets what it gets.
import { flag } from './args.ts';
import type { Command } from './command.ts';
import { smdAccessFromFlags, smdFlags } from './smd-flags.ts';
import { openSmdSource } from '../smd-access.ts';
import { describeError } from '../../smd/errors.ts';
import { buildSnapshot, type InterfaceRecord, type Snapshot } from '../../smd/snapshot.ts';

function rowOf(i: InterfaceRecord): string[] {
  return [
    i.mac,
    i.ips.map((ip) => ip.text).join(',') || '-',
    i.componentId || '-',
    i.nid === undefined ? '-' : String(i.nid),
    i.componentType || '-',
  ];
}

export function formatInventoryTable(snap: Snapshot): string {
  const rows = [['MAC', 'IPS', 'XNAME', 'NID', 'TYPE'], ...snap.interfaces.map(rowOf)];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '));
  const s = snap.stats;
  const skipped = Object.entries({
    'duplicate MACs': s.duplicateMacs,
    'invalid MACs': s.invalidMacs,
    'invalid IPs': s.invalidIps,
  })
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  lines.push('', `${s.interfaces} interfaces, ${s.components} components from ${snap.source}${skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : ''}`);
  return lines.join('\n') + '\n';
}

export const inventoryCommand: Command = {
  name: 'inventory',
  summary: 'fetch SMD once and print what the index holds (MAC, IPs, xname, NID, type)',
  usage: '--smd URL [--json]',
  flags: [...smdFlags, { name: 'json', help: 'print the index as JSON lines, one interface per line' }],
  async run(args, io) {
    const access = smdAccessFromFlags(args);
    let snap: Snapshot;
    try {
      const source = openSmdSource(access);
      snap = buildSnapshot(await source.fetch(), { fetchedAt: Date.now(), source: source.describe() });
    } catch (e) {
      const d = describeError(e);
      io.err(`coresmd inventory: ${access.url}: ${d.message} (${d.code})\n`);
      return 1;
    }
    if (flag(args, 'json') !== undefined) {
      for (const i of snap.interfaces) {
        io.out(
          JSON.stringify({ mac: i.mac, ips: i.ips.map((ip) => ip.text), xname: i.componentId, nid: i.nid ?? null, type: i.componentType }) + '\n',
        );
      }
      return 0;
    }
    io.out(formatInventoryTable(snap));
    return 0;
  },
};
