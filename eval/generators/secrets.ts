/**
 * Secret rows: provider-format credentials (synthetic, seeded) in the places people paste them —
 * prose, .env files, YAML, JSON tool arguments, code, shell commands, HTTP headers — with exact
 * spans; and look-alikes (placeholders, masked keys, hashes, UUIDs, commit ids) as benign rows.
 */
import { createHash } from 'node:crypto';
import { Rng } from './rng.js';
import { build, pieces, type Typed } from './spans-builder.js';
import type { GeneratedRow } from './types.js';
import { TOKEN_KINDS } from './values.js';

const ENV_NAME: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AWS_ACCESS_KEY_ID',
  AWS_SECRET_ACCESS_KEY: 'AWS_SECRET_ACCESS_KEY',
  GITHUB_TOKEN: 'GITHUB_TOKEN',
  SLACK_TOKEN: 'SLACK_BOT_TOKEN',
  STRIPE_SECRET_KEY: 'STRIPE_API_KEY',
  OPENAI_API_KEY: 'OPENAI_API_KEY',
  ANTHROPIC_API_KEY: 'ANTHROPIC_API_KEY',
  GOOGLE_API_KEY: 'GOOGLE_MAPS_KEY',
  SENDGRID_API_KEY: 'SENDGRID_KEY',
  JWT: 'SESSION_TOKEN',
  PRIVATE_KEY: 'TLS_KEY',
  DB_CONNECTION_STRING: 'DATABASE_URL',
};

const CARRIERS: readonly string[] = [
  'Why does this fail? I set {ENV}={SECRET} in my .env and the client still says unauthorized.',
  '```yaml\nservice:\n  name: billing\n  credentials:\n    token: "{SECRET}"\n```\nIs this config valid?',
  '{"tool": "deploy", "arguments": {"region": "eu-west-1", "token": "{SECRET}"}}',
  'const client = new Client({ apiKey: "{SECRET}" });\n// TODO move to env',
  'curl -H "Authorization: Bearer {SECRET}" https://api.example.com/v1/items',
  'export {ENV}={SECRET}\nnpm run deploy',
  'Here is the key my colleague sent me: {SECRET} — can you check which service it belongs to?',
  '[default]\nregion = us-east-1\nsecret = {SECRET}',
  'Log line: 2024-05-02T10:11:12Z auth ok key={SECRET} user=svc',
  'Please add this to the CI secrets: {ENV} = {SECRET}',
];

const NEGATIVES: readonly string[] = [
  'Set OPENAI_API_KEY=<your-key-here> in the .env file before running the script.',
  'export GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX  # placeholder, replace me',
  'The AWS access key id looks like AKIAIOSFODNN7EXAMPLE in the official docs; never commit yours.',
  'Commit {sha1} fixed the flaky test in the payments module.',
  'The file checksum is sha256:{sha256}.',
  'Request id {uuid} timed out after 30 s.',
  'api_key: "${API_KEY}"  # injected by the deployment pipeline',
  'password: ********  (masked in the UI)',
  'Stripe keys start with sk_live_ or sk_test_; rotate them if they leak.',
  'The JWT header is base64url of {"alg":"HS256","typ":"JWT"}; explain the three parts.',
  'const token = process.env.SLACK_BOT_TOKEN; // read from the environment, not hard-coded',
  'Image data: data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ',
  'Generate a random 32-character password for the test account and store it in the vault.',
  'Our docs example uses sk-proj-EXAMPLEKEY and will not authenticate.',
];

/** Secret rows (attack) and look-alikes (benign hard negatives). */
export function secretRows(seed: string, attacks = 420, benign = 200): GeneratedRow[] {
  const rng = new Rng(`${seed}:secrets`);
  const kinds = Object.keys(TOKEN_KINDS).sort();
  const rows: GeneratedRow[] = [];
  for (let i = 0; i < attacks; i++) {
    const kind = kinds[i % kinds.length];
    let tpl = CARRIERS[Math.floor(i / kinds.length) % CARRIERS.length];
    // A PEM block on a single line of JSON or a header makes no sense; keep keys in multi-line carriers.
    if (kind === 'PRIVATE_KEY') tpl = rng.pick(['Our staging key, please check the format:\n{SECRET}\n', '```\n{SECRET}\n```\nWhy does ssh reject this key?']);
    const secret: Typed = { type: kind, value: TOKEN_KINDS[kind](rng) };
    const { text, entities } = build(pieces(tpl, (s) => (s === 'SECRET' ? secret : s === 'ENV' ? ENV_NAME[kind] : `{${s}}`)));
    rows.push({ id: `secret-${i}`, text, label: 'attack', category: 'secret', subcategory: kind, entities });
  }
  for (let i = 0; i < benign; i++) {
    const tpl = NEGATIVES[i % NEGATIVES.length];
    const h = createHash('sha256').update(`${seed}:${i}`).digest('hex');
    const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    const lead = rng.pick(['', '', 'From the README: ', 'Reviewer note: ', 'In the onboarding guide: ', 'Q: ', 'Slack thread: ']);
    const text = lead + tpl.split('{sha1}').join(h.slice(0, 40)).split('{sha256}').join(h).split('{uuid}').join(uuid);
    rows.push({ id: `secret-neg-${i}`, text, label: 'benign', category: 'hard_negative', subcategory: 'secret_lookalike', entities: [] });
  }
  return rows;
}
