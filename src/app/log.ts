// Structured logs: one JSON object per line (default) or one logfmt line, each with time,
// level, msg and flat fields. Implements the Logger seam that services receive.
import type { LogFields, Logger } from '../seams/logger.ts';

export const LogLevel = { debug: 10, info: 20, warn: 30, error: 40, none: 100 } as const;
export type LogLevelName = keyof typeof LogLevel;
export type LogFormat = 'json' | 'logfmt';

export interface LogSink {
  write(line: string): void;
}

export interface LoggerOptions {
  level: LogLevelName;
  format: LogFormat;
  sink: LogSink;
  now?: () => Date;
}

export function parseLogLevel(text: string): LogLevelName | undefined {
  const t = text.toLowerCase();
  if (t === 'warning') return 'warn';
  return Object.hasOwn(LogLevel, t) ? (t as LogLevelName) : undefined;
}

function logfmtValue(v: string): string {
  return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
}

export function createLogger(opts: LoggerOptions, base: LogFields = {}): Logger {
  const min = LogLevel[opts.level];
  const now = opts.now ?? (() => new Date());
  const emit = (level: Exclude<LogLevelName, 'none'>, msg: string, fields?: LogFields): void => {
    if (LogLevel[level] < min) return;
    const record: Record<string, unknown> = { time: now().toISOString(), level, msg };
    for (const src of [base, fields ?? {}]) {
      for (const [k, v] of Object.entries(src)) if (v !== undefined) record[k] = v;
    }
    if (opts.format === 'json') {
      opts.sink.write(JSON.stringify(record) + '\n');
      return;
    }
    const parts = Object.entries(record).map(([k, v]) => `${k}=${logfmtValue(String(v))}`);
    opts.sink.write(parts.join(' ') + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(opts, { ...base, ...fields }),
  };
}

/** A logger that keeps its records, for tests and for `check` output. */
export function createMemoryLogger(level: LogLevelName = 'debug'): Logger & { records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const logger = createLogger({ level, format: 'json', sink: { write: (l) => records.push(JSON.parse(l) as Record<string, unknown>) } });
  return Object.assign(logger, { records });
}
