/**
 * One driver per LLM API for the parity suite: each scripts its own loopback upstream and sends
 * the same neutral conversation through the firewall with the API's real SDK, then reports the
 * outcome in one shape (status and firewall code of an error, the text and tool calls the client
 * actually received). Errors are read where each SDK puts them: a thrown APIError (JSON errors,
 * chat and Anthropic stream errors) or an `error` event the openai SDK yields on Responses streams.
 */
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { UpstreamStub } from '../../helpers/upstream-stub.js';
import type { AnthropicStub } from '../../helpers/anthropic-stub.js';
import type { AnthropicTestFirewall } from '../anthropic/harness.js';

export type Api = 'chat' | 'responses' | 'messages';

export interface Stubs {
  openai: UpstreamStub;
  anthropic: AnthropicStub;
  fw: AnthropicTestFirewall;
}

/** What the upstream answers next. */
export interface UpstreamScript {
  chunks: string[];
  toolCall?: { name: string; args: string };
  /** Drop the connection after this many text chunks. */
  resetAfterChunks?: number;
}

/** The neutral conversation: a user turn, optionally after a get_weather call and its result. */
export interface Turn {
  key: string;
  user: string;
  toolResult?: string;
  tools?: string[];
  stream: boolean;
  maxTokens?: number;
}

/** What the client saw. */
export interface Outcome {
  status?: number;
  code?: string;
  text: string;
  toolNames: string[];
}

export interface Driver {
  script(s: Stubs, script: UpstreamScript): void;
  upstreamCalls(s: Stubs): number;
  /** The body the upstream received last, as JSON text. */
  lastUpstreamBody(s: Stubs): string;
  send(s: Stubs, t: Turn): Promise<Outcome>;
}

const schema = { type: 'object' as const, properties: {} };

function openaiError(err: unknown, out: Outcome): Outcome {
  if (err instanceof OpenAI.APIError) return { ...out, status: err.status, code: err.code ?? undefined };
  throw err;
}

function scriptOpenAi(s: Stubs, sc: UpstreamScript, leadEvents: number): void {
  s.openai.set({
    chunks: sc.chunks,
    toolCalls: sc.toolCall ? [{ name: sc.toolCall.name, arguments: sc.toolCall.args }] : [],
    failure: sc.resetAfterChunks !== undefined ? { kind: 'reset-mid-stream', afterChunks: leadEvents + sc.resetAfterChunks } : undefined,
  });
}

const chat: Driver = {
  script: (s, sc) => scriptOpenAi(s, sc, 1),
  upstreamCalls: (s) => s.openai.requests.filter((r) => r.path === '/v1/chat/completions').length,
  lastUpstreamBody: (s) => s.openai.requests.at(-1)?.body.toString('utf8') ?? '',
  async send(s, t) {
    const client = new OpenAI({ apiKey: t.key, baseURL: s.fw.baseURL, maxRetries: 0, timeout: 10_000 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: t.user }];
    if (t.toolResult !== undefined) {
      messages.push({ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] });
      messages.push({ role: 'tool', tool_call_id: 'call_1', content: t.toolResult });
    }
    const tools = t.tools?.map((name) => ({ type: 'function' as const, function: { name, parameters: schema } }));
    const out: Outcome = { text: '', toolNames: [] };
    try {
      if (!t.stream) {
        const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, max_tokens: t.maxTokens });
        out.text = r.choices[0]?.message.content ?? '';
        for (const tc of r.choices[0]?.message.tool_calls ?? []) if (tc.type === 'function') out.toolNames.push(tc.function.name);
        return out;
      }
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, max_tokens: t.maxTokens, stream: true });
      for await (const c of stream) {
        const d = c.choices[0]?.delta;
        if (d?.content) out.text += d.content;
        for (const tc of d?.tool_calls ?? []) if (tc.function?.name) out.toolNames.push(tc.function.name);
      }
      return out;
    } catch (err) {
      return openaiError(err, out);
    }
  },
};

