// Loads the annotated-hex TFTP fixtures of test/fixtures/tftp (provenance in each file's `;;` header).
import { readdirSync } from 'node:fs';
import { loadHexFixture } from '../support/hex.ts';

const dir = new URL('../fixtures/tftp/', import.meta.url);

/** One fixture's bytes, e.g. `tftpFixture('atftp-0.8.0-rrq-plain.hex')`. */
export function tftpFixture(name: string): Uint8Array {
  return loadHexFixture(new URL(name, dir));
}

/** Every fixture file name, sorted. */
export function tftpFixtureNames(): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.hex'))
    .sort();
}
