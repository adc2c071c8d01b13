// Named counters for a service (`replies{type="ACK"}` style keys, Prometheus-ready). Cheap to
// bump on the hot path; read by metrics and tests.
export class Counters {
  readonly #values = new Map<string, number>();

  inc(key: string, by = 1): void {
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }

  get(key: string): number {
    return this.#values.get(key) ?? 0;
  }

  entries(): IterableIterator<[string, number]> {
    return this.#values.entries();
  }
}
