// The coredhcp `file` plugin's hosts file (coredhcp plugins/file LoadDHCPv4Records): one
// static lease per line, a MAC and an IPv4 address separated by whitespace.
//
//   # compute rack 1
//   52:54:00:be:ef:01 172.16.0.1
//   52-54-00-BE-EF-02 172.16.0.2   # any MAC form, trailing comments
//
// Differences from upstream, on purpose:
// - Errors name `file:line` (upstream quotes only the line's text).
// - `#` starts a comment anywhere on a line, and lines of only whitespace are blank (upstream
//   skips only lines that *begin* with `#` and fails on a line holding a single space).
// - The same MAC twice with different addresses is an error; upstream keeps the last silently.
// - 0.0.0.0 and 255.255.255.255 cannot be leased and are refused.
import { parseIp, parseMac } from '../../../wire/addr.ts';

export class HostsFileError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'HostsFileError';
    this.file = file;
    this.line = line;
  }
}

/** MAC (lowercase colon form) → IPv4 address (u32). */
export type HostsTable = ReadonlyMap<string, number>;

/** Parses the whole file; throws HostsFileError at the first bad line. `file` names it in errors. */
export function parseHostsFile(text: string, file: string): HostsTable {
  const table = new Map<string, number>();
  const lineOf = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const hash = raw.indexOf('#');
    const body = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    if (body === '') continue;
    const lineNo = i + 1;
    const fields = body.split(/\s+/);
    if (fields.length !== 2) {
      throw new HostsFileError(file, lineNo, `want 2 fields (MAC and IPv4 address), got ${fields.length}: ${JSON.stringify(body)}`);
    }
    const [macText, ipText] = fields as [string, string];
    const mac = parseMac(macText);
    if (mac === undefined) throw new HostsFileError(file, lineNo, `malformed hardware address ${JSON.stringify(macText)}`);
    // Go's ParseIP(..).To4() also takes `::ffff:a.b.c.d`; parseIp folds it to IPv4 the same way.
    const ip = parseIp(ipText);
    if (ip === undefined || ip.family !== 4) {
      throw new HostsFileError(file, lineNo, `expected an IPv4 address, got ${JSON.stringify(ipText)}`);
    }
    if (ip.v4 === 0 || ip.v4 === 0xffffffff) throw new HostsFileError(file, lineNo, `${ip.text} cannot be leased`);
    const had = table.get(mac);
    if (had !== undefined && had !== ip.v4) {
      throw new HostsFileError(file, lineNo, `${mac} is already given another address on line ${lineOf.get(mac)!}`);
    }
    table.set(mac, ip.v4);
    if (had === undefined) lineOf.set(mac, lineNo);
  }
  return table;
}
