// A Logger that keeps every line (children included) for assertions on what was logged.
import type { LogFields, Logger } from '../../src/seams/logger.ts';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields: LogFields;
}

export function recordingLogger(lines: LogLine[] = [], base: LogFields = {}): Logger & { lines: LogLine[] } {
  const at =
    (level: LogLine['level']) =>
    (msg: string, fields: LogFields = {}): void => {
      lines.push({ level, msg, fields: { ...base, ...fields } });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (f) => recordingLogger(lines, { ...base, ...f }),
  };
}
