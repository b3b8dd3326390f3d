/**
 * `llm-firewall eval`: maps the command-line options onto the harness in `eval/run-eval.ts`.
 * Exit 0 = all thresholds met, 1 = a threshold missed (each named), 2 = bad usage or input.
 */
import { runEval } from '../../../eval/run-eval.js';

/** Entry called by src/cli/main.ts with commander's options. */
export async function run(opts: Record<string, unknown>): Promise<number> {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : undefined);
  const limit = opts.limit === undefined ? undefined : Number(opts.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    process.stderr.write(`llm-firewall eval: --limit must be a positive integer (got ${String(opts.limit)})\n`);
    return 2;
  }
  return runEval({
    datasets: list(opts.dataset),
    detectors: list(opts.detector),
    thresholds: typeof opts.thresholds === 'string' ? opts.thresholds : undefined,
    policy: typeof opts.policy === 'string' ? opts.policy : undefined,
    out: typeof opts.out === 'string' ? opts.out : undefined,
    baseline: typeof opts.baseline === 'string' ? opts.baseline : undefined,
    calibrate: opts.calibrate === true,
    targetFpr: Number(opts.targetFpr ?? 0.01),
    progress: opts.progress !== false,
    excludeTrain: opts.excludeTrain === true,
    limit,
    seed: typeof opts.seed === 'string' ? opts.seed : undefined,
  });
}
