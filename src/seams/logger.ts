// The logging seam: services log through this interface, src/app/log.ts implements it.
// Fields are flat key/value pairs so every sink (JSON lines, logfmt) can render them.

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` (for example `{ component: 'smd' }`) to every line. */
  child(fields: LogFields): Logger;
}

/** Discards everything; the default for tests that do not look at logs. */
export const nullLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return nullLogger;
  },
};
