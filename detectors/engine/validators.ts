/**
 * Validators a rule can name (`validator: luhn`). A match that fails its validator is dropped;
 * one that passes is structurally certain, so its score rises. Pure functions over the matched value.
 */
import { createHash } from 'node:crypto';

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
 * placeholder words, runs of filler characters (`xxxxxxxx`, `********`) and counting sequences
 * (`123456`, `abcdef`, `654321`) count. A run of one letter or digit alone does not: scanners'
 * fixtures (`ghp_000…04WZ4EQ` with a valid checksum, `tskey-api-AAAA…`) are labelled as secrets.
 */
export function isPlaceholder(v: string, loose = false): boolean {
  const l = v.toLowerCase();
  for (const m of loose ? LOOSE_MARKERS : PLACEHOLDER_MARKERS) if (l.includes(m)) return true;
  if (hasCountingRun(l)) return true;
  // A long run of one character: "sk-aaaaaaaa…" (strict), "sk-********" (loose: filler only).
  const limit = loose ? 8 : 6;
  let run = 1;
  for (let i = 1; i < l.length; i++) {
    // Whitespace runs are layout (aligned byte lists), not filler.
    run = l[i] === l[i - 1] && l[i] !== ' ' && l[i] !== '\t' ? run + 1 : 1;
    if (run >= limit && (!loose || FILLER.includes(l[i]!))) return true;
  }
  return false;
}

/** Characters whose long runs are padding, not key material. */
const FILLER = 'x*.#_-';

/**
 * Six or more consecutive characters counting up or down by one (`123456`, `76543210`,
 * `abcdef`): typed by people writing examples. In a random base62 token the chance of one is
 * about 1e-7 per position, so real keys almost never contain one.
 */
export function hasCountingRun(l: string): boolean {
  // Doubled letters count too (`aAbBcCdD` lower-cased is `aabbccdd`): compare distinct neighbours.
  let d = '';
  for (let i = 0; i < l.length; i++) if (l[i] !== l[i - 1]) d += l[i];
  l = d;
  let up = 1;
  let down = 1;
  for (let i = 1; i < l.length; i++) {
    const a = l.charCodeAt(i - 1);
    const b = l.charCodeAt(i);
    const alnum = (b >= 48 && b <= 57) || (b >= 97 && b <= 122);
    up = alnum && b === a + 1 ? up + 1 : 1;
    down = alnum && b === a - 1 ? down + 1 : 1;
    if (up >= 6 || down >= 6) return true;
  }
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
  // Prose punctuation after a word ("provided,", "valid.") is not a symbol of the value.
  let end = v.length;
  while (end > 0 && '.,;:)'.includes(v[end - 1]!)) end--;
  v = v.slice(0, end);
  if (v.length < 4) return false;
  let lower = 0, upper = 0, digit = 0, sym = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else sym = 1;
  }
  return lower + upper + digit + sym >= 2 && digit + sym >= 1 && !isIdentifier(v) && !isPathOrUrl(v) && !isOtherData(v) && !isPlaceholder(v);
}

/** File extensions that make a value a file name (`key.pem`, `creds.json`), not key material. */
const FILE_EXTENSIONS = ['.pem', '.key', '.json', '.txt', '.yaml', '.yml', '.env', '.ini', '.conf', '.cfg', '.xml', '.crt', '.p12', '.pfx', '.jks', '.gpg', '.asc', '.pub', '.toml', '.properties'];

/**
 * A file path or URL assigned to a key name (`key_file: /etc/ssl/key.pem`, `token_url:
 * https://…`): it points at a secret rather than being one. A value with a single leading slash
 * and no other is kept: base64 key material can start with `/`.
 */
