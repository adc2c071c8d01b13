// Recovery's reading of the journal: which records are intact, where the intact prefix ends,
// and whether damage after it is a torn tail (cut) or damage in the middle (refuse to open).
// The rules are in docs/bootloop-journal.md, "Recovery".

import { BootloopError, BootloopErrorCode } from './errors.ts';
import { parseRecord, type JournalRecord } from './journal-record.ts';

const LF = 0x0a;

/** Where a record was cut off or found damaged. */
export interface JournalDamage {
  readonly line: number;
  readonly offset: number;
  readonly problem: string;
}

export interface Scan {
  readonly records: JournalRecord[];
  /** Length of the intact prefix: header plus every intact record. */
  readonly goodLength: number;
  readonly damage: JournalDamage | undefined;
}

/** Reads the records after the header; throws BootloopError for damage it must not cut. */
export function scanRecords(path: string, buf: Buffer, start: number, truncateAtDamage: boolean): Scan {
  const records: JournalRecord[] = [];
  let pos = start;
  let line = 2;
  while (pos < buf.length) {
    const nl = buf.indexOf(LF, pos);
    if (nl === -1) {
      // A fragment without LF: the write of the last batch was cut short.
      return { records, goodLength: pos, damage: { line, offset: pos, problem: 'incomplete last record (no line feed)' } };
    }
    const parsed = parseRecord(buf, pos, nl);
    if (parsed.ok) {
      records.push(parsed.record);
      pos = nl + 1;
      line++;
      continue;
    }
    const damage = { line, offset: pos, problem: parsed.problem };
    const isLast = buf.indexOf(LF, nl + 1) === -1;
    if ((isLast && parsed.kind === 'frame') || truncateAtDamage) return { records, goodLength: pos, damage };
    const following = countLines(buf, nl + 1);
    const code = parsed.kind === 'frame' ? BootloopErrorCode.Corrupt : BootloopErrorCode.Record;
    const why =
      parsed.kind === 'frame'
        ? `${following} more line(s) follow, so this is damage, not a torn write`
        : 'the checksum matches, so this was written this way (edited by hand?)';
    throw new BootloopError(
      code,
      `${path}:${line}: byte offset ${pos}: ${parsed.problem}; ${why}. Refusing to open rather than drop leases: ` +
        `repair or move the file (opening with truncateAtDamage cuts it here, losing ${following + 1} record(s))`,
      { file: path, line, offset: pos },
    );
  }
  return { records, goodLength: pos, damage: undefined };
}

function countLines(buf: Buffer, from: number): number {
  let n = 0;
  for (let i = buf.indexOf(LF, from); i !== -1; i = buf.indexOf(LF, i + 1)) n++;
  // A trailing fragment without LF counts as a line too.
  const lastLf = buf.lastIndexOf(LF);
  if (lastLf < buf.length - 1 && lastLf + 1 >= from) n++;
  return n;
}
