/**
 * The validators added for the secrets families (detectors/engine/validators.ts, "secrets (h16)"
 * block): URL passwords, generic-value vetoes (Sealed Secrets ciphertext, secret-store paths,
 * version strings, EC public keys in hex), base64 user:password, Atlassian Data Center PATs,
 * licence keys and placeholder PEM blocks. Pure functions; starts nothing. Values are synthetic.
 */
import { describe, expect, it } from 'vitest';
import {
  atlassianDcPat, basicAuthBase64, credentialValue, ecPublicKeyHex, leetPlaceholder, pemMarker, productKey,
  sealedSecret, secretReference, urlPassword, versionString,
} from '../../../detectors/engine/validators.js';

describe('URL passwords (user:password@host)', () => {
  it('a short literal password counts: no entropy gate for a password sent in clear', () => {
    expect(urlPassword('pass')).toBe(true);
    expect(urlPassword('hunter22')).toBe(true);
    expect(urlPassword('5WdF4f2jE76a')).toBe(true);
  });

  it('templates, placeholders, default account names and one repeated character do not', () => {
    for (const v of ['${PASSWORD}', '{{pass}}', '$(DB_PASS)', '<password>', 'password', 'P@ssw0rd', 'YOUR_PASSWORD', 'xxxx', '1111', 'abc', 'postgres', 'guest', '%s']) {
      expect(urlPassword(v), v).toBe(false);
    }
  });

  it('leet spellings of password and secret are recognised as demo values', () => {
    expect(leetPlaceholder('SqLpa5sW0rD')).toBe(true);
    expect(leetPlaceholder('s3cr3t!')).toBe(true);
    expect(leetPlaceholder('Hq8vLm2RzT4k')).toBe(false);
  });
});

describe('generic value vetoes', () => {
  it('a Sealed Secrets ciphertext (AgA-AgD / AQA-AQD, hundreds of base64 characters) is not a credential', () => {
    expect(sealedSecret('AgB79ICUKA5j0CqebiHYtaRqhOWQ0OcQMww8xdyPdigXE0v4GZD9sJv2ib8HeG8hynkif6sFJ6uwzlnNaCPUDU3FWY9COfJjJfjkHgSTvWiSn0Xzhz5sYcPea3n7lF/x1zVuypJIxA5H4+kLIfDfFehHAVUyLQ+kgUaVPGPj9lFA1810oiNGE0d1SccJqLMUEVUT3GcdoPI5W6pwgJlVerAtQZtl4k9fdAG5CXBmcsS1SYulyc+LAfbO9PRsFAOWhmH4rq2+k/IHe3Yx4DC2e90C2PIPNg9zxekFvJXOMVBEWmi4Ji4AiJBBi+5hlfq6wZchp0RD1tCs65J5ueSOMN1owArZZDtoG703D7fevZH3cT32B74QB3JJMEl0ywZFL9z8peoChAzdHM+gSiLezUl7Y+EDs9sZMdtjrFL851yv8lnTAyKAwAVO')).toBe(true);
    expect(credentialValue('AgB79ICUKA5j0CqebiHYtaRqhOWQ0OcQMww8xdyPdigXE0v4GZD9sJv2ib8HeG8hynkif6sFJ6uwzlnNaCPUDU3FWY9COfJjJfjkHgSTvWiSn0Xzhz5sYcPea3n7lF/x1zVuypJIxA5H4+kLIfDfFehHAVUyLQ+kgUaVPGPj9lFA1810oiNGE0d1SccJqLMUEVUT3GcdoPI5W6pwgJlVerAtQZtl4k9fdAG5CXBmcsS1SYulyc+LAfbO9PRsFAOWhmH4rq2+k/IHe3Yx4DC2e90C2PIPNg9zxekFvJXOMVBEWmi4Ji4AiJBBi+5hlfq6wZchp0RD1tCs65J5ueSOMN1owArZZDtoG703D7fevZH3cT32B74QB3JJMEl0ywZFL9z8peoChAzdHM+gSiLezUl7Y+EDs9sZMdtjrFL851yv8lnTAyKAwAVO')).toBe(false);
    // Another leading length, or a short value: not the Sealed Secrets layout.
    expect(sealedSecret('AgVsHvAITJEn6kKT06ijTqDWZf85Oe/G/6x/URR4JmybdBkUm6LSyBEjmzOcLBRHBIcDb5QSeUJvlRzq8tN8GjzZ+hxu7RD7A28zXOUgQrhbNvsmjFB4rBuEhIUShFDHZurOCLrStsqDDuiwrFmVgxxiDvx+jLjDc0uQm7klcz+OUnjHa2zPjl8uWPvVveDJ+FzTahJHHshySOd8sOScxRP28HADMdKHemYOz+q9gjhhAWUFrv70vkBVzKiZTTP71OODZgq3Wq3a2sqgqcUMiWS4L3TPSS4UIj29Fzj14hKiYissxOpnDAD3Tf7rwnRnmtR94C8GOMIWb6bkjGTNYSUepQvZJRBGtVcPYcQ7mJ4Ihekhy6zdbhK+GvXgBlfqbKdQsYxKHbGGUnhy3WK0pgyyBQOwq3YCeI+xeUYGc904PoGYXfOCzslJ')).toBe(false);
    expect(sealedSecret('AgBx2jIclHkCiHp6bR1Iq')).toBe(false);
  });

  it('secret-store paths, version strings and EC public keys in hex are vetoed; a password is not', () => {
    expect(secretReference('prod/db/credentials')).toBe(true);
    expect(secretReference('n57vMlC9/6VDbJk/J4ZwLx')).toBe(false);
    expect(versionString('v3.1.2-beta')).toBe(true);
    expect(versionString('2.0.1')).toBe(true);
    expect(versionString('v3x.1')).toBe(false);
    expect(ecPublicKeyHex('037cfbfc90234cfdab7eb54050566293789efaa1a35dc420749662db400dc9c4b2')).toBe(true);
    expect(ecPublicKeyHex('c8f12fb8b20008e14b5a5ff4bad15af9b545d98144da8707892dcc2a2014ba58')).toBe(false);
    expect(credentialValue('Hq8vLm2RzT4k')).toBe(true);
  });
});

