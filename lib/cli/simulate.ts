import { parseArgs } from 'node:util';
import { JudgeConfigSchema } from '../model/policy.js';
import { runScenario } from '../sim/run-scenario.js';
import { loadScenario, policyForJudge, ScenarioError } from '../sim/scenario.js';

const USAGE = 'usage: aviary simulate --scenario FILE [--judge aviary|flagger|argo] [--seed N]\n';
const JUDGES = JudgeConfigSchema.options.map((o) => o.shape.kind.value);

/**
 * `aviary simulate`: one rollout of a scenario through the real core and a judge, in simulated time; prints the
 * outcome and every decision as JSON. Exit 2 on bad arguments or a bad scenario file.
 */
export async function run(argv: string[]): Promise<number> {
  let values: { scenario?: string; judge?: string; seed?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string' },
        judge: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.scenario) return usageError('--scenario is required');
  const judge = values.judge;
  if (judge !== undefined && !JUDGES.includes(judge as (typeof JUDGES)[number])) {
    return usageError(`--judge must be one of ${JUDGES.join(', ')}, got "${judge}"`);
  }
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isSafeInteger(seed)) return usageError(`--seed must be an integer, got "${values.seed}"`);
  try {
    const { scenario } = await loadScenario(values.scenario);
    const policy = policyForJudge(scenario, judge as (typeof JUDGES)[number] | undefined, values.scenario);
    const result = runScenario({ scenario, policy, seed, recordSteps: true });
    const { traffic: _traffic, ...printed } = result;
    process.stdout.write(`${JSON.stringify(printed, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ScenarioError) {
      process.stderr.write(`invalid scenario: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n${USAGE}`);
  return 2;
}
