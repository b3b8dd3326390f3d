/**
 * Synthetic sensitive values with valid structure: Luhn-valid card numbers, mod-97-valid IBANs,
 * SSNs in the valid ranges, phone numbers from ranges reserved for fiction or documentation,
 * documentation IP ranges, and provider-format tokens built from their published formats. None
 * is a real account or credential: every random part comes from the seeded generator.
 */
import { createHash } from 'node:crypto';
import { Rng } from './rng.js';

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = UPPER + LOWER + DIGITS;
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Luhn check digit for a digit string. */
export function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** True when the digits pass the Luhn check. */
export function luhnValid(digits: string): boolean {
  return luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

/** A Luhn-valid card number (Visa, Mastercard or Amex layout), optionally grouped. */
export function cardNumber(rng: Rng): string {
  const kind = rng.int(0, 2);
  const prefix = kind === 0 ? '4' : kind === 1 ? String(rng.int(51, 55)) : rng.pick(['34', '37']);
  const len = kind === 2 ? 15 : 16;
  const body = prefix + rng.chars(DIGITS, len - 1 - prefix.length);
  const n = body + luhnCheckDigit(body);
  const sep = rng.pick(['', ' ', '-', ' ']);
  if (sep === '') return n;
  return kind === 2 ? [n.slice(0, 4), n.slice(4, 10), n.slice(10)].join(sep) : [0, 4, 8, 12].map((i) => n.slice(i, i + 4)).join(sep);
}

/** mod-97 over an IBAN rearranged as ISO 13616 says (letters → 10..35). */
export function ibanMod97(rearranged: string): number {
  let r = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) r = (r * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return r;
}

/** A mod-97-valid IBAN for DE, FR, GB, ES, IT or NL, sometimes in groups of four. */
export function iban(rng: Rng): string {
  const country = rng.pick(['DE', 'FR', 'GB', 'ES', 'IT', 'NL']);
  const bban =
    country === 'DE' ? rng.chars(DIGITS, 18)
    : country === 'FR' ? rng.chars(DIGITS, 10) + rng.chars(ALNUM.slice(0, 36), 11) + rng.chars(DIGITS, 2)
    : country === 'GB' ? rng.chars(UPPER, 4) + rng.chars(DIGITS, 14)
    : country === 'ES' ? rng.chars(DIGITS, 20)
    : country === 'IT' ? rng.chars(UPPER, 1) + rng.chars(DIGITS, 10) + rng.chars(DIGITS + UPPER, 12)
    : rng.chars(UPPER, 4) + rng.chars(DIGITS, 10);
  const check = 98 - ibanMod97(`${bban.toUpperCase()}${country}00`);
  const full = `${country}${String(check).padStart(2, '0')}${bban.toUpperCase()}`;
  if (!rng.chance(0.5)) return full;
  const groups: string[] = [];
  for (let i = 0; i < full.length; i += 4) groups.push(full.slice(i, i + 4));
  return groups.join(' ');
}

/** A US SSN in the valid ranges (area 001–899 except 666, group 01–99, serial 0001–9999). */
export function ssn(rng: Rng): string {
  let area = rng.int(1, 899);
  if (area === 666) area = 667;
  const parts = [String(area).padStart(3, '0'), String(rng.int(1, 99)).padStart(2, '0'), String(rng.int(1, 9999)).padStart(4, '0')];
  return parts.join(rng.chance(0.85) ? '-' : ' ');
}

/** Phone numbers from fictional/documentation ranges (NANP 555-01xx, Ofcom drama, German 030 test). */
export function phone(rng: Rng): string {
  switch (rng.int(0, 4)) {
    case 0: return `(${rng.pick(['212', '415', '617', '312'])}) 555-01${rng.chars(DIGITS, 2)}`;
    case 1: return `+1 ${rng.pick(['206', '303', '512'])} 555 01${rng.chars(DIGITS, 2)}`;
    case 2: return `+44 20 7946 0${rng.chars(DIGITS, 3)}`;
    case 3: return `+49 30 ${rng.chars(DIGITS, 3)} ${rng.chars(DIGITS, 4)}`;
    default: return `07700 900${rng.chars(DIGITS, 3)}`;
  }
}

/** Addresses in the documentation IPv4 ranges (RFC 5737) and private space. */
export function ipv4(rng: Rng): string {
  const base = rng.pick(['192.0.2', '198.51.100', '203.0.113', `10.${rng.int(0, 255)}.${rng.int(0, 255)}`]);
  return `${base}.${rng.int(1, 254)}`;
}

const FIRST = ['Anna', 'Ben', 'Carla', 'Dmitri', 'Elif', 'Farah', 'Gustavo', 'Hana', 'Ivan', 'Julia', 'Kofi', 'Lucía', 'Mateo', 'Nora', 'Oskar', 'Pia', 'Ravi', 'Sofia', 'Theo', 'Yuki'];
const LAST = ['Albers', 'Brennan', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Haddad', 'Ito', 'Jovanović', 'Kowalski', 'Lindgren', 'Moreau', 'Nakamura', 'Okoye', 'Petrov', 'Quinn', 'Rossi', 'Schmidt', 'Tanaka'];
const DOMAINS = ['example.com', 'example.org', 'mail.example.net', 'northwind.example', 'contoso.example'];

/** A person's name. */
export function personName(rng: Rng): string {
  return `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
}

/** An e-mail address on a reserved example domain. */
export function email(rng: Rng, name?: string): string {
  const n = (name ?? personName(rng)).normalize('NFD');
  let local = '';
  for (const ch of n.toLowerCase()) if ((ch >= 'a' && ch <= 'z') || ch === ' ') local += ch === ' ' ? rng.pick(['.', '_', '']) : ch;
  return `${local}${rng.chance(0.3) ? rng.int(1, 99) : ''}@${rng.pick(DOMAINS)}`;
}

function base62(n: number, width: number): string {
  let s = '';
  let x = n >>> 0;
  while (x > 0) {
    s = ALNUM[x % 62] + s;
    x = Math.floor(x / 62);
  }
  return s.padStart(width, '0');
}

function crc32(s: string): number {
  let c = ~0;
  for (let i = 0; i < s.length; i++) {
    c ^= s.charCodeAt(i);
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** Provider-format tokens, from each provider's documented layout. Keys are token kinds. */
export const TOKEN_KINDS: Record<string, (rng: Rng) => string> = {
  AWS_ACCESS_KEY_ID: (rng) => `AKIA${rng.chars(B32.slice(0, 26) + '234567', 16)}`,
  AWS_SECRET_ACCESS_KEY: (rng) => rng.chars(ALNUM + '/+', 40),
  // GitHub: prefix, 30 random base62 characters, then a 6-character base62 CRC32 of them.
  GITHUB_TOKEN: (rng) => {
    const prefix = rng.pick(['ghp_', 'gho_', 'ghs_']);
    const r = rng.chars(ALNUM, 30);
    return `${prefix}${r}${base62(crc32(r), 6)}`;
  },
  SLACK_TOKEN: (rng) => `xox${rng.pick(['b', 'p'])}-${rng.chars(DIGITS, 11)}-${rng.chars(DIGITS, 12)}-${rng.chars(ALNUM, 24)}`,
  STRIPE_SECRET_KEY: (rng) => `${rng.pick(['sk_live_', 'rk_live_'])}${rng.chars(ALNUM, rng.pick([24, 34, 99]))}`,
  OPENAI_API_KEY: (rng) => `sk-proj-${rng.chars(ALNUM + '-_', 56)}T3BlbkFJ${rng.chars(ALNUM + '-_', 56)}`,
  ANTHROPIC_API_KEY: (rng) => `sk-ant-api03-${rng.chars(ALNUM + '-_', 93)}AA`,
  GOOGLE_API_KEY: (rng) => `AIza${rng.chars(ALNUM + '-_', 35)}`,
  SENDGRID_API_KEY: (rng) => `SG.${rng.chars(ALNUM + '-_', 22)}.${rng.chars(ALNUM + '-_', 43)}`,
  JWT: (rng) => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = enc({ sub: String(rng.int(1000, 99999)), iat: 1700000000 + rng.int(0, 9999999), role: rng.pick(['user', 'admin']) });
    return `${enc({ alg: 'HS256', typ: 'JWT' })}.${body}.${createHash('sha256').update(rng.chars(ALNUM, 20)).digest('base64url')}`;
  },
  PRIVATE_KEY: (rng) => {
    const lines: string[] = [];
    for (let i = 0; i < 6; i++) lines.push(rng.chars(ALNUM + '+/', 64));
    const kind = rng.pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'OPENSSH PRIVATE KEY']);
    return `-----BEGIN ${kind}-----\n${lines.join('\n')}\n-----END ${kind}-----`;
  },
  DB_CONNECTION_STRING: (rng) => `${rng.pick(['postgres', 'mysql', 'mongodb'])}://${rng.pick(['app', 'svc_orders', 'admin'])}:${rng.chars(ALNUM + '!#%', 16)}@db${rng.int(1, 9)}.internal.example:${rng.pick(['5432', '3306', '27017'])}/${rng.pick(['orders', 'crm', 'prod'])}`,
};
