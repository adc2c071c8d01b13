// Config diagnostics. Every loader collects ALL problems of a file and throws one ConfigErrors,
// so an admin fixes everything in one pass; warnings have the same shape and are returned.
// Text form: `file:line:col: key: message` (the key part only when known), design.md "Config".

export const ConfigErrorCode = {
  // YAML subset (yaml.ts)
  YamlSyntax: 'ERR_YAML_SYNTAX',
  YamlIndent: 'ERR_YAML_INDENT',
  YamlTab: 'ERR_YAML_TAB',
  YamlUnsupported: 'ERR_YAML_UNSUPPORTED',
  YamlDuplicateKey: 'ERR_YAML_DUPLICATE_KEY',
  YamlQuote: 'ERR_YAML_QUOTE',
  // coredhcp file structure (coredhcp-config.ts)
  ReadFailed: 'ERR_CONFIG_READ',
  UnknownKey: 'ERR_CONFIG_UNKNOWN_KEY',
  MissingKey: 'ERR_CONFIG_MISSING_KEY',
  WrongType: 'ERR_CONFIG_WRONG_TYPE',
  LegacyFormat: 'ERR_CONFIG_LEGACY_FORMAT',
  BadListen: 'ERR_CONFIG_BAD_LISTEN',
  UnknownPlugin: 'ERR_CONFIG_UNKNOWN_PLUGIN',
  PluginPlacement: 'ERR_CONFIG_PLUGIN_PLACEMENT',
  // plugin arguments (plugin-args.ts and the per-plugin parsers)
  ArgFormat: 'ERR_CONFIG_ARG_FORMAT',
  UnknownArg: 'ERR_CONFIG_UNKNOWN_ARG',
  CommentUnterminated: 'ERR_CONFIG_COMMENT_UNTERMINATED',
  CommentStrayClose: 'ERR_CONFIG_COMMENT_STRAY_CLOSE',
  BadValue: 'ERR_CONFIG_BAD_VALUE',
  BadRule: 'ERR_CONFIG_BAD_RULE',
  Conflict: 'ERR_CONFIG_CONFLICT',
  Duplicate: 'ERR_CONFIG_DUPLICATE',
  // warnings
  RepeatedArg: 'WARN_CONFIG_REPEATED_ARG',
  DefaultUsed: 'WARN_CONFIG_DEFAULT_USED',
  Deprecated: 'WARN_CONFIG_DEPRECATED',
  Suspicious: 'WARN_CONFIG_SUSPICIOUS',
} as const;
export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

/** A 1-based position in a config file. */
export interface ConfigPos {
  readonly line: number;
  readonly col: number;
}

export interface ConfigErrorInit extends ConfigPos {
  readonly file: string;
  readonly key?: string | undefined;
  readonly code: ConfigErrorCode;
  readonly message: string;
}

/** One problem (or warning) at one place in one file. */
export class ConfigError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly key: string | undefined;
  readonly code: ConfigErrorCode;
  readonly message: string;

  constructor(init: ConfigErrorInit) {
    this.file = init.file;
    this.line = init.line;
    this.col = init.col;
    this.key = init.key;
    this.code = init.code;
    this.message = init.message;
    Object.freeze(this);
  }

  toString(): string {
    return `${this.file}:${this.line}:${this.col}: ${this.key === undefined ? '' : `${this.key}: `}${this.message}`;
  }
}

/** Warnings are ConfigErrors that do not stop the load. */
export type ConfigWarning = ConfigError;

/** Thrown by loaders when a file has at least one error; carries the warnings seen so far too. */
export class ConfigErrors extends Error {
  readonly errors: readonly ConfigError[];
  readonly warnings: readonly ConfigWarning[];

  constructor(errors: readonly ConfigError[], warnings: readonly ConfigWarning[] = []) {
    const n = errors.length;
    super(`${n} configuration error${n === 1 ? '' : 's'}:\n${errors.map(String).join('\n')}`);
    this.name = 'ConfigErrors';
    this.errors = Object.freeze([...errors]);
    this.warnings = Object.freeze([...warnings]);
  }
}

/** Collects diagnostics for one file; `at` positions are 1-based line/col. */
export class Diagnostics {
  readonly file: string;
  readonly #errors: ConfigError[] = [];
  readonly #warnings: ConfigWarning[] = [];

  constructor(file: string) {
    this.file = file;
  }

  error(at: ConfigPos, code: ConfigErrorCode, message: string, key?: string): void {
    this.#errors.push(new ConfigError({ file: this.file, line: at.line, col: at.col, key, code, message }));
  }

  warn(at: ConfigPos, code: ConfigErrorCode, message: string, key?: string): void {
    this.#warnings.push(new ConfigError({ file: this.file, line: at.line, col: at.col, key, code, message }));
  }

  get errors(): readonly ConfigError[] {
    return this.#errors;
  }

  get warnings(): readonly ConfigWarning[] {
    return this.#warnings;
  }

  get hasErrors(): boolean {
    return this.#errors.length > 0;
  }

  /** Throws ConfigErrors (errors sorted by position) when anything was reported. */
  throwIfErrors(): void {
    if (this.#errors.length > 0) throw new ConfigErrors(sortByPosition(this.#errors), sortByPosition(this.#warnings));
  }
}

export function sortByPosition(list: readonly ConfigError[]): ConfigError[] {
  // Stable sort: equal positions keep their report order.
  return [...list].sort((a, b) => a.line - b.line || a.col - b.col);
}