export function isPathOrUrl(v: string): boolean {
  if (v.includes('://')) return true;
  const l = v.toLowerCase();
  for (const ext of FILE_EXTENSIONS) if (l.endsWith(ext)) return true;
  if (v.startsWith('./') || v.startsWith('../') || v.startsWith('~/')) return true;
  if (v.length > 2 && v[1] === ':' && (v[2] === '\\' || v[2] === '/')) return true;
  // A relative path ending in a file name (`photos/2024/cat.jpg`, `conf/app.properties`).
  const slash = v.lastIndexOf('/');
  if (slash > 0 && !v.includes('+') && !v.includes('=')) {
    const base = v.slice(slash + 1);
    const dot = base.lastIndexOf('.');
    const ext = dot > 0 ? base.slice(dot + 1) : '';
    if (ext.length >= 2 && ext.length <= 10 && [...ext].every((ch) => (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) return true;
  }
  if (v.startsWith('/')) {
    // A path: two or more segments, each short or with a dot; base64 has long runs and + or =.
    if (v.includes('+') || v.includes('=')) return false;
    const segs = v.slice(1).split('/');
    return segs.length >= 2 && segs.every((s) => s.length <= 24 || s.includes('.'));
  }
  return false;
}

/**
 * Base64 starts of DER public keys (SubjectPublicKeyInfo: RSA 2048/4096/3072, EC P-256/P-384,
 * Ed25519) and of SSH public keys: a `public_key:` value is not a secret.
 */
const PUBLIC_KEY_PREFIXES = ['MIIBIjAN', 'MIICIjAN', 'MIIBojAN', 'MFkwEwYH', 'MHYwEAYH', 'MCowBQYDK2Vw', 'AAAAB3NzaC1yc2E', 'AAAAC3NzaC1lZDI1NTE5'];

/**
 * Values that are data of another kind: a public key, a short hex number (`0x31c45018`, a mask), an e-mail
 * address, a query string (`a&title=b`), HTML-escaped markup (`String&lt`), or a snake_case name
 * with a small counter (`attached_file_0`).
 */
export function isOtherData(v: string): boolean {
  for (const p of PUBLIC_KEY_PREFIXES) if (v.startsWith(p)) return true;
  const l = v.toLowerCase();
  if (l.startsWith('0x') && v.length <= 18) {
    let hex = true;
    for (let i = 2; i < l.length; i++) { const c = l.charCodeAt(i); if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) { hex = false; break; } }
    if (hex) return true;
  }
  for (const ent of ['&lt', '&gt', '&quot', '&amp', '&#']) if (l.includes(ent)) return true;
  if (l.includes('&') && l.includes('=')) return true;
  const at = l.indexOf('@');
  if (at > 0 && at === l.lastIndexOf('@')) {
    const domain = l.slice(at + 1);
    const dot = domain.lastIndexOf('.');
    if (dot > 0 && dot < domain.length - 2 && /* letters only after the dot */ [...domain.slice(dot + 1)].every((ch) => ch >= 'a' && ch <= 'z')) return true;
  }
  // snake_case words with at most two trailing digits.
  let end = l.length;
  while (end > 0 && l.charCodeAt(end - 1) >= 48 && l.charCodeAt(end - 1) <= 57) end--;
  if (l.length - end <= 2 && v === l && l.includes('_')) {
    const body = l.slice(0, end);
    if (body.length > 0 && [...body].every((ch) => (ch >= 'a' && ch <= 'z') || ch === '_')) return true;
  }
  return false;
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
  // A dotted reference has word-like segments; `n83.bat47Fy4` (digits spread through) does not.
  if (segments >= 2 && !segStart) return digits <= 2;
  return digits === 0;
}

/**
 * Base64 whose decoded bytes are binary (key material), not text: fewer than 85 % printable
 * ASCII. Base64 of prose or JSON (`cmVmdGtuOlRoZXJl…` = "reftkn:There…") is an encoded message,
 * which the decoder already scans as text.
 */
export function base64Binary(v: string): boolean {
  const body = v.slice(0, v.length - (v.length % 4));
  const bytes = Buffer.from(body, 'base64');
  if (!bytes.length) return false;
  let printable = 0;
  for (const b of bytes) if ((b >= 32 && b < 127) || b === 9 || b === 10 || b === 13) printable++;
  return printable / bytes.length < 0.85;
}

/** Digits of `v` (separators dropped). */
function digitsOf(v: string): number[] {
  const out: number[] = [];
  for (const ch of v) if (ch >= '0' && ch <= '9') out.push(ch.charCodeAt(0) - 48);
  return out;
}

/** UK NHS number: 10 digits, weights 10..2, check digit 11 − (sum mod 11) (NHS Data Dictionary). */
export function ukNhs(v: string): boolean {
  const d = digitsOf(v);
  if (d.length !== 10) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += d[i]! * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === d[9];
}

/** UK National Insurance number: prefixes BG, GB, NK, KN, TN, NT, ZZ are never issued (HMRC). */
export function ukNino(v: string): boolean {
  const p = v.slice(0, 2).toUpperCase();
  return !['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(p);
}

/** Spanish DNI/NIF and NIE: the letter is "TRWAGMYFPDXBNJZSQVHLCKE"[number mod 23]. */
export function esNif(v: string): boolean {
  let s = v.toUpperCase().split('-').join('').split(' ').join('');
  const lead = 'XYZ'.indexOf(s[0] ?? '');
  if (lead >= 0) s = String(lead) + s.slice(1);
  if (!/* 8 digits + letter */ (s.length === 9)) return false;
  const num = Number(s.slice(0, 8));
  if (!Number.isInteger(num) || s.slice(0, 8).split('').some((c) => c < '0' || c > '9')) return false;
  return 'TRWAGMYFPDXBNJZSQVHLCKE'[num % 23] === s[8];
}

/** Singapore NRIC/FIN (S, T, F, G): weights 2 7 6 5 4 3 2, offset 4 for T/G, check letter table. */
export function sgNric(v: string): boolean {
  const s = v.toUpperCase();
  const w = [2, 7, 6, 5, 4, 3, 2];
  const d = digitsOf(s.slice(1, 8));
  if (d.length !== 7) return false;
  let sum = d.reduce((a, x, i) => a + x * w[i]!, 0);
  if (s[0] === 'T' || s[0] === 'G') sum += 4;
  const r = sum % 11;
  const table = s[0] === 'S' || s[0] === 'T' ? 'JZIHGFEDCBA' : s[0] === 'F' || s[0] === 'G' ? 'XWUTRQPNMLK' : '';
  return table !== '' && table[r] === s[8];
}

/** Australian Business Number: first digit − 1, weights 10,1,3,…,19, sum divisible by 89 (ABR). */
export function auAbn(v: string): boolean {
  const d = digitsOf(v);
  if (d.length !== 11) return false;
  const w = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
  d[0] = d[0]! - 1;
  return d.reduce((a, x, i) => a + x * w[i]!, 0) % 89 === 0;
}

const VERHOEFF_D = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],[4,0,1,2,3,9,5,6,7,8],[5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],[8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]];
const VERHOEFF_P = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],[9,4,5,3,1,2,6,8,7,0],[4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]];

