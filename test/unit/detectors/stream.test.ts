/**
 * The stream scanner on response text cut at EVERY possible chunk boundary (and into many
 * one-character chunks): a secret or PII value split anywhere never reaches the released output
 * unredacted, released text is the redacted original in order, a block ends the stream, and the
 * hold-back stays bounded. Starts nothing.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type Action, type Finding } from '../../../detectors/engine/index.js';
import { safeCut, MAX_HOLD } from '../../../detectors/engine/stream.js';

const engine = createEngine({});
const ctx = { direction: 'response' as const, surface: 'llm' as const };
const redactAll = (): Action => 'redact';

function synth(prefix: string, n: number, seed: number): string {
  const a = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let s = prefix;
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; s += a[(x >>> 8) % a.length]; }
  return s;
}

/** Feed `chunks`, return everything released plus all findings. */
function run(chunks: string[], actionFor: (f: Finding) => Action = redactAll, which = ['secrets', 'pii']) {
  const vault = engine.newVault();
  const sc = engine.streamScanner(ctx, which, actionFor, vault);
  let out = '';
  const findings: Finding[] = [];
  let blocked = false;
  for (const c of chunks) {
    const r = sc.push(c);
    out += r.release;
    findings.push(...r.findings);
    if (r.blocked) { blocked = true; break; }
  }
  if (!blocked) { const r = sc.end(); out += r.release; findings.push(...r.findings); blocked = r.blocked; }
  return { out, findings, blocked, vault };
}

describe('stream scanner', () => {
  const token = synth('ghp_', 36, 3);
  const text = `Sure! Your token is ${token} and my mail is ann.lee@example.org, card 4111 1111 1111 1111. Bye.`;
  const whole = (() => {
    const all = engine.scan(text, ctx, ['secrets', 'pii']).flatMap((r) => r.findings);
    return engine.redact(text, all, engine.newVault());
  })();

  it('the unsplit text releases exactly the one-shot redaction', () => {
    expect(run([text]).out).toBe(whole);
  });

  it('split into two chunks at every position, no secret or PII value leaks and the output equals the one-shot redaction', () => {
    for (let i = 1; i < text.length; i++) {
      const { out } = run([text.slice(0, i), text.slice(i)]);
      expect(out, `split at ${i}`).toBe(whole);
      expect(out).not.toContain(token.slice(4, 20));
      expect(out).not.toContain('ann.lee');
    }
  });

  it('split into three chunks around the token at every pair of positions, the token never leaks', () => {
    const at = text.indexOf(token);
    for (let i = at - 2; i < at + token.length + 2; i += 3) {
      for (let j = i + 1; j < at + token.length + 4; j += 2) {
        const { out } = run([text.slice(0, i), text.slice(i, j), text.slice(j)]);
        expect(out, `split at ${i},${j}`).toBe(whole);
      }
    }
  });

  it('one character per chunk releases the same redacted text', () => {
    const { out } = run([...text]);
    expect(out).toBe(whole);
  });

  it('a PEM private key streamed line by line is held until complete and released redacted', () => {
    const lines = ['-----BEGIN RSA PRIVATE KEY-----'];
    for (let i = 0; i < 6; i++) lines.push(synth('', 64, 40 + i).replace(/[^A-Za-z0-9]/g, 'Q'));
    lines.push('-----END RSA PRIVATE KEY-----');
    const pem = lines.join('\n');
    const chunks = [`Here is the key:\n`, ...pem.match(/[\s\S]{1,7}/g)!, `\nDone.`];
    const { out } = run(chunks);
    expect(out).toBe('Here is the key:\n[PRIVATE_KEY_1]\nDone.');
  });

  it('a block decision ends the stream and releases nothing after the finding', () => {
    const { out, blocked, findings } = run([text.slice(0, 25), text.slice(25)], (f) => (f.type === 'GITHUB_TOKEN' ? 'block' : 'redact'));
    expect(blocked).toBe(true);
    expect(out).not.toContain(token.slice(0, 8));
    expect(findings.some((f) => f.rule === 'secrets.github-pat')).toBe(true);
  });

  it('flagged findings are reported but the text passes unchanged', () => {
    const { out, findings } = run([text.slice(0, 30), text.slice(30)], () => 'flag');
    expect(out).toBe(text);
    expect(findings.map((f) => f.type)).toEqual(expect.arrayContaining(['GITHUB_TOKEN', 'EMAIL', 'CREDIT_CARD']));
  });

  it('restore() gives the client the original back when redaction is reversible', () => {
    const { out, vault } = run([text.slice(0, 33), text.slice(33)]);
    expect(vault.restore(out)).toBe(text);
  });

  it('ordinary prose is released promptly: only the last word is held', () => {
    const vault = engine.newVault();
    const sc = engine.streamScanner(ctx, ['secrets', 'pii'], redactAll, vault);
    expect(sc.push('Hello there, how ').release).toBe('Hello there, how ');
    expect(sc.push('are you tod').release).toBe('are you ');
    expect(sc.end().release).toBe('tod');
  });

  it('the hold-back never exceeds MAX_HOLD characters, even inside one huge word', () => {
    const big = 'x'.repeat(3 * MAX_HOLD);
    expect(big.length - safeCut(big)).toBe(MAX_HOLD);
    expect(safeCut('card 4111 1111 ')).toBe(5);
  });
});
