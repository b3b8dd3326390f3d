/**
 * Incremental scanning of streamed output with a bounded hold-back.
 *
 * What is held back after each chunk (and why it is enough):
 * 1. the last whitespace-free run — every provider token, key, e-mail or URL is one run, so a
 *    value is never split between released and held text;
 * 2. before it, short number/upper-case groups separated by single spaces (card numbers, IBANs,
 *    phone numbers written in groups);
 * 3. any finding the policy redacts that reaches into the held tail, from its start (a PEM block
 *    stays held until its END line or the 8 KB bound), and a PEM header still arriving;
 * The hold never exceeds `MAX_HOLD` characters (8 KB): a longer run is scanned and released.
 * Already released text stays available as `CONTEXT` characters of history so context words
 * (`aws_secret_access_key = …`) still count across the boundary.
 */
import type { Action, Finding, ScanContext, ScanResult } from './types.js';
import type { RedactionVault, StreamScanner } from './api.js';
import { redactText } from './redact.js';

/** Longest hold-back in characters. */
export const MAX_HOLD = 8192;
/** Released characters kept as context for the next scan. */
export const CONTEXT = 256;
const MAX_GROUPS_CHARS = 64;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0;
}
function isGroupRun(s: string): boolean {
  if (!s.length || s.length > 8) return false;
  let digit = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digit = true;
    else if (!((c >= 65 && c <= 90) || c === 43 || c === 45 || c === 40 || c === 41 || c === 46)) return false;
  }
  return digit;
}

/** Where released text must stop so nothing a pattern could still complete gets out. */
export function safeCut(text: string): number {
  let cut = text.length;
  while (cut > 0 && !isSpace(text.charCodeAt(cut - 1))) cut--;
  // Extend over "4111 1111 " style groups before the tail.
  for (;;) {
    let j = cut;
    while (j > 0 && isSpace(text.charCodeAt(j - 1)) && cut - j < 2) j--;
    if (j === cut) break;
    let m = j;
    while (m > 0 && !isSpace(text.charCodeAt(m - 1)) && j - m <= 8) m--;
    if (m === j || !isGroupRun(text.slice(m, j)) || text.length - m > MAX_GROUPS_CHARS + 64) break;
    cut = m;
  }
  // A PEM BEGIN/END line still arriving ("-----BEGIN RSA PRIV…") is held from its dashes, so
  // the private-key rule sees the whole block, END line included, once it completes.
  for (const marker of ['-----BEGIN', '-----END']) {
    const p = text.lastIndexOf(marker);
    if (p >= 0 && text.length - p < 100 && text.indexOf('-----', p + marker.length) < 0) cut = Math.min(cut, p);
  }
  return Math.max(cut, text.length - MAX_HOLD);
}

type ScanFn = (text: string, context: ScanContext, which: string[]) => ScanResult[];

/** The engine's stream scanner (one per response stream). */
export class EngineStreamScanner implements StreamScanner {
  #pending = '';
  #history = '';
  #offset = 0;
  #blocked = false;
  readonly #reported = new Set<string>();

  constructor(
    private readonly scanFn: ScanFn,
    private readonly context: ScanContext,
    private readonly which: string[],
    private readonly actionFor: (f: Finding) => Action,
    private readonly vault: RedactionVault,
  ) {}

  push(chunk: string): { release: string; findings: Finding[]; blocked: boolean } {
    if (this.#blocked) return { release: '', findings: [], blocked: true };
    this.#pending += chunk;
    return this.#flush(false);
  }

  end(): { release: string; findings: Finding[]; blocked: boolean } {
    if (this.#blocked) return { release: '', findings: [], blocked: true };
    return this.#flush(true);
  }

  #flush(final: boolean): { release: string; findings: Finding[]; blocked: boolean } {
    const base = this.#history.length;
    const results = this.scanFn(this.#history + this.#pending, this.context, this.which);
    const all: Finding[] = [];
    for (const r of results) for (const f of r.findings) {
      if (f.end <= base) continue; // wholly inside released history: handled before
      all.push({ ...f, start: Math.max(0, f.start - base), end: f.end - base });
    }
    let cut = final ? this.#pending.length : safeCut(this.#pending);
    const redactable: Finding[] = [];
    let blocked = false;
    for (const f of all) {
      const action = this.actionFor(f);
      if (action === 'block') blocked = true;
      if (action === 'redact') redactable.push(f);
    }
    if (!final) {
      for (const f of redactable) {
        // A finding followed only by whitespace up to the cut may still grow (a PEM body before
        // its END line): hold it too.
        let k = f.end;
        while (k < cut && isSpace(this.#pending.charCodeAt(k))) k++;
        if (k >= cut) cut = Math.min(cut, f.start);
      }
    }
    cut = Math.max(0, cut);
    const fresh: Finding[] = [];
    for (const f of all) {
      if (!blocked && f.end > cut) continue; // reported once it is complete
      const abs = { ...f, start: f.start + this.#offset, end: f.end + this.#offset };
      const key = `${f.rule}:${abs.start}`;
      if (this.#reported.has(key)) continue;
      this.#reported.add(key);
      fresh.push(abs);
    }
    if (blocked) {
      this.#blocked = true;
      this.#pending = '';
      return { release: '', findings: fresh, blocked: true };
    }
    const out = this.#pending.slice(0, cut);
    const release = redactText(out, redactable.filter((f) => f.end <= cut), this.vault);
    this.#history = (this.#history + out).slice(-CONTEXT);
    this.#pending = this.#pending.slice(cut);
    this.#offset += cut;
    return { release, findings: fresh, blocked: false };
  }
}
