// `npm run bench:analysis [-- --seeds N] [--quick] [--workers N] [--only TEXT] [--json FILE]`
//
// Every scenario of bench/scenarios × every judge × the same seeds, through the real core (lib/sim/run-scenario),
// spread over worker threads. Prints the summary table, the per-scenario table and, for each regression, the
// canary requests Aviary needed beside what Wald's optimal sequential test needs on average.
import { readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import {
  bernoulliOptimalSampleSize,
  expectedSampleSizeUnderAlternative,
  policySprtSampleSize,
} from '../lib/analysis/wald-asn.js';
import type { JudgeConfig } from '../lib/model/policy.js';
import { runScenario, type SimulationResult } from '../lib/sim/run-scenario.js';
import { loadScenario, policyForJudge, type Scenario } from '../lib/sim/scenario.js';
import { logNormalOf } from '../lib/sim/traffic-model.js';

type Kind = JudgeConfig['kind'];
const JUDGES: readonly Kind[] = ['aviary', 'flagger', 'argo'];
const SCENARIO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');

interface Task {
  file: string;
  judge: Kind;
  seeds: number[];
}

/** One run, reduced to what the tables need. */
interface Run {
  outcome: SimulationResult['outcome'];
  decidedAtSecond: number | null;
  canaryFailedRequests: number;
  /** Canary requests served from the moment the regression began until the decision. */
  requestsSinceRegression: number;
  /** Of those, the ones in the analysis window the regression began in: no windowed judge decides sooner. */
  firstWindowRequests: number;
}

interface TaskResult {
  file: string;
  judge: Kind;
  runs: Run[];
}

async function runTask(task: Task): Promise<TaskResult> {
  const { scenario } = await loadScenario(task.file);
  const policy = policyForJudge(scenario, task.judge, task.file);
  const since = regressionStart(scenario);
  const runs = task.seeds.map((seed): Run => {
    const r = runScenario({ scenario, policy, seed });
    const end = r.decidedAtSecond ?? scenario.durationSeconds;
    const requestsSinceRegression = r.traffic.reduce((sum, w) => {
      const lo = Math.max(w.fromSecond, since);
      const hi = Math.min(w.toSecond, end);
      return hi <= lo || w.toSecond <= w.fromSecond
        ? sum
        : sum + (w.requests * (hi - lo)) / (w.toSecond - w.fromSecond);
    }, 0);
    const first = r.traffic.find((w) => w.toSecond > since && w.toSecond > w.fromSecond);
    const firstWindowRequests = first
      ? (first.requests * (first.toSecond - Math.max(first.fromSecond, since))) /
        (first.toSecond - first.fromSecond)
      : Number.NaN;
    return {
      outcome: r.outcome,
      decidedAtSecond: r.decidedAtSecond,
      canaryFailedRequests: r.canaryFailedRequests,
      requestsSinceRegression,
      firstWindowRequests,
    };
  });
  return { file: task.file, judge: task.judge, runs };
}

/** When the canary first becomes worse than the primary (0 if it starts that way). */
function regressionStart(scenario: Scenario): number {
  if (scenario.expected !== 'rollback') return 0;
  const { canary, primary } = scenario;
  if (canary.errorRate > primary.errorRate || canary.latencyMs.p99 > primary.latencyMs.p99) return 0;
  return Math.min(...scenario.canaryChanges.map((c) => c.atSecond), scenario.durationSeconds);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' },
      quick: { type: 'boolean' },
      workers: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const seedCount = Number(values.seeds ?? (values.quick ? 40 : 200));
  const workers = Number(values.workers ?? availableParallelism());
  if (!Number.isInteger(seedCount) || seedCount < 1) throw new Error(`--seeds must be a positive integer`);
  const files = readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.json') && (!values.only || f.includes(values.only)))
    .sort()
    .map((f) => path.join(SCENARIO_DIR, f));
  const scenarios = new Map<string, Scenario>();
  for (const f of files) scenarios.set(f, (await loadScenario(f)).scenario);
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
  const chunk = 50;
  const tasks: Task[] = [];
  for (const file of files) {
    for (const judge of JUDGES) {
      for (let i = 0; i < seeds.length; i += chunk)
        tasks.push({ file, judge, seeds: seeds.slice(i, i + chunk) });
    }
  }
  const started = performance.now();
  const results = await runInWorkers(tasks, workers);
  const seconds = (performance.now() - started) / 1000;
  const runs = new Map<string, Run[]>();
  for (const r of results) {
    const key = `${r.file}|${r.judge}`;
    runs.set(key, [...(runs.get(key) ?? []), ...r.runs]);
  }
  const runsOf = (file: string, judge: Kind): Run[] => runs.get(`${file}|${judge}`) ?? [];
  const out: string[] = [];
  const print = (line = ''): void => {
    out.push(line);
  };
  print(
    `Aviary analysis benchmark: ${files.length} scenarios × ${JUDGES.length} judges × ${seedCount} seeds ` +
      `(${tasks.length} tasks on ${workers} workers, ${seconds.toFixed(0)}s)`,
  );
  print();
  printSummary(print, files, scenarios, runsOf);
  print();
  printPerScenario(print, files, scenarios, runsOf);
  print();
  printWald(print, files, scenarios, runsOf);
  process.stdout.write(`${out.join('\n')}\n`);
  if (values.json) {
    const dump = files.map((f) => ({
      scenario: scenarios.get(f)?.name,
      judges: Object.fromEntries(JUDGES.map((j) => [j, runsOf(f, j)])),
    }));
    writeFileSync(values.json, JSON.stringify(dump));
  }
}

function runInWorkers(tasks: Task[], count: number): Promise<TaskResult[]> {
  const queue = [...tasks];
  const results: TaskResult[] = [];
  const url = JSON.stringify(import.meta.url);
  // Worker threads do not inherit tsx's loader: register it first, then load this file as a worker.
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${url}); });`;
  return new Promise((resolve, reject) => {
    let live = Math.max(1, Math.min(count, queue.length));
    for (let i = 0; i < live; i++) {
      const worker = new Worker(boot, { eval: true });
      const feed = (): void => {
        worker.postMessage(queue.shift() ?? null);
      };
      worker.on('message', (r: TaskResult) => {
        results.push(r);
        feed();
      });
      worker.on('error', reject);
      worker.on('exit', () => {
        live -= 1;
        if (live === 0) resolve(results);
      });
      feed();
    }
  });
}

type Print = (line?: string) => void;
type RunsOf = (file: string, judge: Kind) => Run[];

interface Figures {
  falseRollback: number;
  healthyUndecided: number;
  miss: number;
  badUndecided: number;
  medianHealthySeconds: number;
  medianBadSeconds: number;
  failedBeforeDecision: number;
}

function figuresOf(files: string[], scenarios: Map<string, Scenario>, runsOf: RunsOf, judge: Kind): Figures {
  const healthy = files
    .filter((f) => scenarios.get(f)?.expected === 'promote')
    .flatMap((f) => runsOf(f, judge));
  const bad = files.filter((f) => scenarios.get(f)?.expected === 'rollback').flatMap((f) => runsOf(f, judge));
  const rate = (runs: Run[], o: Run['outcome']): number =>
    runs.filter((r) => r.outcome === o).length / Math.max(1, runs.length);
  const decidedSeconds = (runs: Run[], o: Run['outcome']): number[] =>
    runs.filter((r) => r.outcome === o).map((r) => r.decidedAtSecond ?? 0);
  return {
    falseRollback: rate(healthy, 'rolled_back'),
    healthyUndecided: rate(healthy, 'undecided'),
    miss: rate(bad, 'promoted'),
    badUndecided: rate(bad, 'undecided'),
    medianHealthySeconds: median(decidedSeconds(healthy, 'promoted')),
    medianBadSeconds: median(decidedSeconds(bad, 'rolled_back')),
    failedBeforeDecision: mean(bad.map((r) => r.canaryFailedRequests)),
  };
}

function printSummary(print: Print, files: string[], scenarios: Map<string, Scenario>, runsOf: RunsOf): void {
  const healthyCount = files.filter((f) => scenarios.get(f)?.expected === 'promote').length;
  print(
    `Summary (${healthyCount} healthy scenarios, ${files.length - healthyCount} bad; failed requests = canary failures ` +
      'served before the decision, mean over all bad runs)',
  );
  const rows: string[][] = [
    [
      'judge',
      'false rollback',
      'healthy undecided',
      'miss (promoted bad)',
      'bad undecided',
      'median s to promote',
      'median s to rollback',
      'failed requests',
    ],
  ];
  const figures = new Map(JUDGES.map((j) => [j, figuresOf(files, scenarios, runsOf, j)]));
  for (const [judge, f] of figures) {
    rows.push([
      judge,
      pct(f.falseRollback),
      pct(f.healthyUndecided),
      pct(f.miss),
      pct(f.badUndecided),
      num(f.medianHealthySeconds),
      num(f.medianBadSeconds),
      num(f.failedBeforeDecision, 1),
    ]);
  }
  const a = figures.get('aviary');
  const b = figures.get('flagger');
  if (a && b) {
    rows.push([
      'aviary ÷ flagger',
      ratio(a.falseRollback, b.falseRollback),
      ratio(a.healthyUndecided, b.healthyUndecided),
      ratio(a.miss, b.miss),
      ratio(a.badUndecided, b.badUndecided),
      ratio(a.medianHealthySeconds, b.medianHealthySeconds),
      ratio(a.medianBadSeconds, b.medianBadSeconds),
      ratio(a.failedBeforeDecision, b.failedBeforeDecision),
    ]);
    print(table(rows));
    print();
    const check = (ok: boolean, text: string): void => print(`${ok ? 'MET    ' : 'NOT MET'}  ${text}`);
    check(a.falseRollback <= 0.01, `false rollbacks on healthy scenarios ≤ 1%: ${pct(a.falseRollback)}`);
    check(
      a.failedBeforeDecision <= 0.5 * b.failedBeforeDecision,
      `failed canary requests ≤ 0.5 × flagger: ${ratio(a.failedBeforeDecision, b.failedBeforeDecision)}`,
    );
    check(a.miss <= b.miss, `miss rate no worse than flagger: ${pct(a.miss)} vs ${pct(b.miss)}`);
  } else {
    print(table(rows));
  }
}

function printPerScenario(
  print: Print,
  files: string[],
  scenarios: Map<string, Scenario>,
  runsOf: RunsOf,
): void {
  print('Per scenario: rolled back % / promoted % · median s to decision · mean failed canary requests');
  const rows: string[][] = [['scenario', 'expected', ...JUDGES]];
  for (const f of files) {
    const s = scenarios.get(f);
    if (!s) continue;
    rows.push([
      s.name,
      s.expected,
      ...JUDGES.map((j) => {
        const runs = runsOf(f, j);
        const share = (o: Run['outcome']): string =>
          pct(runs.filter((r) => r.outcome === o).length / Math.max(1, runs.length), 0);
        const decided = runs.filter((r) => r.decidedAtSecond !== null).map((r) => r.decidedAtSecond ?? 0);
        return `${share('rolled_back')}/${share('promoted')} · ${num(median(decided))}s · ${num(mean(runs.map((r) => r.canaryFailedRequests)), 1)}`;
      }),
    ]);
  }
  print(table(rows));
}

interface Optimal {
  /** Wald's E[N] for the policy's own SPRT (p0 vs p0 + margin, α, β) when the canary's true rate is p. */
  policy: number | null;
  /** Wald's E[N] for the SPRT that knows the true regression (same α, β): the oracle. */
  oracle: number;
  basis: string;
}

function optimalRequests(scenario: Scenario, file: string): Optimal | null {
  const policy = policyForJudge(scenario, 'aviary', file);
  if (policy.judge.kind !== 'aviary') return null;
  const { falseRollbackRate: alpha, missRate: beta, errorRateMargin } = policy.judge;
  const start = regressionStart(scenario);
  const bad = start > 0 ? scenario.canaryChanges.find((c) => c.atSecond >= start) : undefined;
  const errorRate = bad?.errorRate ?? scenario.canary.errorRate;
  const latency = bad?.latencyMs ?? scenario.canary.latencyMs;
  const p0 = scenario.primary.errorRate;
  if (errorRate > p0) {
    return {
      policy: policySprtSampleSize({ p0, p1: p0 + errorRateMargin, alpha, beta }, errorRate),
      oracle: bernoulliOptimalSampleSize({ p0, p1: errorRate, alpha, beta }),
      basis: `errors ${pctOf(p0)} → ${pctOf(errorRate)}`,
    };
  }
  // A latency regression seen request by request: KL between the two log-normals of log latency.
  const a = logNormalOf(latency);
  const b = logNormalOf(scenario.primary.latencyMs);
  const kl = Math.log(b.sigma / a.sigma) + (a.sigma ** 2 + (a.mu - b.mu) ** 2) / (2 * b.sigma ** 2) - 0.5;
  return {
    policy: null,
    oracle: expectedSampleSizeUnderAlternative(kl, alpha, beta),
    basis: `p99 ${scenario.primary.latencyMs.p99} → ${latency.p99}ms`,
  };
}

function printWald(print: Print, files: string[], scenarios: Map<string, Scenario>, runsOf: RunsOf): void {
  print(
    "Canary requests to rollback, from the start of the regression: Aviary's median against Wald's expected sample " +
      "size for the policy's own SPRT (primary rate vs + errorRateMargin, same α and β) at the canary's true rate, " +
      "and for the oracle SPRT that knows the true rate (latency: every request's latency observed). First window = " +
      'median canary requests in the analysis window the regression began in: no windowed judge can decide sooner.',
  );
  const rows: string[][] = [
    [
      'scenario',
      'regression',
      'policy SPRT',
      'oracle SPRT',
      'first window',
      'aviary median',
      '÷ policy SPRT',
      '÷ oracle',
      '÷ max(policy SPRT, first window)',
    ],
  ];
  let within = 0;
  let errorScenarios = 0;
  for (const f of files) {
    const s = scenarios.get(f);
    if (s?.expected !== 'rollback') continue;
    const optimal = optimalRequests(s, f);
    if (!optimal) continue;
    const rolledBack = runsOf(f, 'aviary').filter((r) => r.outcome === 'rolled_back');
    const aviary = median(rolledBack.map((r) => r.requestsSinceRegression));
    const window = median(rolledBack.map((r) => r.firstWindowRequests));
    const floor = optimal.policy === null ? null : aviary / Math.max(optimal.policy, window);
    if (floor !== null) {
      errorScenarios += 1;
      if (floor <= 2) within += 1;
    }
    rows.push([
      s.name,
      optimal.basis,
      optimal.policy === null ? '-' : num(optimal.policy, 1),
      num(optimal.oracle, 1),
      num(window, 0),
      num(aviary, 0),
      optimal.policy === null ? '-' : (aviary / optimal.policy).toFixed(2),
      (aviary / optimal.oracle).toFixed(2),
      floor === null ? '-' : floor.toFixed(2),
    ]);
  }
  print(table(rows));
  print();
  print(
    `${within === errorScenarios ? 'MET    ' : 'NOT MET'}  canary requests to rollback within 2× the policy SPRT ` +
      `(or the first window, if larger): ${within} of ${errorScenarios} error regressions`,
  );
}

const pctOf = (rate: number): string => `${+(rate * 100).toFixed(2)}%`;

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const pct = (v: number, digits = 1): string => `${(v * 100).toFixed(digits)}%`;
const num = (v: number, digits = 0): string => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : a === 0 ? '=' : '∞');

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join(
    '\n',
  );
}

// Entry point last: the helpers above are `const`s and must be initialised before main() uses them.
if (!isMainThread) {
  parentPort?.on('message', async (task: Task | null) => {
    if (task === null) {
      parentPort?.close();
      return;
    }
    parentPort?.postMessage(await runTask(task));
  });
} else {
  await main();
}
