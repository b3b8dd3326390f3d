/**
 * Read a policy: YAML text → validated document → compiled policy. Every failure throws a
 * `PolicyError` whose message names the file, the JSON pointer of each bad field and what was
 * expected there, one problem per line, e.g.
 * `policies/x.yaml: /agents/bot/models/0: must be string`.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { PolicyDocument } from './types.js';
import { validatePolicyDocument, type SchemaProblem } from './validate.js';
import { compilePolicy, type CompiledPolicy, type CompileOptions } from './compile.js';

/** A policy that cannot be loaded. `problems` lists each bad field; `message` has them all. */
export class PolicyError extends Error {
  readonly source: string;
  readonly problems: readonly SchemaProblem[];
  constructor(source: string, problems: SchemaProblem[]) {
    super(problems.map((p) => `${source}: ${p.pointer}: ${p.expected}`).join('\n'));
    this.name = 'PolicyError';
    this.source = source;
    this.problems = problems;
  }
}

/**
 * Parse, validate and compile policy text. `source` names the text in messages (the file path).
 * Throws `PolicyError`.
 */
export function parsePolicy(text: string, source: string, opts: CompileOptions = {}): CompiledPolicy {
  // uniqueKeys: a key written twice is almost always an editing mistake that would silently
  // drop one of the agent definitions.
  const lineCounter = new LineCounter();
  const yamlDoc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: false, lineCounter });
  if (yamlDoc.errors.length > 0) {
    throw new PolicyError(source, yamlDoc.errors.map((e) => ({
      pointer: ((pos) => `line ${pos.line} column ${pos.col}`)(lineCounter.linePos(e.pos[0])),
      expected: `invalid YAML (${e.code}): ${e.message.split('\n')[0]}`,
    })));
  }
  const doc: unknown = yamlDoc.toJS({ maxAliasCount: 100 });
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new PolicyError(source, [{ pointer: '/', expected: 'must be a YAML mapping (version, agents, …)' }]);
  }
  const problems = validatePolicyDocument(doc);
  if (problems.length > 0) throw new PolicyError(source, problems);
  const result = compilePolicy(doc as PolicyDocument, text, source, opts);
  if ('problems' in result) throw new PolicyError(source, result.problems);
  return result.policy;
}

/** Read and compile a policy file. Throws `PolicyError` (also for a missing/unreadable file). */
export async function loadPolicyFile(path: string, opts: CompileOptions = {}): Promise<CompiledPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new PolicyError(path, [{ pointer: '/', expected: `cannot read the file (${code})` }]);
  }
  return parsePolicy(text, path, opts);
}