const responses: Driver = {
  script: (s, sc) => scriptOpenAi(s, sc, 2),
  upstreamCalls: (s) => s.openai.requests.filter((r) => r.path === '/v1/responses').length,
  lastUpstreamBody: (s) => s.openai.requests.at(-1)?.body.toString('utf8') ?? '',
  async send(s, t) {
    const client = new OpenAI({ apiKey: t.key, baseURL: s.fw.baseURL, maxRetries: 0, timeout: 10_000 });
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: t.user }];
    if (t.toolResult !== undefined) {
      input.push({ type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' });
      input.push({ type: 'function_call_output', call_id: 'call_1', output: t.toolResult });
    }
    const tools = t.tools?.map((name) => ({ type: 'function' as const, name, parameters: schema, strict: false }));
    const out: Outcome = { text: '', toolNames: [] };
    try {
      if (!t.stream) {
        const r = await client.responses.create({ model: 'gpt-4o-mini', input, tools, max_output_tokens: t.maxTokens });
        out.text = r.output_text;
        for (const item of r.output) if (item.type === 'function_call') out.toolNames.push(item.name);
        return out;
      }
      const stream = await client.responses.create({ model: 'gpt-4o-mini', input, tools, max_output_tokens: t.maxTokens, stream: true });
      for await (const ev of stream) {
        if (ev.type === 'response.output_text.delta') out.text += ev.delta;
        else if (ev.type === 'response.output_item.added' && ev.item.type === 'function_call') out.toolNames.push(ev.item.name);
        else if (ev.type === 'error') out.code = ev.code ?? undefined;
      }
      return out;
    } catch (err) {
      return openaiError(err, out);
    }
  },
};

const messages: Driver = {
  script(s, sc) {
    s.anthropic.reply = {
      blocks: [
        { type: 'text', chunks: sc.chunks },
        ...(sc.toolCall ? [{ type: 'tool_use' as const, name: sc.toolCall.name, chunks: [sc.toolCall.args] }] : []),
      ],
      // message_start, ping, content_block_start, then one event per text chunk.
      fail: sc.resetAfterChunks !== undefined ? { resetAfterEvents: 3 + sc.resetAfterChunks } : undefined,
    };
  },
  upstreamCalls: (s) => s.anthropic.requests.filter((r) => r.url === '/v1/messages').length,
  lastUpstreamBody: (s) => JSON.stringify(s.anthropic.requests.at(-1)?.body ?? null),
  async send(s, t) {
    const client = new Anthropic({ apiKey: t.key, baseURL: s.fw.origin, maxRetries: 0, timeout: 10_000 });
    const msgs: Anthropic.MessageParam[] = [{ role: 'user', content: t.user }];
    if (t.toolResult !== undefined) {
      msgs.push({ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] });
      msgs.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: t.toolResult }] });
    }
    const tools = t.tools?.map((name) => ({ name, input_schema: schema }));
    const body = { model: 'claude-haiku-4-5', max_tokens: t.maxTokens ?? 256, messages: msgs, ...(tools ? { tools } : {}) };
    const out: Outcome = { text: '', toolNames: [] };
    try {
      if (!t.stream) {
        const m = await client.messages.create(body);
        for (const b of m.content) {
          if (b.type === 'text') out.text += b.text;
          else if (b.type === 'tool_use') out.toolNames.push(b.name);
        }
        return out;
      }
      const stream = await client.messages.create({ ...body, stream: true });
      for await (const ev of stream) {
        if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') out.text += ev.delta.text;
        else if (ev.type === 'content_block_start' && ev.content_block.type === 'tool_use') out.toolNames.push(ev.content_block.name);
      }
      return out;
    } catch (err) {
      if (err instanceof Anthropic.APIError) {
        const e = err.error as { error?: { code?: string } } | undefined;
        return { ...out, status: err.status, code: e?.error?.code };
      }
      throw err;
    }
  },
};

/** The drivers, keyed by API. */
export const API_DRIVERS: Readonly<Record<Api, Driver>> = { chat, responses, messages };
