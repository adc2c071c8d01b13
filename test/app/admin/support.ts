// Shared by the admin tests: a recording BootEvents sink, a directory over a hand-made
// inventory, and a tiny SSE reader.
import type { BootEventInput, BootEvents } from '../../../src/seams/boot-events.ts';
import type { NodeDirectory } from '../../../src/app/admin/node-directory.ts';

export class RecordingEvents implements BootEvents {
  readonly enabled = true;
  readonly events: BootEventInput[] = [];
  emit(e: BootEventInput): void {
    this.events.push(e);
  }
  types(): string[] {
    return this.events.map((e) => `${e.service} ${e.type}`);
  }
}

/** MAC → xname and IP → MAC, as an inventory would say. */
export function directory(nodes: Record<string, { xname: string; ip?: string }>): NodeDirectory {
  return {
    hasInventory: () => true,
    xnameOfMac: (mac) => nodes[mac]?.xname,
    macOfIp: (ip) => Object.entries(nodes).find(([, n]) => n.ip === ip)?.[0],
  };
}

/** Frames of a text/event-stream body: `{id, event, data}` per blank-line-separated block (comments kept as `comment`). */
export function parseSse(text: string): { id?: string; event?: string; data?: string; comment?: string }[] {
  const out: { id?: string; event?: string; data?: string; comment?: string }[] = [];
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    const f: { id?: string; event?: string; data?: string; comment?: string } = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) f.comment = line.slice(1).trim();
      else {
        const i = line.indexOf(':');
        const k = line.slice(0, i);
        const v = line.slice(i + 1).replace(/^ /, '');
        if (k === 'id' || k === 'event' || k === 'data') f[k] = v;
      }
    }
    out.push(f);
  }
  return out;
}

/** Prometheus text 0.0.4: every line a comment, HELP/TYPE, or `name{labels} value`; returns samples. */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m !== null) {
      if (m[1] === 'TYPE') {
        if (types.has(m[2]!)) throw new Error(`TYPE of ${m[2]} given twice`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]!)) throw new Error(`bad TYPE line: ${line}`);
        types.set(m[2]!, m[3]!);
      }
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (m === null) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const key = `${m[1]}${m[2] ?? ''}`;
    if (samples.has(key)) throw new Error(`sample ${key} given twice`);
    samples.set(key, Number(m[3]));
  }
  return samples;
}
