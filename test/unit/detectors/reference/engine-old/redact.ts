/**
 * Redaction with typed placeholders (`[EMAIL_1]`) and a per-request vault that can put the
 * originals back (`restore`) in the response to the same request. No regexes: placeholders are
 * found with plain string search.
 */
import type { RedactionVault } from './api.js';
import type { Finding } from './types.js';

/** Upper-case placeholder tag for a finding type (`openai-api-key` → `OPENAI_API_KEY`). */
export function placeholderTag(type: string): string {
  let out = '';
  for (const ch of type.toUpperCase()) out += (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ? ch : '_';
  return out || 'REDACTED';
}

/** The in-memory vault: one per request. */
export class MemoryVault implements RedactionVault {
  readonly #byValue = new Map<string, string>();
  readonly #byPlaceholder = new Map<string, string>();
  readonly #counters = new Map<string, number>();

  placeholderFor(type: string, value: string): string {
    const tag = placeholderTag(type);
    const key = `${tag}\u0000${value}`;
    const known = this.#byValue.get(key);
    if (known) return known;
    const n = (this.#counters.get(tag) ?? 0) + 1;
    this.#counters.set(tag, n);
    const ph = `[${tag}_${n}]`;
    this.#byValue.set(key, ph);
    this.#byPlaceholder.set(ph, value);
    return ph;
  }

  restore(text: string): string {
    if (!this.#byPlaceholder.size || !text.includes('[')) return text;
    let out = text;
    for (const [ph, value] of this.#byPlaceholder) if (out.includes(ph)) out = out.split(ph).join(value);
    return out;
  }

  get size(): number {
    return this.#byPlaceholder.size;
  }
}

/** Merge overlapping or touching spans; the merged span keeps the type of its longest member. */
export function mergeSpans(findings: Finding[]): Array<{ start: number; end: number; type: string }> {
  const sorted = findings.filter((f) => f.end > f.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Array<{ start: number; end: number; type: string; len: number }> = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (last && f.start < last.end) {
      if (f.end > last.end) last.end = f.end;
      if (f.end - f.start > last.len) { last.type = f.type; last.len = f.end - f.start; }
    } else {
      out.push({ start: f.start, end: f.end, type: f.type, len: f.end - f.start });
    }
  }
  return out.map(({ start, end, type }) => ({ start, end, type }));
}

/** Replace each finding's span of `text` with the vault's placeholder. */
export function redactText(text: string, findings: Finding[], vault: RedactionVault): string {
  const spans = mergeSpans(findings);
  if (!spans.length) return text;
  const parts: string[] = [];
  let at = 0;
  for (const s of spans) {
    const start = Math.max(at, Math.min(s.start, text.length));
    const end = Math.min(s.end, text.length);
    if (end <= start) continue;
    parts.push(text.slice(at, start), vault.placeholderFor(s.type, text.slice(start, end)));
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