/** Indian Aadhaar: 12 digits, first 2–9, Verhoeff check digit (UIDAI). */
export function inAadhaar(v: string): boolean {
  const d = digitsOf(v);
  if (d.length !== 12 || d[0]! < 2) return false;
  let c = 0;
  for (let i = 0; i < 12; i++) c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![d[11 - i]!]!]!;
  return c === 0;
}

/** US DEA registration number: (d1+d3+d5) + 2·(d2+d4+d6) ends in d7. */
export function deaNumber(v: string): boolean {
  const d = digitsOf(v.slice(2));
  if (d.length !== 7) return false;
  const sum = d[0]! + d[2]! + d[4]! + 2 * (d[1]! + d[3]! + d[5]!);
  return sum % 10 === d[6];
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Bitcoin address: base58check (P2PKH 1…, P2SH 3…) or bech32/bech32m (bc1…) checksum. */
export function btcAddress(v: string): boolean {
  if (v.toLowerCase().startsWith('bc1')) return bech32Valid(v.toLowerCase());
  let n = 0n;
  for (const ch of v) { const i = B58.indexOf(ch); if (i < 0) return false; n = n * 58n + BigInt(i); }
  const bytes: number[] = [];
  while (n > 0n) { bytes.unshift(Number(n % 256n)); n /= 256n; }
  for (const ch of v) { if (ch === '1') bytes.unshift(0); else break; }
  if (bytes.length !== 25) return false;
  const body = Buffer.from(bytes.slice(0, 21));
  const sum = createHash('sha256').update(createHash('sha256').update(body).digest()).digest();
  return sum.subarray(0, 4).equals(Buffer.from(bytes.slice(21)));
}

function bech32Valid(s: string): boolean {
  const CH = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
  const sep = s.lastIndexOf('1');
  if (sep < 1 || s.length - sep < 7) return false;
  const hrp = s.slice(0, sep);
  const data: number[] = [];
  for (const ch of s.slice(sep + 1)) { const i = CH.indexOf(ch); if (i < 0) return false; data.push(i); }
  const G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  const values = [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31), ...data];
  for (const x of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ x;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= G[i]!;
  }
  return chk === 1 || chk === 0x2bc830a3;
}

/**
 * A line of base64 key material: upper and lower case letters (digits and symbols are not
 * guaranteed in 50–120 characters), no filler or placeholder word, and binary when decoded.
 */
