// Rule errors. The message texts are the original's (internal/rule/errors.go) and are part of
// the contract (spec §3.7 L); `code` is the stable value tests and callers branch on.
import { goQuote } from './go-quote.ts';

export const RuleErrorCode = {
  EmptyRule: 'ERR_RULE_EMPTY',
  /** SplitCSV: unterminated quote or trailing escape (spec §3.1). */
  Syntax: 'ERR_RULE_SYNTAX',
  KeyValFormat: 'ERR_RULE_KEY_VAL_FORMAT',
  NoKey: 'ERR_RULE_NO_KEY',
  UnknownKey: 'ERR_RULE_UNKNOWN_KEY',
  BadQuote: 'ERR_RULE_BAD_QUOTE',
  DuplicateKey: 'ERR_RULE_DUPLICATE_KEY',
  RequiredKeys: 'ERR_RULE_REQUIRED_KEYS',
  InvalidValue: 'ERR_RULE_INVALID_VALUE',
  MutualExclusion: 'ERR_RULE_MUTUAL_EXCLUSION',
  /** A reserved key with no implementation (`id_set`, spec §3.2 #14). */
  Unsupported: 'ERR_RULE_UNSUPPORTED',
} as const;
export type RuleErrorCode = (typeof RuleErrorCode)[keyof typeof RuleErrorCode];

export class RuleError extends Error {
  readonly code: RuleErrorCode;
  /** The rule key the error is about, when there is one. */
  readonly key: string | undefined;

  constructor(code: RuleErrorCode, message: string, key?: string) {
    super(message);
    this.name = 'RuleError';
    this.code = code;
    this.key = key;
  }
}

export function errEmptyRule(): RuleError {
  return new RuleError(RuleErrorCode.EmptyRule, 'empty hostname rule');
}

export function errSyntax(what: 'unterminated quote' | 'trailing escape'): RuleError {
  return new RuleError(RuleErrorCode.Syntax, what);
}

export function errKeyValFormat(idx: number, got: string): RuleError {
  return new RuleError(RuleErrorCode.KeyValFormat, `element ${idx}: expected key:val, got ${goQuote(got)}`);
}

export function errNoKey(idx: number, got: string): RuleError {
  return new RuleError(RuleErrorCode.NoKey, `element ${idx}: empty key (got ${goQuote(got)})`);
}

export function errUnknownKey(idx: number, key: string): RuleError {
  return new RuleError(RuleErrorCode.UnknownKey, `element ${idx}: unknown key ${goQuote(key)}`, key);
}

export function errBadQuote(idx: number, got: string, cause: string): RuleError {
  return new RuleError(RuleErrorCode.BadQuote, `element ${idx}: bad quoting: ${cause}: got ${goQuote(got)}`);
}

export function errDuplicateKey(idx: number, got: string, key: string): RuleError {
  return new RuleError(RuleErrorCode.DuplicateKey, `element ${idx}: duplicate key ${goQuote(key)}: got ${goQuote(got)}`, key);
}

export function errRequiredKeys(...keys: string[]): RuleError {
  return new RuleError(RuleErrorCode.RequiredKeys, `required key missing, at least one of [${keys.join(' ')}]`);
}

export function errInvalidValue(key: string, value: string, expected: string): RuleError {
  return new RuleError(
    RuleErrorCode.InvalidValue,
    `invalid value for key ${goQuote(key)} (expected ${expected} but got ${goQuote(value)})`,
    key,
  );
}

export function errMutualExclusion(...keys: string[]): RuleError {
  return new RuleError(RuleErrorCode.MutualExclusion, `keys are mutually exclusive: [${keys.join(' ')}]`, keys[0]);
}

export function errUnsupported(key: string, message: string): RuleError {
  return new RuleError(RuleErrorCode.Unsupported, message, key);
}
