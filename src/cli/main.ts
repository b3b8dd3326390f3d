/**
 * `llm-firewall` command line. This file only declares commands and options; each command's work
 * lives in `commands/<name>.ts`, loaded on demand so `scan` never pays for fastify and `serve`
 * never pays for the eval harness.
 */
import { Command, Option } from 'commander';

type Runner = (opts: Record<string, unknown>, args: string[]) => Promise<number | void>;

async function load(name: string): Promise<Record<string, Runner>> {
  return (await import(`./commands/${name}.js`)) as Record<string, Runner>;
}

function action(module: string, fn = 'run') {
  return async (...params: unknown[]) => {
    // commander passes (…positional, opts, command)
    const command = params[params.length - 1] as Command;
    const opts = command.opts();
    const args = command.args;
    const code = await (await load(module))[fn](opts, args);
    if (typeof code === 'number' && code !== 0) process.exitCode = code;
  };
}

export function buildProgram(): Command {
  const program = new Command('llm-firewall')
    .description('Security firewall for AI traffic: OpenAI-compatible proxy and MCP gateway.')
    .showHelpAfterError('(run with --help for usage)');

  program.command('serve')
    .description('Run the firewall (LLM proxy and MCP HTTP gateway).')
    .option('--policy <file>', 'policy file (YAML)', process.env.LLM_FIREWALL_POLICY ?? 'policies/default.yaml')
    .option('--host <host>', 'listen address (overrides the policy)')
    .option('--port <port>', 'listen port (overrides the policy)')
    .option('--upstream-url <url>', 'base URL for every upstream in the policy (e.g. a local stub)')
    .option('--redis-url <url>', 'Redis for shared limits (overrides store.redisUrl and REDIS_URL)')
    .action(action('serve'));

  program.command('scan')
    .description('Scan JSONL rows {"id","text"} from stdin; write one JSON result per row.')
    .requiredOption('--detector <name>', 'prompt-injection | pii | secrets | tool-poisoning')
    .addOption(new Option('--direction <dir>', 'request or response').choices(['request', 'response']).default('request'))
    .option('--policy <file>', 'policy whose detector settings to use')
    .action(action('scan'));

  program.command('eval')
    .description('Measure detectors on labeled JSONL datasets; exit 1 when a threshold falls short.')
    .option('--dataset <path...>', 'JSONL files or directories (default: datasets/)')
    .option('--detector <name...>', 'detectors to run (default: all)')
    .option('--thresholds <file>', 'thresholds YAML (default: eval/thresholds.yaml)')
    .option('--out <dir>', 'write report.json, report.md, junit.xml, report.html here')
    .option('--baseline <file>', 'earlier report.json to compare with')
    .option('--calibrate', 'find the threshold that meets --target-fpr on the benign rows')
    .option('--target-fpr <x>', 'false-positive rate for --calibrate', '0.01')
    .option('--no-progress', 'no progress bar')
    .option('--policy <file>', 'take detector settings (engine options, prompt-injection threshold) from this policy')
    .option('--exclude-train', 'held-out rows only: drop rows the classifier was trained on (eval/classifier/)')
    .option('--limit <n>', 'at most N rows per dataset file (seeded sample)')
    .option('--seed <s>', 'seed for --limit sampling', 'llm-firewall-eval')
    .action(action('eval'));

  const keys = program.command('keys').description('Agent API keys.');
  keys.command('create')
    .description('Print a new agent key (once) and the sha256: line for the policy.')
    .requiredOption('--agent <name>', 'agent the key is for')
    .action(action('keys', 'create'));

  const policy = program.command('policy').description('Policy files.');
  policy.command('check')
    .description('Validate a policy; exit 1 with a pointed message when it is wrong.')
    .argument('<file>', 'policy file (YAML)')
    .action(action('policy', 'check'));

  program.command('usage')
    .description('Show current usage per agent (rate limits, token and USD budgets).')
    .option('--policy <file>', 'policy file (YAML)', 'policies/default.yaml')
    .option('--redis-url <url>', 'Redis holding the shared counters')
    .option('--json', 'machine-readable output')
    .action(action('usage'));

  const mcp = program.command('mcp').description('MCP gateway.');
  mcp.command('wrap')
    .description('Wrap a stdio MCP server: llm-firewall mcp wrap --agent A --server S -- COMMAND ARGS…')
    .requiredOption('--agent <name>', 'agent whose policy applies')
    .requiredOption('--server <name>', 'entry of the agent\'s mcp: section that applies')
    .option('--policy <file>', 'policy file (YAML)', process.env.LLM_FIREWALL_POLICY ?? 'policies/default.yaml')
    .argument('<command...>', 'server command and its arguments, after --')
    .action(action('mcp', 'wrap'));
  const pins = mcp.command('pins').description('Pinned MCP tool definitions.');
  pins.command('list')
    .description('List pinned tools and any pending changes.')
    .option('--policy <file>', 'policy file (YAML)', 'policies/default.yaml')
    .action(action('mcp', 'pinsList'));
  pins.command('approve')
    .description('Approve the current definition of a changed tool (or all of a server\'s).')
    .requiredOption('--server <name>', 'MCP server name')
    .option('--tool <name>', 'tool name (default: every pending tool of the server)')
    .option('--policy <file>', 'policy file (YAML)', 'policies/default.yaml')
    .action(action('mcp', 'pinsApprove'));

  program.command('demo')
    .description('Offline demo: a local upstream stub, the firewall, and a scripted session.')
    .action(action('demo'));

  return program;
}

/** Entry point; `bin/llm-firewall.mjs` calls it with process.argv. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.stderr.write(`llm-firewall: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
