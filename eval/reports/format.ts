/** Number formatting shared by the console, Markdown and HTML reports. */

/** 0.9321 → "93.2%"; null → "–". */
export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`;
}

/** 0.98765 → "0.988"; null → "–". */
export function num(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined ? '–' : Number.isFinite(x) ? x.toFixed(digits) : x > 0 ? '∞' : '-∞';
}

/** Escapes text for HTML and XML. */
export function escapeXml(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === "'") out += '&apos;';
    // XML 1.0 forbids most control characters; drop them rather than emit an unparseable file.
    else if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) out += ' ';
    else if (c === 0xfffe || c === 0xffff) out += ' ';
    else out += ch;
  }
  return out;
}

/** Escapes a Markdown table cell. */
export function mdCell(s: string): string {
  let out = '';
  for (const ch of s) out += ch === '|' ? '\\|' : ch === '`' ? "'" : ch === '<' ? '&lt;' : ch;
  return out;
}

/** Left-pads/right-pads cells into an aligned plain-text table. */
export function textTable(header: string[], rows: string[][]): string {
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  return [line(header), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
