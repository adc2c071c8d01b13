// A seeded, zero-dependency mutation fuzzer for codecs (house style §5.7). It mutates captured
// packets and checks one invariant per run; a failure message carries the seed, the iteration
// and the input in hex so it can be replayed and turned into a regression fixture.
//
// FUZZ_ITERATIONS sets the budget: small in `npm test`, large in `npm run test:fuzz`.

export const fuzzIterations = Number(process.env['FUZZ_ITERATIONS'] ?? 3000);
export const fuzzSeed = Number(process.env['FUZZ_SEED'] ?? 0x5eed);

/** mulberry32: a tiny PRNG with a 32-bit state; good enough to spread mutations. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: () => number, n: number) => Math.floor(rng() * n);

/** One random mutation: truncate, flip bits, set interesting bytes, insert, duplicate or splice. */
export function mutate(rng: () => number, input: Uint8Array, corpus: readonly Uint8Array[]): Uint8Array {
  const b = Uint8Array.from(input);
  if (b.length === 0) return Uint8Array.of(int(rng, 256));
  const at = int(rng, b.length);
  switch (int(rng, 8)) {
    case 0: // truncate anywhere
      return b.subarray(0, at);
    case 1: // flip one bit
      b[at] = b[at]! ^ (1 << int(rng, 8));
      return b;
    case 2: { // interesting values, often length fields
      const v = [0, 1, 0x7f, 0x80, 0xff, 0xc0][int(rng, 6)]!;
      b[at] = v;
      if (rng() < 0.3 && at + 1 < b.length) b[at + 1] = v;
      return b;
    }
    case 3: { // insert random bytes
      const ins = Uint8Array.from({ length: 1 + int(rng, 8) }, () => int(rng, 256));
      return concat(b.subarray(0, at), ins, b.subarray(at));
    }
    case 4: { // duplicate a slice (repeated options, nested structures)
      const len = 1 + int(rng, Math.min(32, b.length - at));
      return concat(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len));
    }
    case 5: { // splice the tail of another corpus entry
      const other = corpus[int(rng, corpus.length)] ?? b;
      return concat(b.subarray(0, at), other.subarray(int(rng, Math.max(1, other.length))));
    }
    case 6: // random byte
      b[at] = int(rng, 256);
      return b;
    default: { // delete a slice
      const len = 1 + int(rng, Math.min(16, b.length - at));
      return concat(b.subarray(0, at), b.subarray(at + len));
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface FuzzRun {
  corpus: readonly Uint8Array[];
  iterations?: number;
  seed?: number;
  /** Up to this many stacked mutations per input. */
  maxMutations?: number;
  /** Called with each mutated input; throws to report a broken invariant. */
  check(input: Uint8Array): void;
}

/** Runs the mutator; rethrows the first failure with its seed, iteration and input. */
export function runFuzz(run: FuzzRun): { iterations: number } {
  const iterations = run.iterations ?? fuzzIterations;
  const seed = run.seed ?? fuzzSeed;
  const rng = mulberry32(seed);
  for (let i = 0; i < iterations; i++) {
    let input = run.corpus[int(rng, run.corpus.length)] ?? new Uint8Array(0);
    const n = 1 + int(rng, run.maxMutations ?? 4);
    for (let k = 0; k < n; k++) input = mutate(rng, input, run.corpus);
    try {
      run.check(input);
    } catch (e) {
      const hex = Buffer.from(input).toString('hex');
      throw new Error(`fuzz failure (seed ${seed}, iteration ${i}): ${(e as Error).message}\ninput: ${hex}`, { cause: e });
    }
  }
  return { iterations };
}