export function base64Key(v: string): boolean {
  let lower = false, upper = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = true;
    else if (c >= 65 && c <= 90) upper = true;
  }
  return lower && upper && !isPlaceholder(v, true) && base64Binary(v);
}

export type Validator = (v: string) => boolean;

/** Validators by the name rule files use. */
export const VALIDATORS: Readonly<Record<string, Validator>> = Object.freeze({
  luhn, iban, 'us-ssn': usSsn, jwt, ipv4, ipv6, phone,
  'not-placeholder': (v: string) => !isPlaceholder(v),
  'credential-like': credentialLike,
  'base64-key': base64Key,
  'uk-nhs': ukNhs, 'uk-nino': ukNino, 'es-nif': esNif, 'sg-nric': sgNric, 'au-abn': auAbn,
  'in-aadhaar': inAadhaar, 'dea-number': deaNumber, 'btc-address': btcAddress,
  'credential-value': credentialValue, 'url-password': urlPassword,
  'product-key': productKey, 'basic-auth-base64': basicAuthBase64, 'atlassian-dc-pat': atlassianDcPat,
  'pem-marker': pemMarker, 'byte-array-key': (v: string) => byteArrayKey(v),
  'age-secret-key': (v: string) => ageSecretKey(v), 'random-hex-id': (v: string) => randomHexId(v),
  'mailchimp-key': (v: string) => mailchimpKey(v),
});

// ---- secrets (h16): value checks for the generic families ----

/** Leet spellings people use for example passwords: `pa5sW0rD`, `P@$$w0rd`, `s3cr3t`. */
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '!': 'i' };

/**
 * The value spells "password" or "secret" (also in leet, `P@ssw0rd`, `s3cr3t`): a demo value in
 * docs, used for URL passwords (`https://user:p@ssw0rd@host`), where no entropy gate applies.
 */
export function leetPlaceholder(v: string): boolean {
  let s = '';
  for (const ch of v.toLowerCase()) s += LEET[ch] ?? ch;
  return s.includes('password') || s.includes('passwd') || s.includes('secret');
}

/**
 * Bitnami Sealed Secrets ciphertext: a big-endian uint16 length of the RSA-encrypted session key
 * (0x0100 or 0x0200: 2048/4096-bit keys) then the key and the AES-GCM data, so the base64 starts
 * `AQ[A-D]` / `Ag[A-D]` and runs to hundreds of characters. Encrypted for the cluster, not a secret.
 */
export function sealedSecret(v: string): boolean {
  return v.length >= 300 && (v.startsWith('AQ') || v.startsWith('Ag')) && 'ABCD'.includes(v[2] ?? '') && base64Binary(v);
}

/**
 * `credential-like`, and not a Sealed Secrets ciphertext. (A leet "password" such as `SqLpa5sW0rD`
 * is not vetoed here: CredSweeper labels it a secret in some lines and not in others.)
 */
export function credentialValue(v: string): boolean {
  return credentialLike(v) && !sealedSecret(v) && !secretReference(v) && !versionString(v) && !ecPublicKeyHex(v) && !encodedPlaceholder(v) && !passSourceReference(v);
}

/**
 * A name that points at a secret in a store (`prod/db/credentials`, `team/app/api-key`): two or
 * more slashes between lower-case word segments. Base64 has mixed case and long runs.
 */
export function secretReference(v: string): boolean {
  const segs = v.split('/');
  if (segs.length < 3) return false;
  let wordy = 0;
  for (const s of segs) {
    if (!s.length || s.length > 40) return false;
    for (const ch of s) if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '-' || ch === '_' || ch === '.')) return false;
    if (s.length >= 3) wordy++;
  }
  return wordy >= 2;
}

/** A version string (`v3.1.2-beta`, `2.0.1`, `1.4.0+build.7`): a release, not a credential. */
export function versionString(v: string): boolean {
  let i = v[0] === 'v' || v[0] === 'V' ? 1 : 0;
  let dots = 0;
  let digits = 0;
  for (; i < v.length; i++) {
    const c = v[i]!;
    if (c >= '0' && c <= '9') digits++;
    else if (c === '.' && digits) { dots++; digits = 0; }
    else break;
  }
  if (dots < 1 || !digits) return false;
  if (i === v.length) return true;
  if (v[i] !== '-' && v[i] !== '+') return false;
  for (const ch of v.slice(i + 1)) if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '.' || ch === '-')) return false;
  return true;
}

