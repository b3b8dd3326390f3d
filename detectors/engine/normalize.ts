/**
 * Normalisation with an offset map back to the original text. Two views:
 * - `strict`: NFKC per code point, zero-width / bidi / tag / variation-selector characters removed.
 *   Case and layout kept: secrets and PII are matched here.
 * - `folded`: `strict` plus lower case, Cyrillic/Greek look-alikes folded inside mixed-script
 *   words, leetspeak digits folded inside words, and whitespace runs collapsed to one space.
 *   Injection and tool-poisoning rules are written against this view.
 * Both keep, for every output UTF-16 unit, the [start, end) range of the original it came from,
 * so spans found in a view map back exactly (a finding never points into the wrong text).
 */

/** A view of a text plus the map back to the original. `null` maps mean identity. */
export interface TextView {
  text: string;
  /** Original start offset of each view unit (length = text.length), or null for identity. */
  starts: Int32Array | null;
  /** Original end offset of each view unit, or null for identity. */
  ends: Int32Array | null;
  /** Original offsets of removed invisible characters (zero-width, bidi, tags). */
  invisibles: number[];
}

/** Map a view span back to the original text. */
export function toOriginal(view: TextView, start: number, end: number): [number, number] {
  if (!view.starts || !view.ends) return [start, end];
  if (end <= start) {
    const s = start < view.starts.length ? view.starts[start]! : (view.ends[view.ends.length - 1] ?? 0);
    return [s, s];
  }
  return [view.starts[start]!, view.ends[end - 1]!];
}

/** Zero-width, bidi controls, word joiners, BOM, soft hyphen, tag characters, variation selectors. */
export function isInvisible(cp: number): boolean {
  return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064)
    || (cp >= 0x2066 && cp <= 0x206f) || cp === 0xfeff || cp === 0x00ad || cp === 0x180e || cp === 0x034f
    || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0000 && cp <= 0xe007f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

/** True when the text needs no strict normalisation (printable ASCII and common whitespace). */
function isPlainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 127 || (c < 32 && c !== 9 && c !== 10 && c !== 13)) return false;
  }
  return true;
}

/** Accumulates view text and its offset map in typed arrays (10 MB inputs stay cheap). */
class Builder {
  #chunks: string[] = [];
  #cur = '';
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  length = 0;
  push(s: string, start: number, end: number): void {
    for (let k = 0; k < s.length; k++) {
      if (this.length === this.starts.length) this.#grow();
      this.starts[this.length] = start;
      this.ends[this.length] = end;
      this.length++;
    }
    this.#cur += s;
    if (this.#cur.length > 4096) { this.#chunks.push(this.#cur); this.#cur = ''; }
  }
  #grow(): void {
    const s = new Int32Array(this.starts.length * 2); s.set(this.starts); this.starts = s;
    const e = new Int32Array(this.ends.length * 2); e.set(this.ends); this.ends = e;
  }
  view(invisibles: number[]): TextView {
    this.#chunks.push(this.#cur);
    return { text: this.#chunks.join(''), starts: this.starts.subarray(0, this.length), ends: this.ends.subarray(0, this.length), invisibles };
  }
}

/** The strict view: NFKC per code point, invisible characters removed. */
export function strictView(text: string): TextView {
  if (isPlainAscii(text)) return { text, starts: null, ends: null, invisibles: [] };
  const b = new Builder();
  const invisibles: number[] = [];
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    if (isInvisible(cp)) invisibles.push(i);
    else if (cp < 128) b.push(text[i]!, i, i + 1);
    else b.push(text.slice(i, i + n).normalize('NFKC'), i, i + n);
    i += n;
  }
  return b.view(invisibles);
}

/** Cyrillic and Greek letters that look like Latin ones (Unicode confusables, the common subset). */
const CONFUSABLES: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't',
  'у': 'y', 'х': 'x', 'і': 'i', 'ї': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ɡ': 'g', 'һ': 'h',
  'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u',
  'χ': 'x', 'γ': 'y', 'ѡ': 'w', 'ı': 'i', 'ℓ': 'l',
});
const LEET: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '$': 's',
});

function isLatinLetter(c: number): boolean { return c >= 97 && c <= 122; }
function isWordChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 36;
  return ch.toLowerCase() !== ch.toUpperCase() || CONFUSABLES[ch] !== undefined;
}
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029;
}

/**
 * The folded view used by injection rules. Look-alikes are folded only inside words that mix
 * scripts (so genuine Russian or Greek text is left alone); leet digits only inside words that
 * contain at least two Latin letters (so "4 apples" stays as it is).
 */
export function foldedView(strict: TextView): TextView {
  const src = strict.text;
  const lower = src.toLowerCase();
  // Fast path: lower-casing kept the length (nearly always), so units line up.
  const chars = lower.length === src.length ? lower : src;
  const b = new Builder();
  const mapS = (k: number): number => (strict.starts ? strict.starts[k]! : k);
  const mapE = (k: number): number => (strict.ends ? strict.ends[k]! : k + 1);
  let i = 0;
  let pendingSpace = -1;
  while (i < chars.length) {
    const c = chars.charCodeAt(i);
    if (isSpace(c)) {
      if (pendingSpace < 0) pendingSpace = i;
      i++;
      continue;
    }
    if (pendingSpace >= 0) { if (b.length) b.push(' ', mapS(pendingSpace), mapE(i - 1)); pendingSpace = -1; }
    if (!isWordChar(chars[i]!)) {
      const ch = chars === lower ? chars[i]! : chars[i]!.toLowerCase();
      b.push(ch, mapS(i), mapE(i));
      i++;
      continue;
    }
    // One word: decide folding, then emit.
    let j = i;
    let latin = 0;
    let confusable = 0;
    let other = 0;
    while (j < chars.length && isWordChar(chars[j]!)) {
      const cj = chars.charCodeAt(j);
      if (isLatinLetter(cj)) latin++;
      else if (CONFUSABLES[chars[j]!] !== undefined) confusable++;
      else if (cj >= 128) other++;
      j++;
    }
    const foldConf = latin > 0 && confusable > 0;
    const foldLeet = latin + (foldConf ? confusable : 0) >= 2 && other === 0;
    for (let k = i; k < j; k++) {
      let ch = chars === lower ? chars[k]! : chars[k]!.toLowerCase();
      if (foldConf && CONFUSABLES[ch] !== undefined) ch = CONFUSABLES[ch]!;
      // A leet digit counts only next to a Latin letter: "1gn0r3" folds, "base64" and "sha256" do not.
      else if (foldLeet && LEET[ch] !== undefined && (isLatinLetter(chars.charCodeAt(k - 1)) || isLatinLetter(chars.charCodeAt(k + 1)))) ch = LEET[ch]!;
      b.push(ch, mapS(k), mapE(k));
    }
    i = j;
  }
  return b.view(strict.invisibles);
}
