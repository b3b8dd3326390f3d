/**
 * Entity-type mapping between datasets and the project's detectors. Datasets name types their own
 * way (presidio: PHONE_NUMBER, EMAIL_ADDRESS, IBAN_CODE; CredSweeper/secretlint: rule names); the
 * PII detector reports EMAIL, PHONE, CREDIT_CARD, IBAN, US_SSN, IP_ADDRESS, DATE_OF_BIRTH, PASSPORT,
 * DRIVER_LICENSE, and with `pii.nlp` PERSON, LOCATION, ORGANIZATION (ORGANIZATION is not scored:
 * a company name is not personal data).
 * Types mapped to null are not scored (not sensitive alone, or not something we detect), and are
 * listed as such in the report. docs/eval.md carries this table.
 */

/** Dataset PII type → our type (null: not scored). Unknown types are scored under their own name. */
export const PII_TYPE_MAP: Readonly<Record<string, string | null>> = Object.freeze({
  EMAIL: 'EMAIL',
  EMAIL_ADDRESS: 'EMAIL',
  PHONE: 'PHONE',
  PHONE_NUMBER: 'PHONE',
  CREDIT_CARD: 'CREDIT_CARD',
  IBAN: 'IBAN',
  IBAN_CODE: 'IBAN',
  US_SSN: 'US_SSN',
  IP_ADDRESS: 'IP_ADDRESS',
  PERSON: 'PERSON',
  STREET_ADDRESS: 'LOCATION',
  LOCATION: 'LOCATION',
  US_DRIVER_LICENSE: 'DRIVER_LICENSE',
  DRIVER_LICENSE: 'DRIVER_LICENSE',
  US_PASSPORT: 'PASSPORT',
  PASSPORT: 'PASSPORT',
  DATE_OF_BIRTH: 'DATE_OF_BIRTH',
  // Not personal data on their own, or not in the PII detector's scope.
  GPE: null,
  ORGANIZATION: null,
  TITLE: null,
  DATE_TIME: null,
  NRP: null,
  AGE: null,
  ZIP_CODE: null,
  DOMAIN_NAME: null,
});

/** Maps a dataset PII type; returns undefined when the type must not be scored. */
export function mapPiiType(type: string): string | undefined {
  const key = type.toUpperCase();
  if (Object.prototype.hasOwnProperty.call(PII_TYPE_MAP, key)) return PII_TYPE_MAP[key] ?? undefined;
  return key;
}

/**
 * Secrets: provider names differ between every tool (secretlint messageIds, CredSweeper rule
 * names, our rule types), so secrets are matched type-agnostically: any secret finding on the
 * entity's span counts. Recall is still reported by the dataset's own type.
 */
export function mapSecretType(type: string): string {
  return type;
}
