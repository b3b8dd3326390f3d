/**
 * Validators a rule can name (`validator: luhn`). A match that fails its validator is dropped;
 * one that passes is structurally certain, so its score rises. Pure functions over the matched value.
 */

/** Luhn checksum (ISO/IEC 7812) over the digits of `v`; separators ignored. */
export function luhn(v: string): boolean {
  let sum = 0;
  let dbl = false;
  let n = 0;
  for (let i = v.length - 1; i >= 0; i--) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    n++;
    let d = c;
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    dbl = !dbl;
  }
  return n >= 12 && n <= 19 && sum % 10 === 0;
}

/** IBAN mod-97 check (ISO 13616): move the first four characters to the end, letters to numbers. */
export function iban(v: string): boolean {
  const s = v.split(' ').join('').split('-').join('').toUpperCase();
  if (s.length < 15 || s.length > 34) return false;
  const r = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < r.length; i++) {
    const c = r.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/** US SSN: area 000, 666 and 900–999, group 00 and serial 0000 are never issued (SSA). */
export function usSsn(v: string): boolean {
  const d = v.split('-').join('').split(' ').join('');
  if (d.length !== 9) return false;
  const area = Number(d.slice(0, 3));
  const group = Number(d.slice(3, 5));
  const serial = Number(d.slice(5));
  if (area === 0 || area === 666 || area >= 900 || group === 0 || serial === 0) return false;
  // Well-known advertising/test numbers.
  return d !== '078051120' && d !== '219099999' && d !== '123456789';
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(v: string): number {
  if (!v.length) return 0;
  const counts = new Map<string, number>();
  for (const ch of v) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) { const p = c / v.length; h -= p * Math.log2(p); }
  return h;
}

/** Words that mark a value as a placeholder, not a credential. */
const PLACEHOLDER_MARKERS = ['example', 'password', 'passw0rd', 'secret123', '...', '543210', '012345', '987654', 'xxxx', 'your_', 'your-', '<your', 'placeholder', 'changeme', 'dummy', 'sample', 'redacted', '****', '....', 'insert', 'replace', 'foobar', 'test_key', 'fake', '${', '{{', '%s', 'abcdef', '123456', '000000', 'aaaaaa'];

/** Markers that stay placeholders even after a provider prefix (`sk_live_xxxx`, `ghp_<token>`). */
const LOOSE_MARKERS = ['xxxx', 'example', 'your_', 'your-', '<your', '<', '>', 'placeholder', 'redacted', '****', '...', 'insert', 'replace', 'dummy', 'fake', '${', '{{', 'changeme'];

/**
 * True when the value looks like a placeholder (`sk-xxxx`, `<YOUR_KEY>`, `EXAMPLE`). `loose` is
 * for values behind a provider prefix, where the prefix is strong evidence: only explicit
 * placeholder words and long single-character runs count, not digit sequences such as 123456
 * that real tokens (and test fixtures) contain.
 */
export function isPlaceholder(v: string, loose = false): boolean {
  const l = v.toLowerCase();
  for (const m of loose ? LOOSE_MARKERS : PLACEHOLDER_MARKERS) if (l.includes(m)) return true;
  // A long run of one character: "sk-aaaaaaaa…".
  const limit = loose ? 10 : 6;
  let run = 1;
  for (let i = 1; i < l.length; i++) { run = l[i] === l[i - 1] ? run + 1 : 1; if (run >= limit) return true; }
  return false;
}

/** JWT: header segment decodes to JSON with an `alg`. */
export function jwt(v: string): boolean {
  const head = v.split('.')[0] ?? '';
  try {
    const json = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof json.alg === 'string';
  } catch {
    return false;
  }
}

/** IPv4: each octet ≤ 255, and not a version-like string such as 1.2.3.4 in prose (kept: valid). */
export function ipv4(v: string): boolean {
  const parts = v.split('.');
  return parts.length === 4 && parts.every((p) => p.length > 0 && p.length <= 3 && Number(p) <= 255 && !(p.length > 1 && p[0] === '0'));
}

/** IPv6: at most 8 groups, at most one `::`. */
export function ipv6(v: string): boolean {
  const dbl = v.split('::').length - 1;
  if (dbl > 1) return false;
  const groups = v.split(':').filter((g) => g.length > 0);
  if (groups.length > 8 || (dbl === 0 && groups.length !== 8)) return false;
  return groups.length >= 3 && groups.every((g) => g.length <= 4);
}

/** Phone: 7–15 digits (E.164 maximum), not all the same digit. */
export function phone(v: string): boolean {
  let digits = '';
  for (const ch of v) if (ch >= '0' && ch <= '9') digits += ch;
  if (digits.length < 7 || digits.length > 15) return false;
  let same = true;
  for (let i = 1; i < digits.length; i++) if (digits[i] !== digits[0]) { same = false; break; }
  return !same && digits !== '1234567890';
}

/**
 * Looks like a credential rather than a word: at least two character classes (lower, upper,
 * digit, symbol), not only letters, and no placeholder marker.
 */
export function credentialLike(v: string): boolean {
  let lower = 0, upper = 0, digit = 0, sym = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else sym = 1;
  }
  return lower + upper + digit + sym >= 2 && digit + sym >= 1 && !isIdentifier(v) && !isPlaceholder(v);
}

/**
 * Code, not a credential: a dotted reference (`os.environ`, `config.db.password`) or a bare
 * identifier made of letters, `_` and `-` (`get_token`, `my-secret-name`).
 */
function isIdentifier(v: string): boolean {
  let segments = 1;
  let segStart = true;
  let digits = 0;
  let other = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    const digit = c >= 48 && c <= 57;
    if (c === 46) { if (segStart) return false; segments++; segStart = true; continue; }
    if (segStart && !letter) { if (digit) digits++; else if (c !== 45) other++; segStart = false; continue; }
    segStart = false;
    if (digit) digits++;
    else if (!letter && c !== 45) other++;
  }
  if (other) return false;
  if (segments >= 2 && !segStart) return true;
  return digits === 0;
}

export type Validator = (v: string) => boolean;

/** Validators by the name rule files use. */
export const VALIDATORS: Readonly<Record<string, Validator>> = Object.freeze({
  luhn, iban, 'us-ssn': usSsn, jwt, ipv4, ipv6, phone,
  'not-placeholder': (v: string) => !isPlaceholder(v),
  'credential-like': credentialLike,
});
