// Helpers shared by the directive setups: positions, argument counts and block checks, with
// the caddy dispenser's error wording where it has one (spec coresmd-dns §1.2).
import { ConfigErrorCode, type ConfigPos, type Diagnostics } from '../config/config-error.ts';
import { nameKey, parseNameWire } from '../../dns/name.ts';
import { EncodeError } from '../../wire/errors.ts';
import type { CorefileToken } from './corefile-lexer.ts';
import type { CorefileDirective } from './corefile-parser.ts';

export function at(t: CorefileToken): ConfigPos {
  return { line: t.line, col: t.col };
}

/** caddy's ArgErr text, so messages read as CoreDNS users know them. */
export function argError(diag: Diagnostics, d: CorefileDirective, key?: string): void {
  const last = d.args[d.args.length - 1] ?? d.name;
  diag.error(at(last), ConfigErrorCode.ArgFormat, `wrong argument count or unexpected line ending after '${last.text}'`, key ?? d.name.text);
}

/** Checks min ≤ args ≤ max (max undefined: no limit); reports and returns false otherwise. */
export function argCount(diag: Diagnostics, d: CorefileDirective, min: number, max: number | undefined): boolean {
  if (d.args.length < min || (max !== undefined && d.args.length > max)) {
    argError(diag, d);
    return false;
  }
  return true;
}

/** Reports a block where the directive takes none. */
export function noBlock(diag: Diagnostics, d: CorefileDirective): void {
  if (d.open !== undefined) diag.error(at(d.open), ConfigErrorCode.ArgFormat, `'${d.name.text}' takes no block`, d.name.text);
}

/**
 * caddy's NextBlock: "block must open on same line". The original then skips the whole block
 * silently (spec §1.2: `smd_url is required` is all the user sees); we say what is wrong.
 */
export function blockOnDirectiveLine(diag: Diagnostics, d: CorefileDirective): boolean {
  if (d.open === undefined) return true;
  const last = d.args[d.args.length - 1] ?? d.name;
  if (d.open.line === last.line) return true;
  diag.error(at(d.open), ConfigErrorCode.ArgFormat, `the '{' of '${d.name.text}' must be on the same line as '${d.name.text}'`, d.name.text);
  return false;
}

/** A domain name as written → its lookup key (`Example.ORG` → `example.org.`), or undefined. */
export function zoneKey(text: string): string | undefined {
  if (text === '.') return '.';
  if (text === '' || text.startsWith('.') || text.includes('..')) return undefined;
  try {
    parseNameWire(text);
  } catch (e) {
    if (e instanceof EncodeError) return undefined;
    throw e;
  }
  return nameKey(text.endsWith('.') ? text : `${text}.`);
}

/** True when the lookup key `name` is `zone` or below it (label boundaries, `.` holds all). */
export function inZone(name: string, zone: string): boolean {
  return zone === '.' || name === zone || name.endsWith(`.${zone}`);
}

/** `host:port`, `:port`, `[v6]:port` → parts; undefined when malformed or the port is not 1–65535. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([0-9]{1,5})$/.exec(text);
  if (m === null) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1] ?? m[2] ?? '', port };
}
