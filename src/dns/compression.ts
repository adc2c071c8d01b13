// The compression table of one message being encoded (RFC 1035 §4.1.4).
//
// It maps each name suffix already written to its offset from the start of the message. Keys
// are suffixes in wire form with ASCII letters folded to lowercase, because names compare
// case-insensitively (RFC 1035 §2.3.3, RFC 4343 §3): a suffix matches whatever case it was
// first written in. Only offsets that fit the 14-bit pointer field are kept.
//
// A second map remembers whole names by their exact presentation text, so that writing the
// same text again (a reply's owner name is the question's, character for character) becomes a
// pointer without parsing the text at all. Equal text always means equal wire form.
//
// When a reply is full the encoder rolls the writer back to the last whole RRset; entries that
// pointed into the forgotten bytes must go too, or a later name would point at whatever the
// next record writes there. Entries are added in increasing offset order, so rollback pops
// from the end of an insertion log.

/** RFC 1035 §4.1.4: a pointer holds a 14-bit offset from the start of the message. */
export const MAX_COMPRESSION_OFFSET = 0x3fff;

export class DnsCompressor {
  readonly #base: number;
  readonly #offsets = new Map<string, number>();
  readonly #log: string[] = [];
  readonly #texts = new Map<string, number>();
  readonly #textLog: string[] = [];

  /** `messageStart` is the absolute writer offset of the header's first byte. */
  constructor(messageStart: number) {
    this.#base = messageStart;
  }

  /** Message-relative offset of a suffix written earlier, if any. */
  find(key: string): number | undefined {
    return this.#offsets.get(key);
  }

  /** Remembers that the suffix `key` starts at absolute writer offset `at`. */
  add(key: string, at: number): void {
    const rel = at - this.#base;
    if (rel > MAX_COMPRESSION_OFFSET || this.#offsets.has(key)) return;
    this.#offsets.set(key, rel);
    this.#log.push(key);
  }

  /** Message-relative offset of a whole name written earlier with exactly this text. */
  findText(text: string): number | undefined {
    return this.#texts.get(text);
  }

  /** Remembers that the name spelled `text` starts at absolute writer offset `at`. */
  addText(text: string, at: number): void {
    const rel = at - this.#base;
    if (rel > MAX_COMPRESSION_OFFSET || this.#texts.has(text)) return;
    this.#texts.set(text, rel);
    this.#textLog.push(text);
  }

  /** Forgets every name and suffix written at or after absolute writer offset `at`. */
  rollback(at: number): void {
    const rel = at - this.#base;
    forgetFrom(this.#offsets, this.#log, rel);
    forgetFrom(this.#texts, this.#textLog, rel);
  }

  /** How many suffixes are known (for tests). */
  get size(): number {
    return this.#offsets.size;
  }
}

function forgetFrom(map: Map<string, number>, log: string[], rel: number): void {
  while (log.length > 0) {
    const key = log[log.length - 1]!;
    if (map.get(key)! < rel) return;
    map.delete(key);
    log.pop();
  }
}
