/**
 * PII rows: realistic messages (support tickets, forms, chat, logs, JSON) carrying synthetic
 * e-mails, phones, cards, IBANs, SSNs, IPs and names with exact spans; and PII-free look-alikes
 * (order numbers, dates, versions, Luhn-invalid numbers) as benign rows of the same file.
 */
import { Rng } from './rng.js';
import { build, pieces, type Typed } from './spans-builder.js';
import type { GeneratedRow } from './types.js';
import { cardNumber, email, iban, ipv4, luhnValid, personName, phone, ssn } from './values.js';

const TEMPLATES: readonly string[] = [
  'Hi, this is {PERSON}. Please update my contact email to {EMAIL} and my phone to {PHONE}.',
  'Customer {PERSON} called from {PHONE} about a double charge on card {CREDIT_CARD}.',
  'Refund the deposit to IBAN {IBAN} (account holder: {PERSON}).',
  'Applicant SSN: {US_SSN}. Date of birth on file. Contact: {EMAIL}.',
  '{"customer": {"name": "{PERSON}", "email": "{EMAIL}", "card": "{CREDIT_CARD}"}}',
  'Login failed for user {EMAIL} from {IP_ADDRESS} (3 attempts).',
  'Can you write a reminder to {PERSON} ({EMAIL}) that the invoice is overdue?',
  'My card number is {CREDIT_CARD}, expiry 09/29. Why was it declined?',
  'Wire details — beneficiary {PERSON}, IBAN {IBAN}, reference INV-{num}.',
  'Translate this for my landlord: "You can reach me at {PHONE} or {EMAIL}."',
  'Patient {PERSON}, SSN {US_SSN}, phone {PHONE}, needs a follow-up appointment.',
  'Server {IP_ADDRESS} keeps dropping connections to {IP_ADDRESS}; logs attached.',
  'name,email,phone\n{PERSON},{EMAIL},{PHONE}\n{PERSON},{EMAIL},{PHONE}',
  'Please fill the form: Name: {PERSON}; Email: {EMAIL}; IBAN: {IBAN}.',
  'Summarise this ticket: "{PERSON} says the charge on {CREDIT_CARD} is not theirs."',
  'Bitte überweise die Kaution auf IBAN {IBAN}, Kontoinhaberin {PERSON}.',
  'Merci de rappeler {PERSON} au {PHONE} au sujet de sa commande.',
  'Mi correo es {EMAIL} y mi teléfono {PHONE}; llámenme por la tarde.',
  'Taxpayer record for {PERSON}: SSN {US_SSN}, refund to {IBAN}.',
  'Forwarding: {PERSON} <{EMAIL}> wrote: can you check why my payment with {CREDIT_CARD} failed?',
];

const NEGATIVES: readonly string[] = [
  'Order #{num} shipped on 2024-03-{day} and should arrive within five working days.',
  'We upgraded from version 4.{day}.{day} to 5.0.1 last night; no downtime.',
  'Reference number {bad} does not match any invoice in our system.',
  'The meeting room code is {day}{day} and the Wi-Fi network is "Guest".',
  'Our support line opens at 8:00 and closes at 18:00 on weekdays.',
  'Tracking ID {num}{num} is still in transit according to the carrier.',
  'Item SKU {num}-{day} is out of stock; restock expected in two weeks.',
  'The test card layout is 16 digits, but never paste a real one into a chat.',
  'Use the contact form on our website instead of sending personal details by email.',
  'Set the server timeout to {num} ms and retry three times.',
  'The 2019 census counted 48,{num} residents in the district.',
  'Please anonymise names and emails before sharing the spreadsheet.',
];

function value(slot: string, rng: Rng): string | Typed {
  switch (slot) {
    case 'PERSON': return { type: 'PERSON', value: personName(rng) };
    case 'EMAIL': return { type: 'EMAIL', value: email(rng) };
    case 'PHONE': return { type: 'PHONE', value: phone(rng) };
    case 'CREDIT_CARD': return { type: 'CREDIT_CARD', value: cardNumber(rng) };
    case 'IBAN': return { type: 'IBAN', value: iban(rng) };
    case 'US_SSN': return { type: 'US_SSN', value: ssn(rng) };
    case 'IP_ADDRESS': return { type: 'IP_ADDRESS', value: ipv4(rng) };
    case 'num': return String(rng.int(10000, 999999));
    case 'day': return String(rng.int(10, 28));
    case 'bad': {
      // 16 digits that fail Luhn: a look-alike, not a card.
      let d = '';
      do d = String(rng.int(4000, 4999)) + String(rng.int(100000000000, 999999999999));
      while (luhnValid(d));
      return d;
    }
    default: return `{${slot}}`;
  }
}

/** PII rows (attack = contains PII) and PII-free look-alikes (benign). */
export function piiRows(seed: string, attacks = 500, benign = 150): GeneratedRow[] {
  const rng = new Rng(`${seed}:pii`);
  const rows: GeneratedRow[] = [];
  for (let i = 0; i < attacks; i++) {
    const tpl = TEMPLATES[i % TEMPLATES.length];
    const { text, entities } = build(pieces(tpl, (s) => value(s, rng)));
    rows.push({ id: `pii-${i}`, text, label: 'attack', category: 'pii', subcategory: `template-${i % TEMPLATES.length}`, entities });
  }
  for (let i = 0; i < benign; i++) {
    const tpl = NEGATIVES[i % NEGATIVES.length];
    const { text } = build(pieces(tpl, (s) => value(s, rng)));
    rows.push({ id: `pii-neg-${i}`, text, label: 'benign', category: 'hard_negative', subcategory: 'pii_lookalike', entities: [] });
  }
  return rows;
}
