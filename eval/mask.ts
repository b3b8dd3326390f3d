/**
 * Safe excerpts for reports: secret and PII spans are replaced by `[TYPE]` before the text is
 * shortened, so no report (console, Markdown, HTML, JUnit) ever shows a raw secret or identifier.
 * Plain string operations only (no regular expressions on dataset text).
 */
import type { Span } from './spans.js';

/** Replaces each span (merged where they overlap) with `[TYPE]`. Spans are UTF-16 offsets. */
export function maskSpans(text: string, spans: readonly Span[]): string {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let pos = 0;
  for (const s of sorted) {
    if (s.end <= pos) continue;
    const start = Math.max(s.start, pos);
    out += text.slice(pos, start) + (start === s.start ? `[${s.type}]` : '');
    pos = s.end;
  }
  return out + text.slice(pos);
}

/** Collapses whitespace runs (newlines, tabs) to one space and cuts to `max` characters with an ellipsis. */
export function excerpt(text: string, max = 160): string {
  let out = '';
  let space = false;
  for (const ch of text) {
    const ws = ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\f' || ch === '\v';
    if (ws) {
      space = out.length > 0;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += ch;
    if (out.length >= max) return `${out}…`;
  }
  return out;
}

const SEPARATORS = new Set([' ', '\n', '\r', '\t', '"', "'", '`', '=', ':', ',', ';', '(', ')', '[', ']', '{', '}', '<', '>']);

/**
 * Safety net for secrets examples: any token of 16+ characters that mixes letters and digits is
 * replaced by `[MASKED]`, in case a row carries a credential its labels do not cover.
 */
export function maskLongTokens(text: string, minLength = 16): string {
  let out = '';
  let token = '';
  const flush = () => {
    let letters = false;
    let digits = false;
    for (const ch of token) {
      if (ch >= '0' && ch <= '9') digits = true;
      else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) letters = true;
    }
    out += token.length >= minLength && letters && digits ? '[MASKED]' : token;
    token = '';
  };
  for (const ch of text) {
    if (SEPARATORS.has(ch)) {
      flush();
      out += ch;
    } else token += ch;
  }
  flush();
  return out;
}
