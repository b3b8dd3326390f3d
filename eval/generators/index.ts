/**
 * Writes the project's own datasets under `datasets/` and a DATASHEET.md beside each, with the
 * counts computed from what was written (so the datasheet cannot drift from the data).
 *
 *   npx tsx eval/generators/index.ts [--seed S] [--out DIR]
 *
 * Same seed, same bytes. All text comes from templates written for this project; no row is
 * copied from any public dataset.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { benignRows, hardNegativeRows } from './benign.js';
import { directRows, indirectRows } from './injection.js';
import { piiRows } from './pii.js';
import { secretRows } from './secrets.js';
import { toolRows } from './tools.js';
import type { GeneratedRow } from './types.js';

/** Default seed: changing it regenerates every dataset. */
export const DEFAULT_SEED = 'llm-firewall-datasets-v1';

interface FileSpec {
  folder: string;
  file: string;
  rows: GeneratedRow[];
  gzip?: boolean;
}

interface Sheet {
  folder: string;
  title: string;
  how: string;
  labels: string;
  caveats: string;
}

const SHEETS: Sheet[] = [
  {
    folder: 'injection',
    title: 'Prompt injection and jailbreaks (direct and indirect)',
    how: 'direct.jsonl: hand-written templates in nine languages (en, de, fr, es, pt, it, zh, ja, ru), grouped by family — override (discard earlier instructions), extraction (reveal the system prompt or hidden data), persona (unrestricted alter ego), authority (posing as developer/system/admin), hijack (emit an attacker string), fiction (story/hypothetical wrapper), refusal (forbid refusing), smuggling (split or encoded payload) — filled with varied goals, personas and strings, with optional English lead-ins and tails and some upper-casing. indirect.jsonl: payloads addressed to the model that reads the content, inserted at a random position into generated e-mails, HTML pages (sometimes in a hidden div), Markdown documents, JSON tool results, code comments and CSV tables; plus the same carrier kinds without a payload.',
    labels: '`attack` = text a firewall should flag as prompt injection. category `injection` (override, extraction, authority, hijack, smuggling) or `jailbreak` (persona, fiction, refusal); `indirect` = payload inside content. `benign` (category `benign`, subcategory `clean_<carrier>`) = the same carrier with no payload. `subcategory` = family or carrier kind; `lang` = language.',
    caveats: 'Template-generated: phrasings repeat across rows, so this set measures coverage of families and languages, not generalisation to new phrasings — use the public collection for that. Non-English templates are fewer than English ones. Payloads in indirect rows are sometimes in another language than the carrier.',
  },
  {
    folder: 'benign',
    title: 'Benign prompts and hard negatives',
    how: 'prompts.jsonl: everyday requests (cooking, travel, writing, explanations, small coding questions) from templates in nine languages with varied fillers. hard-negatives.jsonl: benign text that shares vocabulary with attacks — editing instructions such as "ignore the previous paragraph", questions about system prompts and prompt injection for teaching, benign role-play ("act as a travel guide"), ops and code talk ("override a CSS rule", "bypass the browser cache", "discard local changes"), and security policy text.',
    labels: 'All rows `benign`. category `benign` (ordinary requests) or `hard_negative` (looks suspicious, is not). These are negatives for prompt-injection, pii and secrets (see docs/eval.md, mapping rule 5).',
    caveats: 'Short single-turn prompts; no long chats or real e-mails. Each template appears in up to six variants (fillers, and for English the same lead-ins and tails the attack generator uses, so those carry no signal); `subcategory` names the template (`en-t12`), so a false positive can be traced to one phrasing rather than counted as many. Hard negatives are written by the same people who wrote the attacks, so they probe known confusions rather than unknown ones.',
  },
  {
    folder: 'pii',
    title: 'PII in realistic text, with exact spans',
    how: 'Support tickets, forms, CSV, JSON, log lines and chat messages (English plus a few German, French, Spanish) filled with synthetic values: names from a fixed list, e-mails on reserved example domains, phone numbers from fictional/documentation ranges (NANP 555-01xx, Ofcom 020 7946 0xxx, UK 07700 900xxx, Berlin 030), Luhn-valid Visa/Mastercard/Amex numbers (some grouped), mod-97-valid IBANs (DE, FR, GB, ES, IT, NL; some grouped), SSNs in the valid ranges (area 001–899 without 666), IPv4 addresses from RFC 5737 documentation ranges and 10/8. Negatives: order numbers, versions, SKUs, Luhn-invalid 16-digit references, text about PII without any.',
    labels: '`attack` (category `pii`) = the text contains PII; `entities` = `{type,start,end}` with Unicode code-point offsets, types EMAIL, PHONE, CREDIT_CARD, IBAN, US_SSN, IP_ADDRESS, PERSON. `benign` (category `hard_negative`) = PII-free look-alikes.',
    caveats: 'Values are valid in structure but belong to no one. Names are a short fixed list. Addresses are not included (the detector does not look for them).',
  },
  {
    folder: 'secrets',
    title: 'Secrets and look-alikes, with exact spans',
    how: 'Provider-format credentials generated from their documented layouts with seeded randomness — AWS access key ids (AKIA + 16 base32) and secret keys, GitHub tokens (prefix + 30 base62 + 6-character base62 CRC32), Slack xoxb/xoxp tokens, Stripe live keys, OpenAI project keys, Anthropic keys, Google API keys (AIza + 35), SendGrid keys, HS256 JWTs, PEM private keys, database URLs with passwords — placed in .env lines, YAML, JSON tool arguments, code, curl headers, INI files, log lines and prose. Negatives: placeholders, documented example keys, masked values, environment-variable references, commit ids, sha256 digests, UUIDs, data URIs. Written gzip-compressed (`secrets.jsonl.gz`) so repository secret scanners do not mistake the synthetic credentials for leaked ones; the harness reads .gz directly (`zcat` to inspect).',
    labels: '`attack` (category `secret`) = the text contains a credential; `entities` = its span (Unicode code points), type = token kind. `benign` (category `hard_negative`) = look-alike with no usable credential.',
    caveats: 'None of the credentials is real or valid with its provider (random bodies). Checksummed formats (GitHub CRC32) carry a correct checksum; other providers\' server-side validity cannot be imitated.',
  },
  {
    folder: 'mcp-tools',
    title: 'Clean and poisoned MCP tool descriptions',
    how: 'Descriptions of 18 typical tools (files, search, calendar, e-mail, database, payments, git, …) with small variations; poisoned versions append an instruction aimed at the model: hidden directives (<IMPORTANT> blocks, HTML comments), exfiltration of files or keys through a parameter, shadowing of another tool, concealment ("do not tell the user"), silent redirection of recipients/URLs, and preference manipulation.',
    labels: '`benign` (category `benign`, with `tool_name`) = clean description, a negative for tool-poisoning. `attack` (category `tool_poisoning`, `subcategory` = family) = poisoned description.',
    caveats: 'Descriptions only (no input schemas). Poison sentences come from a small bank, so recall here is an upper bound for new phrasings.',
  },
];

