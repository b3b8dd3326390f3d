/**
 * FROZEN COPY of detectors/engine/decode.ts at commit fe26e2d (reference for decode-diff.test.ts).
 */
import { compilePattern, matchAll, type Re2Pattern } from '../../../../detectors/engine/re2-seam.js';

/** One decoded segment: where it sits in the scanned text, and what it decodes to. */
export interface DecodedSegment {
  start: number;
  end: number;
  encoding: 'base64' | 'hex' | 'url' | 'html';
  text: string;
}

/** Limits for decoding (per scan). */
export interface DecodeLimits {
  maxSegments: number;
  maxDecodedChars: number;
  maxDepth: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxSegments: 32, maxDecodedChars: 64 * 1024, maxDepth: 2 };

let patterns: { base64: Re2Pattern; hex: Re2Pattern; url: Re2Pattern; html: Re2Pattern } | undefined;
function pats() {
  patterns ??= {
    // 20+ chars so short words and ids are not "decoded"; base64url alphabet too.
    base64: compilePattern('engine.decode-base64', '[A-Za-z0-9+/_-]{20,}={0,2}'),
    hex: compilePattern('engine.decode-hex', '(?:\\\\x)?(?:[0-9a-fA-F]{2}(?:\\\\x|\\s)?){12,}'),
    url: compilePattern('engine.decode-url', '(?:[^\\s%]{0,40}%[0-9a-fA-F]{2}){4,}[^\\s%]{0,40}'),
    html: compilePattern('engine.decode-html', '(?:[^\\s&]{0,64}(?:[ \\t]{1,4}[^\\s&]{0,64}){0,3}&#?[a-zA-Z0-9]{2,8};){2,}[^\\s&]{0,20}'),
  };
  return patterns;
}

/** Text is worth scanning when it is valid UTF-8 and mostly printable. */
function readable(s: string): boolean {
  if (s.length < 6) return false;
  let bad = 0;
  let letters = 0;
  let space = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13) || (c >= 127 && c < 160)) bad++;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 160) letters++;
    else if (c === 32 || c === 9 || c === 10 || c === 13) space++;
  }
  // Layout does not count against text: pretty-printed JSON (a JWK, a service-account file) is
  // mostly indentation, yet its keys and values are letters.
  return bad === 0 && s.length - space > 0 && letters / (s.length - space) >= 0.5;
}

const NAMED: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', sol: '/', colon: ':', lpar: '(', rpar: ')',
});

function decodeHtml(s: string): string {
  const parts: string[] = [];
  let i = 0;
  while (i < s.length) {
    const amp = s.indexOf('&', i);
    if (amp < 0) { parts.push(s.slice(i)); break; }
    parts.push(s.slice(i, amp));
    const semi = s.indexOf(';', amp);
    if (semi < 0 || semi - amp > 10) { parts.push('&'); i = amp + 1; continue; }
    const ent = s.slice(amp + 1, semi);
    let rep: string | undefined;
    if (ent.startsWith('#x') || ent.startsWith('#X')) rep = safeCp(parseInt(ent.slice(2), 16));
    else if (ent.startsWith('#')) rep = safeCp(parseInt(ent.slice(1), 10));
    else rep = NAMED[ent.toLowerCase()];
    parts.push(rep ?? s.slice(amp, semi + 1));
    i = semi + 1;
  }
  return parts.join('');
}
function safeCp(n: number): string | undefined {
  return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

function decodeOne(encoding: DecodedSegment['encoding'], raw: string): string | undefined {
  try {
    switch (encoding) {
      case 'base64': return Buffer.from(raw, raw.includes('-') || raw.includes('_') ? 'base64url' : 'base64').toString('utf8');
      case 'hex': {
        const hex = raw.split('\\x').join('').split(' ').join('').split('\n').join('').split('\t').join('');
        return hex.length % 2 === 0 ? Buffer.from(hex, 'hex').toString('utf8') : undefined;
      }
      case 'url': return decodeURIComponent(raw);
      // Two levels in one step (`&amp;quot;` → `"`): text escaped twice, as HTML inside an
      // attribute or a JSON string of a page, reads as text only when both levels are undone.
      // Semantics kept in step with the live decoder (h21: spaced and twice-escaped HTML).
      case 'html': { const once = decodeHtml(raw); return once.includes('&') ? decodeHtml(once) : once; }
    }
  } catch {
    return undefined;
  }
}

/**
 * Find and decode encoded segments of `text` (one level). The caller recurses for nested
 * encodings and enforces the depth limit; `budget.chars` is shared across levels.
 */
export function findEncoded(text: string, budget: { segments: number; chars: number }): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  // Cheap gates before running any pattern: no candidate characters, no work.
  const hasPct = text.includes('%');
  const hasAmp = text.includes('&');
  const p = pats();
  const kinds: Array<[DecodedSegment['encoding'], Re2Pattern, boolean]> = [
    ['base64', p.base64, true], ['hex', p.hex, true], ['url', p.url, hasPct], ['html', p.html, hasAmp],
  ];
  for (const [encoding, re, enabled] of kinds) {
    if (!enabled) continue;
    for (const m of matchAll(re, text, 64)) {
      if (budget.segments <= 0 || budget.chars <= 0) return out;
      // A huge candidate is decoded only up to what the budget could hold.
      const raw = text.slice(m.start, Math.min(m.end, m.start + Math.floor(budget.chars * 1.4) - (Math.floor(budget.chars * 1.4) % 4)));
      if (encoding === 'base64' && !looksEncoded(raw)) continue;
      const decoded = decodeOne(encoding, raw);
      if (decoded === undefined || decoded === raw || !readable(decoded)) continue;
      const clipped = decoded.slice(0, budget.chars);
      budget.segments--;
      budget.chars -= clipped.length;
      out.push({ start: m.start, end: m.end, encoding, text: clipped });
    }
  }
  return out;
}

/** Plain words are valid base64 too; demand a mix of cases or digits, as encoders produce. */
function looksEncoded(raw: string): boolean {
  let upper = 0, lower = 0, digit = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c >= 48 && c <= 57) digit++;
  }
  return upper > 0 && lower > 0 && (digit > 0 || upper > 2);
}
