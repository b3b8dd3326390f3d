/**
 * The secrets pack's two pack-level options, through the full engine and on the compiled pack:
 * `ansiBoundaries` (terminal colour escapes around a token act as boundaries, in the raw ESC form
 * and in the spellings source code uses; spans stay on the token) and `nonAsciiApart` (rules whose
 * keywords are all non-ASCII run in a Set of their own, only on texts holding a UTF-8 lead byte of their letters,
 * with the same results as inside the main Set). Starts nothing.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createEngine, PACKS_DIR } from '../../../detectors/engine/index.js';
import { blankTerminalEscapes, CompiledPack } from '../../../detectors/engine/pack.js';
import { loadPackDir } from '../../../detectors/engine/rule-file.js';

const engine = createEngine({});
const ctx = { direction: 'request' as const, surface: 'llm' as const, role: 'user' as const };
// Synthetic values (never real credentials).
const TOKEN = 'ghp_Kq7Vx2Lm9RtZ4kP8wB3nKq7Vx2Lm9RtZ4kP8';

function secretSpans(text: string): Array<[string, string]> {
  const [res] = engine.scan(text, ctx, ['secrets']);
  return res!.findings.map((f) => [f.rule, text.slice(f.start, f.end)]);
}

describe('terminal escapes around a token', () => {
  it.each([
    ['raw ESC colour', `>>>\x1b[93m${TOKEN}\x1b[0m<<<`],
    ['256-colour SGR with parameters', `\x1b[38;5;208m${TOKEN}\x1b[0m`],
    ['\\x1b spelling in a Python string', `print("\\x1b[94m${TOKEN}\\x1b[0m")`],
    ['\\033 spelling in a shell script', `echo "\\033[1;31m${TOKEN}\\033[0m"`],
    ['\\e spelling', `printf '\\e[32m${TOKEN}\\e[0m'`],
    ['\\u001b spelling in JSON', `{"line":"\\u001b[33m${TOKEN}\\u001b[39m"}`],
  ])('%s: the token is found and its span is exactly the token', (_name, text) => {
    expect(secretSpans(text)).toContainEqual(['secrets.github-pat', TOKEN]);
  });

  it('blanking keeps the length and every offset, and leaves text without escapes untouched', () => {
    const text = `a\x1b[1;31mb\\033[0mc [not an escape] \\x1b[`;
    const out = blankTerminalEscapes(text);
    expect(out.length).toBe(text.length);
    expect(out).toBe(`a${' '.repeat(7)}b${' '.repeat(7)}c [not an escape] \\x1b[`);
    const plain = 'arrays [1, 2] and links [x](y)';
    expect(blankTerminalEscapes(plain)).toBe(plain);
  });

  it('a word glued to a token by an escape spelled out is still not a boundary without the escape', () => {
    // Without the escape, "93m" + token is one word: the provider rule's boundary holds.
    expect(secretSpans(`93m${TOKEN}`).map(([r]) => r)).not.toContain('secrets.github-pat');
  });
});

describe('rules with non-ASCII keywords kept apart', () => {
  const specs = loadPackDir(join(PACKS_DIR, 'secrets'));
  const apart = new CompiledPack('secrets', specs, { placeholderCheck: true, nonAsciiApart: true });
  const inSet = new CompiledPack('secrets', specs, { placeholderCheck: true });
  const texts = [
    'Пароль: Hq8vLm2RzT4k', '我的密码是 Kq7Vx2Lm9RtZ', 'パスワードは「Tb4Wq8vLm2Rz」です', '비밀번호는 Nv5Rk9wQz2Lp 입니다',
    `password = "gmNad1VpINzsn6m9Ay" and 密码：Zr4vN8qLm2Tx and ${TOKEN}`, 'plain ASCII: DB_PASSWORD=FAJH9stfQcjRbOZ#CR',
    'contraseña: ********', 'Grüße, das Passwort ist Kq7Vx2Lm9RtZ4kP8',
    '“Пароль”: Hq8vLm2RzT4k', 'smart “quotes” — and Kennwort: Qz4Lm8Rv2Tx', 'lösenord: Wq8zLm3Rt9vK (Swedish)',
  ];
  it.each(texts)('gives the same hits as the rule inside the main Set: %s', (text) => {
    const key = (h: { rule: { id: string }; start: number; end: number; score: number }) => `${h.rule.id}@${h.start}-${h.end}:${h.score}`;
    expect(apart.run(text, text.toLowerCase()).map(key).sort()).toEqual(inSet.run(text, text.toLowerCase()).map(key).sort());
  });

  it('the non-Latin password rule is not part of the Sets a PackUnion merges', () => {
    expect(apart.patternIds).not.toContain('secrets.password-assignment-non-latin');
    expect(inSet.patternIds).toContain('secrets.password-assignment-non-latin');
  });

  it('fires through the engine on a non-ASCII keyword and not on ASCII-only base64', () => {
    expect(secretSpans('数据库密码：Zr4vN8qLm2Tx')).toEqual([['secrets.password-assignment-non-latin', 'Zr4vN8qLm2Tx']]);
    expect(secretSpans('Q2hhbmdlZCB0aGUgY29uZmlnIGZpbGUgYW5kIHJlc3RhcnRlZCB0aGUgc2VydmljZQ==')).toEqual([]);
  });
});