function dedupe(rows: GeneratedRow[]): GeneratedRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.text) ? false : (seen.add(r.text), true)));
}

/** Builds every dataset in memory. */
export function generateAll(seed = DEFAULT_SEED): FileSpec[] {
  return [
    { folder: 'injection', file: 'direct.jsonl', rows: dedupe(directRows(seed)) },
    { folder: 'injection', file: 'indirect.jsonl', rows: dedupe(indirectRows(seed)) },
    { folder: 'benign', file: 'prompts.jsonl', rows: dedupe(benignRows(seed)) },
    { folder: 'benign', file: 'hard-negatives.jsonl', rows: dedupe(hardNegativeRows(seed)) },
    { folder: 'pii', file: 'pii.jsonl', rows: dedupe(piiRows(seed)) },
    { folder: 'secrets', file: 'secrets.jsonl.gz', rows: dedupe(secretRows(seed)), gzip: true },
    { folder: 'mcp-tools', file: 'tool-descriptions.jsonl', rows: dedupe(toolRows(seed)) },
  ];
}

function countBy(rows: GeneratedRow[], key: (r: GeneratedRow) => string | undefined): string {
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} ${v}`).join(', ');
}

function datasheet(sheet: Sheet, files: FileSpec[], hashes: Map<FileSpec, string>, seed: string): string {
  const lines = [
    `# ${sheet.title}`,
    '',
    'Generated by this project; not copied from any public dataset. Licence: Apache-2.0 (as the project).',
    '',
    `Regenerate: \`npx tsx eval/generators/index.ts\` (seed \`${seed}\`; same seed, same bytes). Measure: \`node bin/llm-firewall.mjs eval --dataset datasets/${sheet.folder}\`.`,
    '',
    '## How it was made',
    '',
    sheet.how,
    '',
    '## Labels',
    '',
    sheet.labels,
    '',
    '## Files and counts',
    '',
    '| file | rows | attack | benign | sha256 |',
    '|---|--:|--:|--:|---|',
  ];
  for (const f of files) {
    const a = f.rows.filter((r) => r.label === 'attack').length;
    lines.push(`| \`${f.file}\` | ${f.rows.length} | ${a} | ${f.rows.length - a} | \`${hashes.get(f)}\` |`);
  }
  lines.push('');
  for (const f of files) {
    lines.push(`\`${f.file}\` — by category: ${countBy(f.rows, (r) => r.category)}.`);
    const langs = countBy(f.rows, (r) => r.lang);
    if (langs) lines.push(`By language: ${langs}.`);
    const subs = countBy(f.rows, (r) => r.subcategory);
    if (subs && f.rows.length > 0 && new Set(f.rows.map((r) => r.subcategory)).size <= 30) lines.push(`By subcategory: ${subs}.`);
    const ents = countBy(f.rows.flatMap((r) => r.entities ?? []) as unknown as GeneratedRow[], (e) => (e as unknown as { type: string }).type);
    if (ents) lines.push(`Entities by type: ${ents}.`);
    lines.push('');
  }
  lines.push('## Caveats', '', sheet.caveats, '');
  return lines.join('\n');
}