/** SEC1 elliptic-curve public key in hex: 66 digits starting 02/03 (compressed) or 130 starting 04. */
export function ecPublicKeyHex(v: string): boolean {
  const l = v.toLowerCase();
  const ok = (l.length === 66 && (l.startsWith('02') || l.startsWith('03'))) || (l.length === 130 && l.startsWith('04'));
  if (!ok) return false;
  for (let i = 0; i < l.length; i++) { const c = l.charCodeAt(i); if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false; }
  return true;
}

/**
 * Base64 that decodes to `user:password` (HTTP Basic, RFC 7617; Docker `config.json` `auth`):
 * printable text with a colon after a non-empty user, and a password that is not a placeholder.
 */
export function basicAuthBase64(v: string): boolean {
  const text = Buffer.from(v, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) return false;
  for (let i = 0; i < text.length; i++) { const c = text.charCodeAt(i); if (c < 32 || c === 127 || c === 0xfffd) return false; }
  return urlPassword(text.slice(colon + 1));
}

/** Characters that make a URL password a template (`${PASS}`, `{{pass}}`, `<pw>`, `$(DB_PASS)`); `%6D` is percent-encoding, kept. */
const TEMPLATE_CHARS = '${}<>()';

/** Default account names used as passwords in docs and compose files (`postgres:postgres@`, `guest:guest@`, Oracle's `scott/tiger`). */
const DEFAULT_PASSWORDS = new Set(['postgres', 'mysql', 'mongodb', 'mongo', 'mariadb', 'redis', 'root', 'admin', 'guest', 'user', 'test', 'rabbitmq', 'oracle', 'pwd', 'pass123', 'tiger']);

/**
 * The password of URL userinfo (RFC 3986 `user:password@host`). A credential unless it is a
 * template, a placeholder (`password`, `xxxx`, `YOUR_PASSWORD`), shorter than 4, one repeated
 * character, or a well-known default account name. Entropy is not required: `user:pass@host` is
 * still a password sent in clear.
 */
export function urlPassword(pass: string): boolean {
  if (pass.length < 4 || DEFAULT_PASSWORDS.has(pass.toLowerCase())) return false;
  for (const ch of TEMPLATE_CHARS) if (pass.includes(ch)) return false;
  if (pass.includes('%s') || pass.includes('%(')) return false;
  let same = true;
  for (let i = 1; i < pass.length; i++) if (pass[i] !== pass[0]) { same = false; break; }
  return !same && !isPlaceholder(pass) && !leetPlaceholder(pass);
}

/**
 * Software product / activation key in 4–6 character groups (`ZAQWS-XCDER-VBGTR-FRTGU-KLMNX`):
 * letters and digits mixed across the key, no filler group (`XXXXX-XXXXX`), no counting run.
 */
export function productKey(v: string): boolean {
  const groups = v.split('-');
  if (groups.length < 4) return false;
  const l = v.toLowerCase();
  if (isPlaceholder(l.split('-').join(''), true)) return false;
  for (const g of groups) {
    // A group of one repeated character (XXXXX) or one counting run (ABCDE, 12345) is a template.
    let same = true;
    let up = true;
    let down = true;
    for (let i = 1; i < g.length; i++) {
      const a = g.toLowerCase().charCodeAt(i - 1);
      const b = g.toLowerCase().charCodeAt(i);
      if (b !== a) same = false;
      if (b !== a + 1) up = false;
      if (b !== a - 1) down = false;
    }
    if (same || up || down) return false;
  }
  // Distinct characters: a real key uses many of its 25-35 symbols.
  return new Set(l.split('-').join('')).size >= 8;
}

/**
 * Jira / Confluence / Bitbucket Data Center personal access token: 44 base64 characters that
 * decode to a 12-digit token id, a colon and 20 random bytes. The decoded shape is the check.
 */
export function atlassianDcPat(v: string): boolean {
  if (v.length !== 44) return false;
  const b = Buffer.from(v, 'base64');
  if (b.length !== 33 || b[12] !== 58) return false;
  for (let i = 0; i < 12; i++) if (b[i]! < 48 || b[i]! > 57) return false;
  return true;
}

/**
 * A private-key BEGIN/END marker, possibly with the block it closes: a BEGIN and END pair around
 * fewer than 40 base64 characters (`…`, `***`, `xxx`, base64 of "abc…xyz") is a placeholder block
 * in docs and fixtures; a marker on its own (a key split across lines or chunks) counts.
 */
