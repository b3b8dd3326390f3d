/**
 * Text extraction from Messages API payloads: every piece of text that reaches the model (request)
 * or the client (response), with the role the detectors weigh it by and a way to write a redacted
 * version back in place. `tool_result` content is tool output — the classic indirect-injection
 * carrier — and is tagged `tool`; `tool_use` inputs are tagged `arguments` and scanned as their JSON
 * text, so a secret in a tool argument is found exactly as in OpenAI's `function.arguments`.
 */
import type { TextRole } from '../../../detectors/engine/types.js';
import type { CountTokensRequest } from './validate.js';

/** One scannable text and where it lives. */
export interface TextSegment {
  role: TextRole;
  /** JSON pointer into the body, for audit events (never the text itself). */
  pointer: string;
  text: string;
  /**
   * Replace the text in the body (after redaction). For JSON-valued segments (tool inputs) the new
   * text must still parse; otherwise this throws and the caller must block instead of forwarding.
   */
  apply(next: string): void;
}

type Block = Record<string, unknown>;

/**
 * Block types that are a call of a named tool: the client's own tools (`tool_use`), Anthropic's
 * server tools (`server_tool_use`) and tools of remote MCP servers the upstream calls itself
 * (`mcp_tool_use`, the MCP connector). All are checked against the agent's tool allowlist.
 */
export const TOOL_CALL_BLOCK_TYPES: ReadonlySet<string> = new Set(['tool_use', 'server_tool_use', 'mcp_tool_use']);

function jsonSegment(role: TextRole, pointer: string, holder: Block, key: string): TextSegment {
  return {
    role,
    pointer: `${pointer}/${key}`,
    text: JSON.stringify(holder[key] ?? null),
    apply(next: string) {
      holder[key] = JSON.parse(next) as unknown;
    },
  };
}

function stringSegment(role: TextRole, pointer: string, holder: Record<string, unknown> | unknown[], key: string | number): TextSegment {
  const h = holder as Record<string | number, unknown>;
  return {
    role,
    pointer: `${pointer}/${key}`,
    text: h[key] as string,
    apply(next: string) {
      h[key] = next;
    },
  };
}

/**
 * Segments of one list of content blocks. `role` is the role of the enclosing message; text inside
 * a `tool_result`, `document` or `search_result` gets the role of its source instead.
 */
export function blockSegments(blocks: Block[], role: TextRole, pointer: string, out: TextSegment[] = []): TextSegment[] {
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    const p = `${pointer}/${i}`;
    switch (b.type) {
      case 'text':
        out.push(stringSegment(role, p, b, 'text'));
        break;
      case 'thinking':
        if (typeof b.thinking === 'string') out.push(stringSegment('assistant', p, b, 'thinking'));
        break;
      case 'tool_use':
      case 'server_tool_use':
      case 'mcp_tool_use':
        out.push(jsonSegment('arguments', p, b, 'input'));
        break;
      case 'tool_result':
      case 'mcp_tool_result':
        if (typeof b.content === 'string') out.push(stringSegment('tool', p, b, 'content'));
        else if (Array.isArray(b.content)) blockSegments(b.content as Block[], 'tool', `${p}/content`, out);
        break;
      case 'document': {
        const src = b.source as Block | undefined;
        if (src?.type === 'text' && typeof src.data === 'string') out.push(stringSegment('document', `${p}/source`, src, 'data'));
        else if (src?.type === 'content' && Array.isArray(src.content)) blockSegments(src.content as Block[], 'document', `${p}/source/content`, out);
        if (typeof b.title === 'string') out.push(stringSegment('document', p, b, 'title'));
        if (typeof b.context === 'string') out.push(stringSegment('document', p, b, 'context'));
        break;
      }
      case 'search_result':
        if (Array.isArray(b.content)) blockSegments(b.content as Block[], 'document', `${p}/content`, out);
        if (typeof b.title === 'string') out.push(stringSegment('document', p, b, 'title'));
        break;
      case 'web_search_tool_result':
      case 'web_fetch_tool_result':
        // Structure varies by tool version; scan the whole content as JSON text (a document).
        out.push(jsonSegment('document', p, b, 'content'));
        break;
      default:
        // image, redacted_thinking: no text (validate.ts refuses unknown types before we get here).
        break;
    }
  }
  return out;
}

/** Every text of a request that will reach the model, in order: system, then messages. */
export function requestSegments(req: CountTokensRequest): TextSegment[] {
  const out: TextSegment[] = [];
  const body = req as unknown as Block;
  if (typeof req.system === 'string') out.push(stringSegment('system', '', body, 'system'));
  else if (Array.isArray(req.system)) blockSegments(req.system, 'system', '/system', out);
  req.messages.forEach((m, i) => {
    const role: TextRole = m.role === 'user' ? 'user' : 'assistant';
    const p = `/messages/${i}`;
    if (typeof m.content === 'string') out.push(stringSegment(role, p, m as unknown as Block, 'content'));
    else blockSegments(m.content, role, `${p}/content`, out);
  });
  return out;
}

/** Every text of a non-streamed response's `content` the client will see. */
export function responseSegments(message: unknown): TextSegment[] {
  const m = message as Block | null;
  if (!m || !Array.isArray(m.content)) return [];
  return blockSegments(m.content as Block[], 'assistant', '/content');
}

/** Names of the tools a request declares or forces (`tools[].name`, `tool_choice.name`). */
export function declaredToolNames(req: Pick<CountTokensRequest, 'tools' | 'tool_choice'>): string[] {
  const names = (req.tools ?? []).map((t) => t.name);
  if (req.tool_choice?.type === 'tool' && typeof req.tool_choice.name === 'string') names.push(req.tool_choice.name);
  return names;
}

/** Names of the tools a non-streamed response calls (see {@link TOOL_CALL_BLOCK_TYPES}). */
export function calledToolNames(message: unknown): string[] {
  const m = message as Block | null;
  if (!m || !Array.isArray(m.content)) return [];
  const names: string[] = [];
  for (const b of m.content as Block[]) {
    if (typeof b.type === 'string' && TOOL_CALL_BLOCK_TYPES.has(b.type)) names.push(typeof b.name === 'string' ? b.name : '');
  }
  return names;
}