function index(files: FileSpec[], seed: string): string {
  const lines = [
    '# Project datasets',
    '',
    'Labeled sets this project generates itself (no row copied from any public dataset). Each folder has a `DATASHEET.md`: how it was made, counts, label meaning, licence (Apache-2.0), hashes, caveats.',
    '',
    `Regenerate (seed \`${seed}\`, byte-identical): \`npx tsx eval/generators/index.ts\`. Measure: \`npm run eval\` (see docs/eval.md).`,
    '',
    '| file | rows | attack | benign | datasheet |',
    '|---|--:|--:|--:|---|',
  ];
  for (const f of files) {
    const a = f.rows.filter((r) => r.label === 'attack').length;
    lines.push(`| \`${f.folder}/${f.file}\` | ${f.rows.length} | ${a} | ${f.rows.length - a} | [${f.folder}](${f.folder}/DATASHEET.md) |`);
  }
  lines.push('', `Total: ${files.reduce((n, f) => n + f.rows.length, 0)} rows.`, '');
  return lines.join('\n');
}

/** Writes all datasets and datasheets under `outDir`. */
export function writeAll(outDir: string, seed = DEFAULT_SEED): FileSpec[] {
  const files = generateAll(seed);
  const hashes = new Map<FileSpec, string>();
  for (const f of files) {
    mkdirSync(join(outDir, f.folder), { recursive: true });
    const text = f.rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    // gzip with no file name and mtime 0, so the bytes depend only on the content.
    const bytes = f.gzip ? gzipSync(Buffer.from(text), { level: 9 }) : Buffer.from(text);
    writeFileSync(join(outDir, f.folder, f.file), bytes);
    hashes.set(f, createHash('sha256').update(bytes).digest('hex'));
  }
  for (const s of SHEETS) writeFileSync(join(outDir, s.folder, 'DATASHEET.md'), datasheet(s, files.filter((f) => f.folder === s.folder), hashes, seed));
  writeFileSync(join(outDir, 'README.md'), index(files, seed));
  return files;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const get = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const out = get('--out') ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'datasets');
  const files = writeAll(out, get('--seed') ?? DEFAULT_SEED);
  for (const f of files) process.stdout.write(`${join(out, f.folder, f.file)}: ${f.rows.length} rows\n`);
}
