// Runs `fn`, requires a WireError, and returns its contract fields (never the message text:
// tests assert codes and fields, house style §5.4).
import assert from 'node:assert/strict';
import { WireError } from '../../src/wire/errors.ts';

export interface WireErrorInfo {
  readonly code: string;
  readonly offset: number;
  readonly field: string;
}

export function wireErrorOf(fn: () => unknown): WireErrorInfo {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof WireError, `expected WireError, got ${String(e)}`);
    return { code: e.code, offset: e.offset, field: e.field };
  }
  assert.fail('expected a WireError, nothing was thrown');
}
