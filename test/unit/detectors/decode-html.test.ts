/**
 * HTML-entity decoding of credentials: text escaped once with spaces between the entities
 * (`&quot;password&quot;: &quot;…&quot;`) and text escaped twice (`&amp;quot;`, `&amp;lt;`), as
 * in HTML inside an attribute or a page serialised into JSON, decode in one segment so a key and
 * its value are scanned together; findings point at the encoded span. Starts nothing.
 */
import { describe, expect, it } from 'vitest';
import { findEncoded } from '../../../detectors/engine/decode.js';
import { createEngine } from '../../../detectors/engine/index.js';

const engine = createEngine({});
const ctx = { direction: 'request' as const, surface: 'llm' as const, role: 'user' as const };
const VALUE = 'Kq7Vx2Lm9RtZ4kP8'; // synthetic

describe('findEncoded on HTML entities', () => {
  it('decodes two levels of escaping in one segment', () => {
    const text = `&amp;quot;password&amp;quot;: &amp;quot;${VALUE}&amp;quot;`;
    const segs = findEncoded(text, { segments: 32, chars: 65536 });
    expect(segs.map((s) => [s.encoding, s.text])).toEqual([['html', `"password": "${VALUE}"`]]);
    expect(segs[0]!.start).toBe(0);
    expect(segs[0]!.end).toBe(text.length);
  });

  it('keeps key and value together across the spaces of escaped markup', () => {
    const segs = findEncoded(`&lt;add key=&quot;ApiKey&quot; value=&quot;${VALUE}&quot; /&gt;`, { segments: 32, chars: 65536 });
    expect(segs.map((s) => s.text)).toEqual([`<add key="ApiKey" value="${VALUE}" />`]);
  });

  it('stops a segment at a line break, and decodes nothing once the segment budget is spent', () => {
    const segs = findEncoded('&quot;user&quot;\n&quot;name&quot;', { segments: 32, chars: 65536 });
    expect(segs.map((s) => s.text)).toEqual(['"user"', '"name"']);
    expect(findEncoded('&amp;quot;a1&amp;quot; &amp;quot;b2&amp;quot;', { segments: 0, chars: 65536 })).toEqual([]);
  });
});

describe('secrets found through HTML escaping', () => {
  it.each([
    ['once, JSON with spaces', `&quot;password&quot;: &quot;${VALUE}&quot;`, 'secrets.generic-password-assignment'],
    ['twice, JSON with spaces', `&amp;quot;password&amp;quot;: &amp;quot;${VALUE}&amp;quot;`, 'secrets.generic-password-assignment'],
    ['twice, env-style assignment', `token=&amp;quot;${VALUE}&amp;quot;`, 'secrets.generic-password-assignment'],
    ['twice, .NET appSettings element', `&amp;lt;add key=&amp;quot;ApiKey&amp;quot; value=&amp;quot;${VALUE}&amp;quot; /&amp;gt;`, 'secrets.xml-keyed-credential'],
  ])('%s: fires %s over the encoded span', (_name, text, rule) => {
    const [res] = engine.scan(text, ctx, ['secrets']);
    const f = res!.findings.find((x) => x.rule === rule);
    expect(f).toBeDefined();
    expect(text.slice(f!.start, f!.end)).toContain(VALUE);
  });

  it('escaped prose without a credential stays clean', () => {
    const [res] = engine.scan('&lt;p&gt;Tom &amp;amp; Jerry &amp;amp; friends &amp;mdash; the password policy&lt;/p&gt;', ctx, ['secrets']);
    expect(res!.findings).toEqual([]);
  });
});
