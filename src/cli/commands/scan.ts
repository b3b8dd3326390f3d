/**
 * `llm-firewall scan --detector NAME [--direction request|response] [--policy FILE]`
 * Reads JSONL rows `{"id","text"}` on stdin and writes one JSON line per row:
 * `{"id","score","decision","findings":[{"rule","type","start","end","score"}]}`.
 * A bad row produces `{"line":N,"error":"…"}` and scanning continues; the exit code is 0 when
 * every row was scanned, 2 when some rows were bad, 1 when the setup failed (bad policy,
 * unknown detector). Never prints matched text.
 */
import { createInterface } from 'node:readline';
import { createEngine, type EngineOptions, type ScanResult, type Action, type Finding } from '../../../detectors/engine/index.js';
import { configuredAction } from '../../policy/actions.js';

const DETECTORS = ['prompt-injection', 'pii', 'secrets', 'tool-poisoning', 'custom'];
const RANK: Record<Action, number> = { allow: 0, flag: 1, redact: 2, block: 3 };

/**
 * Decision for one result: the strongest action over its findings, each finding taking the
 * policy's action for it (detector-wide, or per PII entity type) when there is one, else the
 * rule's suggestion.
 */
export function decide(result: ScanResult, policyAction: Action | undefined | ((f: Finding) => Action | undefined)): Action {
  if (result.error) return 'block';
  if (!result.findings.length) return 'allow';
  const of = typeof policyAction === 'function' ? policyAction : () => policyAction;
  return result.findings.reduce<Action>((a, f) => {
    const x = of(f) ?? f.action;
    return RANK[x] > RANK[a] ? x : a;
  }, 'allow');
}

/** Command entry point. */
export async function run(opts: Record<string, unknown>): Promise<number> {
  const detector = String(opts.detector ?? '');
  const direction = (opts.direction === 'response' ? 'response' : 'request') as 'request' | 'response';
  if (!DETECTORS.includes(detector)) {
    process.stderr.write(`scan: unknown detector "${detector}"; expected one of ${DETECTORS.join(', ')}\n`);
    return 1;
  }
  let options: EngineOptions = {};
  let policyAction: ((f: Finding) => Action | undefined) | undefined;
  if (typeof opts.policy === 'string') {
    try {
      const { loadPolicyFile } = await import('../../policy/index.js');
      const policy = await loadPolicyFile(opts.policy);
      options = policy.engineOptions;
      const actions = policy.doc.defaults?.actions?.[direction];
      if (actions) policyAction = (f) => configuredAction(actions, detector, f);
    } catch (err) {
      process.stderr.write(`scan: ${(err as Error).message}\n`);
      return 1;
    }
  }
  let engine;
  try {
    engine = createEngine(options);
  } catch (err) {
    process.stderr.write(`scan: ${(err as Error).message}\n`);
    return 1;
  }
  const context = { direction, surface: 'llm' as const, role: detector === 'tool-poisoning' ? 'tool-description' as const : 'user' as const };
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let lineNo = 0;
  let bad = 0;
  for await (const line of rl) {
    lineNo++;
    if (!line.trim()) continue;
    let row: { id?: unknown; text?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      bad++;
      process.stdout.write(`${JSON.stringify({ line: lineNo, error: 'invalid JSON' })}\n`);
      continue;
    }
    if (typeof row !== 'object' || row === null || typeof row.text !== 'string') {
      bad++;
      process.stdout.write(`${JSON.stringify({ line: lineNo, ...(row && typeof row === 'object' && 'id' in row ? { id: row.id } : {}), error: 'row needs a string "text"' })}\n`);
      continue;
    }
    const [result] = engine.scan(row.text, context, [detector]);
    const r = result!;
    process.stdout.write(`${JSON.stringify({
      id: row.id ?? null,
      score: Number(r.score.toFixed(4)),
      decision: decide(r, policyAction),
      findings: r.findings.map((f) => ({ rule: f.rule, type: f.type, start: f.start, end: f.end, score: Number(f.score.toFixed(4)) })),
      ...(r.error ? { error: r.error } : {}),
    })}\n`);
  }
  return bad ? 2 : 0;
}
