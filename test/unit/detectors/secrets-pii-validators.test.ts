/**
 * The validators behind the secrets and PII rules (detectors/engine/validators.ts): placeholder
 * and counting-run vetoes, the credential-shape gate of the generic secret families, base64 key
 * material, and the published checksums of national identifiers and Bitcoin addresses. Pure
 * functions; starts nothing. Values are synthetic (generated for the checksum, never real).
 */
import { describe, expect, it } from 'vitest';
import {
  auAbn, base64Binary, btcAddress, credentialLike, deaNumber, esNif, hasCountingRun, inAadhaar, isOtherData,
  isPathOrUrl, isPlaceholder, sgNric, ukNhs, ukNino,
} from '../../../detectors/engine/validators.js';

describe('placeholder veto', () => {
  it('a counting run of six (up, down or stuttered) marks a typed-in value', () => {
    expect(hasCountingRun('x9123456q')).toBe(true);
    expect(hasCountingRun('ab76543210')).toBe(true);
    expect(hasCountingRun('aabbccddeeff'.toLowerCase())).toBe(true);
    expect(hasCountingRun('q7vx2lmz9rtb4w')).toBe(false);
  });

  it('behind a provider prefix a run of one letter is not a placeholder, filler is', () => {
    expect(isPlaceholder('AAAAAAAAAAAAAAAAAAAAAAAA', true)).toBe(false);
    expect(isPlaceholder('xxxxxxxxxxxxxxxxxxxxxxxx', true)).toBe(true);
    expect(isPlaceholder('********', true)).toBe(true);
    expect(isPlaceholder('AAAAAAAA', false)).toBe(true);
  });
});

describe('credential-like gate of the generic families', () => {
  it('accepts mixed-class values and rejects words, identifiers and prose punctuation', () => {
    expect(credentialLike('Vh4Rk9wQz2Lp')).toBe(true);
    expect(credentialLike('cackle!')).toBe(true);
    expect(credentialLike('provided,')).toBe(false);
    expect(credentialLike('get_token')).toBe(false);
    expect(credentialLike('config.db.password')).toBe(false);
    expect(credentialLike('n83.bat47Fy4')).toBe(true);
  });

  it('paths and URLs point at a secret rather than being one; base64 with one leading slash is kept', () => {
    expect(isPathOrUrl('/etc/ssl/private/server.pem')).toBe(true);
    expect(isPathOrUrl('/run/secrets/db')).toBe(true);
    expect(isPathOrUrl('photos/2024/cat.jpg')).toBe(true);
    expect(isPathOrUrl('https://auth.example.org/token')).toBe(true);
    expect(isPathOrUrl('/f4yRZSBgH6Chc6wokE+JL1bReDoAWLvDHb/jSCL')).toBe(false);
    expect(isPathOrUrl('/VnpmUGWxhQW9KQAwrL2ZYdDJPNG1PQjYxMXNPaF')).toBe(false);
  });

  it('public keys, hex masks, e-mails, query strings, markup and snake_case names are other data', () => {
    expect(isOtherData('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A')).toBe(true);
    expect(isOtherData('0x31c45018')).toBe(true);
    expect(isOtherData('f45VgF8jX79o@anydata.com')).toBe(true);
    expect(isOtherData('LOGIC&title=QUANTUM')).toBe(true);
    expect(isOtherData('String&lt')).toBe(true);
    expect(isOtherData('attached_file_0')).toBe(true);
    expect(isOtherData('Kp7vQx2LmZ9rTb4W')).toBe(false);
  });

  it('base64 key lines decode to binary; base64 of prose does not count', () => {
    const key = Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 97 + 13) % 256)).toString('base64');
    expect(base64Binary(key)).toBe(true);
    expect(base64Binary(Buffer.from('There are not the tokens you are looking for').toString('base64'))).toBe(false);
  });
});

describe('national identifier and wallet checksums', () => {
  it('UK NHS mod 11 accepts a valid number and rejects a changed check digit', () => {
    expect(ukNhs('104 332 1810')).toBe(true);
    expect(ukNhs('104 332 1811')).toBe(false);
  });

  it('UK NINO rejects never-issued prefixes', () => {
    expect(ukNino('JG103744B')).toBe(true);
    expect(ukNino('GB123456A')).toBe(false);
  });

  it('Spanish NIF/NIE letter follows mod 23', () => {
    expect(esNif('10872248X')).toBe(true);
    expect(esNif('31429110-R')).toBe(true);
    expect(esNif('10872248A')).toBe(false);
  });

  it('Singapore NRIC/FIN, Australian ABN, Aadhaar (Verhoeff) and DEA numbers validate', () => {
    expect(sgNric('S5423511I')).toBe(true);
    expect(sgNric('S5423511A')).toBe(false);
    expect(auAbn('12 921 851 569')).toBe(true);
    expect(auAbn('12 921 851 560')).toBe(false);
    expect(inAadhaar('6155 2166 7467')).toBe(true);
    expect(inAadhaar('6155 2166 7468')).toBe(false);
    expect(deaNumber('AT6701456')).toBe(true);
    expect(deaNumber('AT6701457')).toBe(false);
  });

  it('Bitcoin addresses need a valid base58check or bech32 checksum', () => {
    expect(btcAddress('1G36KTzfih4Q2RXwVvJuF3EKktnfzArHRs')).toBe(true);
    expect(btcAddress('1G36KTzfih4Q2RXwVvJuF3EKktnfzArHRt')).toBe(false);
    expect(btcAddress('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq')).toBe(true);
    expect(btcAddress('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx')).toBe(false);
  });
});