describe('decoded shapes', () => {
  it('base64 of user:password counts only with a real password', () => {
    expect(basicAuthBase64(Buffer.from('deploy:Hq8vLm2RzT4k').toString('base64'))).toBe(true);
    expect(basicAuthBase64(Buffer.from('user:password').toString('base64'))).toBe(false);
    expect(basicAuthBase64(Buffer.from('no colon here').toString('base64'))).toBe(false);
  });

  it('an Atlassian Data Center PAT decodes to a 12-digit id, a colon and 20 bytes', () => {
    expect(atlassianDcPat('NDgyOTE1NzMwMjY0Ol6kKK+tusgW1I3/gFazQu3cZxU+')).toBe(true);
    expect(atlassianDcPat(Buffer.from('hello world, this is a text!!!!!!').toString('base64'))).toBe(false);
  });
});

describe('licence keys and PEM markers', () => {
  it('a product key needs varied groups: filler and counting groups are templates', () => {
    expect(productKey('7HQ2M-KX9VR-PT4WD-3JCBF-YG8NL')).toBe(true);
    expect(productKey('XXXXX-XXXXX-XXXXX-XXXXX-XXXXX')).toBe(false);
    expect(productKey('ZAQWS-XCDER-VBGTR-FRTGU-KLMNO')).toBe(false);
    expect(productKey('1234-5678-9012-3456')).toBe(false);
  });

  it('a BEGIN/END pair around a placeholder body is not a key; a lone marker is', () => {
    expect(pemMarker('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
    expect(pemMarker('-----BEGIN PRIVATE KEY-----\n***\n-----END PRIVATE KEY-----')).toBe(false);
    expect(pemMarker('-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----')).toBe(false);
    expect(pemMarker('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----')).toBe(true);
  });
});