export function pemMarker(v: string): boolean {
  const b = v.indexOf('BEGIN');
  const e = v.lastIndexOf('END');
  if (b < 0 || e < 0 || e < b) return true;
  // Body: after the BEGIN line's closing dashes, before the END line's opening dashes.
  let start = v.indexOf('KEY', b);
  if (start < 0) return true;
  while (start < v.length && v[start] !== '-') start++;
  while (start < v.length && v[start] === '-') start++;
  let end = e;
  while (end > start && (v[end - 1] === '-' || v[end - 1] === ' ')) end--;
  const body = v.slice(start, end).split('\\n').join('');
  let n = 0;
  for (const ch of body) if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '+' || ch === '/') n++;
  return n >= 40;
}

// ---- secrets (h21): key material written as a list of byte literals ----

/**
 * A list of byte literals (`0x35, 0x34, 023, 217` with optional `(byte)` casts) that reads as
 * key material: at least 8 values, each 0–255 (a Go `[]byte` fixture may hold a typo such as
 * 333: up to 999 is accepted), at least 6 distinct values, and not an arithmetic progression
 * (`0, 10, 20, …`, `1, 2, 3, …`: lookup tables and test ranges, not keys).
 */
export function byteArrayKey(v: string): boolean {
  const nums: number[] = [];
  for (const raw of v.split(',')) {
    let t = raw.trim();
    const close = t.lastIndexOf(')');
    if (t.startsWith('(') && close > 0) t = t.slice(close + 1).trim();
    if (!t.length) continue;
    let n: number;
    if (t.startsWith('0x') || t.startsWith('0X')) n = parseInt(t.slice(2), 16);
    else if (t.length > 1 && t.startsWith('0')) n = parseInt(t.slice(1), 8);
    else n = Number(t);
    if (!Number.isInteger(n) || n < 0 || n > 999) return false;
    nums.push(n);
  }
  if (nums.length < 8 || new Set(nums).size < 6) return false;
  const step = nums[1]! - nums[0]!;
  let progression = true;
  for (let i = 2; i < nums.length; i++) if (nums[i]! - nums[i - 1]! !== step) { progression = false; break; }
  return !progression;
}

/** age X25519 identity (`AGE-SECRET-KEY-1…`): Bech32 with its checksum, as age encodes it. */
export function ageSecretKey(v: string): boolean {
  return bech32Valid(v.toLowerCase());
}

/**
 * A short random hex id behind a weak prefix (WeChat `wx` + 16 hex): no run of five equal
 * characters and no counting run (`wxffffff01…`, `wx123456dead…`: typed, not generated).
 */
export function randomHexId(v: string): boolean {
  const l = v.toLowerCase();
  if (hasCountingRun(l)) return false;
  let run = 1;
  for (let i = 1; i < l.length; i++) {
    run = l[i] === l[i - 1] ? run + 1 : 1;
    if (run >= 5) return false;
  }
  return true;
}

/**
 * A base64 value that decodes to printable text containing a placeholder word
 * (`ZHVtbXkgdGV4dCBkYXRh…` = "dummy text data"): an encoded placeholder, not key material.
 */
export function encodedPlaceholder(v: string): boolean {
  if (v.length < 16 || v.length % 4 !== 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const b64 = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;
    if (!b64) return false;
  }
  const text = Buffer.from(v, 'base64').toString('latin1');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c > 126) return false;
  }
  return isPlaceholder(text);
}

/**
 * Mailchimp key (`<32>-us<n>`): the 32 characters are hex as documented, or random
 * alphanumerics with at least two digits and both cases (not a CamelCase name before `-us12`).
 */
export function mailchimpKey(v: string): boolean {
  const body = v.slice(0, v.lastIndexOf('-us'));
  let digits = 0, lower = 0, upper = 0, hex = true;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 97 && c <= 122) { lower++; if (c > 102) hex = false; }
    else { upper++; hex = false; }
  }
  return hex || (digits >= 2 && lower > 0 && upper > 0);
}

/**
 * A reference to where a password is, in the `env:NAME` / `file:path` / `fd:3` syntax of
 * OpenSSL's `-pass`/`-passin` and tools that copy it: not the password.
 */
export function passSourceReference(v: string): boolean {
  const l = v.toLowerCase();
  return l.startsWith('env:') || l.startsWith('file:') || l.startsWith('fd:') || l === 'stdin';
}
