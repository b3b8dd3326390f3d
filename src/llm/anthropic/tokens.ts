/**
 * Prompt-token estimate for a Messages request, for the reservation made before the call.
 * Claude's tokenizer is not public; tiktoken's o200k_base (or the policy's `encodings` override
 * for the model) counts the text and the count is scaled by {@link CLAUDE_TOKEN_FACTOR} so the
 * reservation errs high. Settlement replaces the estimate by the usage the upstream reports, so
 * the estimate only decides whether a call is admitted, never what it costs.
 */
import { countTextTokens } from '../../limits/encodings.js';
import { requestSegments } from './extract.js';
import type { CountTokensRequest } from './validate.js';

/**
 * Safety margin applied to the o200k count. It is a margin, not a measurement: Claude's tokenizer
 * generally yields more tokens than o200k for the same text, so the raw count would under-reserve.
 * An operator who needs exact admission can call `/v1/messages/count_tokens` (which asks the
 * upstream) or raise budgets; settlement is exact either way.
 */
export const CLAUDE_TOKEN_FACTOR = 1.25;
/** Anthropic's documented maximum for one image (≈ 1.15 megapixels / 750). */
export const IMAGE_TOKENS = 1600;
/** Per-message framing overhead (role markers), as the OpenAI cookbook counts for chat. */
const PER_MESSAGE = 3;

function countImages(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countImages(x), 0);
  if (typeof v !== 'object' || v === null) return 0;
  const o = v as Record<string, unknown>;
  let n = o.type === 'image' ? 1 : 0;
  if (o.type === 'tool_result' || o.type === 'search_result') n += countImages(o.content);
  return n;
}

/** Estimated prompt tokens of a validated Messages (or count_tokens) request. */
export function estimateMessagesTokens(req: CountTokensRequest, encodings?: Readonly<Record<string, string>>): number {
  let tokens = 0;
  for (const seg of requestSegments(req)) tokens += countTextTokens(req.model, seg.text, encodings);
  tokens += req.messages.length * PER_MESSAGE;
  if (req.tools && req.tools.length > 0) tokens += countTextTokens(req.model, JSON.stringify(req.tools), encodings);
  let images = 0;
  for (const m of req.messages) images += countImages(m.content);
  // Base64 documents (PDF) are not text we can tokenize: count their payload size as an upper bound.
  for (const m of req.messages) {
    if (!Array.isArray(m.content)) continue;
    for (const b of m.content) {
      const src = b.type === 'document' ? (b.source as { type?: string; data?: unknown } | undefined) : undefined;
      if (src?.type === 'base64' && typeof src.data === 'string') tokens += Math.ceil(src.data.length / 4);
    }
  }
  return Math.ceil(tokens * CLAUDE_TOKEN_FACTOR) + images * IMAGE_TOKENS;
}
