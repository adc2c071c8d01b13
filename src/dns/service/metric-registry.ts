// A minimal Prometheus registry: counters, gauges read at scrape time, and histograms, written
// in the text exposition format 0.0.4 (prometheus.io "Exposition formats"). Families hold their
// own series; nothing is global, so each server (and each test) has its own registry.
//
// Series are keyed by their label values joined with NUL, a byte no label value we produce
// contains; one Map read per update. A hot path resolves its series once with `cell()` and then
// bumps a number: no label array, no key string, no Map read per update.

export type LabelValues = readonly string[];

interface Family {
  readonly name: string;
  format(out: string[]): void;
}

const SEP = '\u0000';

// Array#join measured slower than concatenation for the three to six short labels per update.
function keyOf(values: LabelValues): string {
  let key = values[0] ?? '';
  for (let i = 1; i < values.length; i++) key += SEP + values[i]!;
  return key;
}

function escapeLabel(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function escapeHelp(v: string): string {
  return v.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

function labelText(names: readonly string[], values: LabelValues, extra?: string): string {
  const parts: string[] = [];
  for (let i = 0; i < names.length; i++) parts.push(`${names[i]!}="${escapeLabel(values[i] ?? '')}"`);
  if (extra !== undefined) parts.push(extra);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64) as Prometheus clients print it, enough for our values. */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function header(out: string[], name: string, help: string, type: string): void {
  out.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
}

/** One counter series, resolved once: `cell.value += 1`. */
export interface CounterCell {
  value: number;
}

/** One histogram series, resolved once: `observeCell(cell, v)`. */
export interface HistogramCell {
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export class CounterVec implements Family {
  readonly name: string;
  readonly #help: string;
  readonly #labels: readonly string[];
  readonly #series = new Map<string, { readonly values: LabelValues; value: number }>();

  constructor(name: string, help: string, labels: readonly string[]) {
    this.name = name;
    this.#help = help;
    this.#labels = labels;
  }

  inc(values: LabelValues, by = 1): void {
    const key = keyOf(values);
    const s = this.#series.get(key);
    if (s === undefined) this.#series.set(key, { values: values.slice(), value: by });
    else s.value += by;
  }

  /**
   * The series for `values`, created at 0 if new. A new series is printed from then on, so
   * resolve it when it is first incremented, not ahead of time.
   */
  cell(values: LabelValues): CounterCell {
    const key = keyOf(values);
    let s = this.#series.get(key);
    if (s === undefined) {
      s = { values: values.slice(), value: 0 };
      this.#series.set(key, s);
    }
    return s;
  }

  /** The current value (0 for a series never touched). */
  get(values: LabelValues): number {
    return this.#series.get(keyOf(values))?.value ?? 0;
  }

  format(out: string[]): void {
    header(out, this.name, this.#help, 'counter');
    for (const s of this.#series.values()) out.push(`${this.name}${labelText(this.#labels, s.values)} ${formatValue(s.value)}`);
  }
}

/** A gauge whose series are read when scraped (sizes, ages): nothing to keep in sync. */
export class GaugeFunc implements Family {
  readonly name: string;
  readonly #help: string;
  readonly #labels: readonly string[];
  readonly #collectors: (() => readonly (readonly [LabelValues, number])[])[] = [];

  constructor(name: string, help: string, labels: readonly string[]) {
    this.name = name;
    this.#help = help;
    this.#labels = labels;
  }

  /** Adds a source of series; returns a function that removes it. */
  collect(fn: () => readonly (readonly [LabelValues, number])[]): () => void {
    this.#collectors.push(fn);
    return () => {
      const i = this.#collectors.indexOf(fn);
      if (i !== -1) this.#collectors.splice(i, 1);
    };
  }

  format(out: string[]): void {
    header(out, this.name, this.#help, 'gauge');
    for (const c of this.#collectors) {
      for (const [values, v] of c()) out.push(`${this.name}${labelText(this.#labels, values)} ${formatValue(v)}`);
    }
  }
}

export class HistogramVec implements Family {
  readonly name: string;
  readonly #help: string;
  readonly #labels: readonly string[];
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, { readonly values: LabelValues; readonly counts: Float64Array; sum: number; count: number }>();

  constructor(name: string, help: string, labels: readonly string[], bounds: readonly number[]) {
    this.name = name;
    this.#help = help;
    this.#labels = labels;
    this.#bounds = bounds;
  }

  observe(values: LabelValues, v: number): void {
    this.observeCell(this.cell(values), v);
  }

  /** The series for `values`, created empty if new (printed from then on, like CounterVec.cell). */
  cell(values: LabelValues): HistogramCell {
    const key = keyOf(values);
    let s = this.#series.get(key);
    if (s === undefined) {
      s = { values: values.slice(), counts: new Float64Array(this.#bounds.length), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
    return s;
  }

  observeCell(s: HistogramCell, v: number): void {
    // Non-cumulative per bucket here; format() accumulates (`le` buckets are cumulative).
    const b = this.#bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    if (i < b.length) s.counts[i]!++;
    s.sum += v;
    s.count++;
  }

  /** Observations of a series so far. */
  count(values: LabelValues): number {
    return this.#series.get(keyOf(values))?.count ?? 0;
  }

  format(out: string[]): void {
    header(out, this.name, this.#help, 'histogram');
    for (const s of this.#series.values()) {
      let acc = 0;
      for (let i = 0; i < this.#bounds.length; i++) {
        acc += s.counts[i]!;
        out.push(`${this.name}_bucket${labelText(this.#labels, s.values, `le="${formatValue(this.#bounds[i]!)}"`)} ${acc}`);
      }
      out.push(`${this.name}_bucket${labelText(this.#labels, s.values, 'le="+Inf"')} ${s.count}`);
      out.push(`${this.name}_sum${labelText(this.#labels, s.values)} ${formatValue(s.sum)}`);
      out.push(`${this.name}_count${labelText(this.#labels, s.values)} ${s.count}`);
    }
  }
}

/** `count` bounds from `start`, each `factor` times the previous (client_golang ExponentialBuckets). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0, v = start; i < count; i++, v *= factor) out.push(v);
  return out;
}

export class MetricRegistry {
  readonly #families: Family[] = [];

  register<T extends Family>(family: T): T {
    if (this.#families.some((f) => f.name === family.name)) throw new Error(`metric ${family.name} registered twice`);
    this.#families.push(family);
    return family;
  }

  /** The whole registry in the text format, `Content-Type: text/plain; version=0.0.4`. */
  format(): string {
    const out: string[] = [];
    for (const f of this.#families) f.format(out);
    return out.join('\n') + '\n';
  }
}
