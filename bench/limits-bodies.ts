/**
 * Request bodies for bench:limits. Token counting is cached per message text, so what a
 * benchmark resends decides what it measures:
 *
 * - `repeat`: one 4 KB chat body, resent (the counts come from the cache after the first call);
 * - `fresh`: every request carries a 4 KB user message never seen before (the full tiktoken cost);
 * - `multiturn`: chat conversations as clients send them — a 1 KB system prompt, then on turn t
 *   the whole history (t−1 user questions of ~400 characters and t−1 answers of ~800) plus the
 *   new question; 8 turns, then the next conversation. Each request carries two texts the
 *   firewall has not counted: the new question and the previous answer.
 *
 * Texts are drawn from a word list with a seeded generator, so runs are repeatable, and every
 * source has its own seed, so two phases never send a text the other already sent.
 */

/** What the bench sends; see the file header. */
export type BodyMode = 'repeat' | 'fresh' | 'multiturn';

const WORDS = ('the a of to and in is that for it as with on be by this are from at or an was we can which will not '
  + 'firewall agent model request response token budget limit policy travel hotel flight city weather museum '
  + 'report summary customer account invoice order shipping delivery schedule meeting project deadline team '
  + 'please could would should explain describe compare list what when where why how best time year visit '
  + 'Lisbon Paris Berlin Tokyo data analysis chart table value number total average growth revenue cost price '
  + 'service support issue error problem solution step first second next then finally because however also '
  + 'JSON API function call tool result search query document page section paragraph sentence word example')
  .split(' ');

/** A seeded PRNG (LCG) in [0, 1). */
function rng(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** About `chars` characters of word-salad prose with punctuation. */
export function prose(next: () => number, chars: number): string {
  const out: string[] = [];
  let n = 0;
  let sentence = 0;
  while (n < chars) {
    let w = WORDS[Math.floor(next() * WORDS.length)]!;
    if (sentence === 0) w = w[0]!.toUpperCase() + w.slice(1);
    sentence++;
    if (sentence > 8 && next() < 0.2) { w += next() < 0.8 ? '.' : '?'; sentence = 0; } else if (next() < 0.05) w += ',';
    out.push(w);
    n += w.length + 1;
  }
  return out.join(' ').slice(0, chars);
}

const SYSTEM_CHARS = 1000;
const QUESTION_CHARS = 400;
const ANSWER_CHARS = 800;
/** Turns per conversation in `multiturn`. */
export const TURNS = 8;

/** The message lists of one conversation, turn by turn (turn t: history + new question). */
export function conversation(seed: number, turns = TURNS): Array<Array<{ role: string; content: string }>> {
  const next = rng(seed);
  const messages: Array<{ role: string; content: string }> = [{ role: 'system', content: `Conversation ${seed}. ${prose(next, SYSTEM_CHARS)}` }];
  const out: Array<Array<{ role: string; content: string }>> = [];
  for (let t = 1; t <= turns; t++) {
    messages.push({ role: 'user', content: `Q${t}/${seed}: ${prose(next, QUESTION_CHARS)}` });
    out.push([...messages]);
    messages.push({ role: 'assistant', content: `A${t}/${seed}: ${prose(next, ANSWER_CHARS)}` });
  }
  return out;
}

/**
 * A source of serialized chat bodies for `mode`. `seed` separates sources: use a different one
 * for every phase that talks to the same firewall process, so nothing is already cached there.
 */
export function bodySource(mode: BodyMode, seed: number, repeatBody: string): () => string {
  const wrap = (messages: unknown) => JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 64, messages });
  if (mode === 'repeat') return () => repeatBody;
  if (mode === 'fresh') {
    const next = rng(seed);
    let i = 0;
    return () => wrap([{ role: 'user', content: `#${seed}.${i++} ${prose(next, 4000)}` }]);
  }
  let conv = 0;
  let turns: ReturnType<typeof conversation> = [];
  let t = 0;
  return () => {
    if (t >= turns.length) { turns = conversation(seed * 100_000 + conv++); t = 0; }
    return wrap(turns[t++]);
  };
}
