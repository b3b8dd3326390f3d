/**
 * One text being scanned, with its views computed once and shared by every detector of the
 * scan (normalising a 128 KB prompt four times would cost more than matching it).
 */
import { findEncoded, DEFAULT_DECODE_LIMITS, type DecodedSegment, type DecodeLimits } from './decode.js';
import { foldedView, strictView, toOriginal, type TextView } from './normalize.js';

/** A decoded segment as a scan input of its own, with its span in the parent's original text. */
export interface NestedInput {
  input: ScanInput;
  start: number;
  end: number;
  encoding: DecodedSegment['encoding'];
}

/** Lazily built views of one text. */
export class ScanInput {
  #strict?: TextView;
  #folded?: TextView;
  #strictLower?: string;
  #nested?: NestedInput[];
  /** Results computed once per input and shared by detectors (pack runs, classifier). */
  readonly memo = new Map<string, unknown>();

  /** Compute `make()` once per input under `key`. */
  once<T>(key: string, make: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const v = make();
    this.memo.set(key, v);
    return v;
  }

  constructor(
    readonly text: string,
    readonly depth = 0,
    readonly budget: { segments: number; chars: number } = { segments: DEFAULT_DECODE_LIMITS.maxSegments, chars: DEFAULT_DECODE_LIMITS.maxDecodedChars },
    readonly limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
  ) {}

  get strict(): TextView {
    return (this.#strict ??= strictView(this.text));
  }

  get folded(): TextView {
    return (this.#folded ??= foldedView(this.strict));
  }

  /** The strict view lower-cased, for keyword prefilters and context words. */
  get strictLower(): string {
    return (this.#strictLower ??= this.strict.text.toLowerCase());
  }

  /** Decoded segments (base64, hex, URL, HTML entities) as inputs, one level deeper. */
  get nested(): NestedInput[] {
    if (this.#nested) return this.#nested;
    this.#nested = [];
    if (this.depth >= this.limits.maxDepth) return this.#nested;
    for (const seg of findEncoded(this.strict.text, this.budget)) {
      const [start, end] = toOriginal(this.strict, seg.start, seg.end);
      this.#nested.push({ input: new ScanInput(seg.text, this.depth + 1, this.budget, this.limits), start, end, encoding: seg.encoding });
    }
    return this.#nested;
  }
}
