/** Builds a text from literal pieces and typed values, recording each value's code-point span. */

/** A typed value in a template. */
export interface Typed {
  type: string;
  value: string;
}

/** Concatenates the pieces; entity offsets are Unicode code points (as the JSONL format says). */
export function build(pieces: ReadonlyArray<string | Typed>): { text: string; entities: Array<{ type: string; start: number; end: number }> } {
  let text = '';
  let cp = 0;
  const entities: Array<{ type: string; start: number; end: number }> = [];
  for (const p of pieces) {
    const s = typeof p === 'string' ? p : p.value;
    const len = [...s].length;
    if (typeof p !== 'string') entities.push({ type: p.type, start: cp, end: cp + len });
    text += s;
    cp += len;
  }
  return { text, entities };
}

/**
 * Splits a template with `{slot}` markers into pieces, asking `value(slot)` for each slot
 * (a Typed for sensitive values, a string for plain filler).
 */
export function pieces(template: string, value: (slot: string) => string | Typed): Array<string | Typed> {
  const out: Array<string | Typed> = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    const close = open < 0 ? -1 : template.indexOf('}', open);
    if (open < 0 || close < 0) break;
    const name = template.slice(open + 1, close);
    if (!isSlotName(name)) {
      // A literal brace (JSON in a template): keep it and look for the next slot after it.
      out.push(template.slice(i, open + 1));
      i = open + 1;
      continue;
    }
    if (open > i) out.push(template.slice(i, open));
    out.push(value(name));
    i = close + 1;
  }
  if (i < template.length) out.push(template.slice(i));
  return out;
}

/** Slot names are plain identifiers; anything else between braces is literal text. */
export function isSlotName(name: string): boolean {
  if (name.length === 0 || name.length > 40) return false;
  for (const ch of name) if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '_')) return false;
  return true;
}
