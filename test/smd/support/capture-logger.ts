// A Logger that records every line, so tests can assert what was logged and at which level.

import type { LogFields, Logger } from '../../../src/seams/logger.ts';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields: LogFields;
}

export class CaptureLogger implements Logger {
  readonly lines: LogLine[];
  readonly #base: LogFields;

  constructor(lines: LogLine[] = [], base: LogFields = {}) {
    this.lines = lines;
    this.#base = base;
  }

  #push(level: LogLine['level'], msg: string, fields: LogFields = {}): void {
    this.lines.push({ level, msg, fields: { ...this.#base, ...fields } });
  }

  debug(msg: string, fields?: LogFields): void {
    this.#push('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.#push('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.#push('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.#push('error', msg, fields);
  }
  child(fields: LogFields): Logger {
    return new CaptureLogger(this.lines, { ...this.#base, ...fields });
  }

  at(level: LogLine['level']): LogLine[] {
    return this.lines.filter((l) => l.level === level);
  }
}
