// `npm run bench:analysis [-- --seeds N] [--quick] [--workers N] [--only TEXT] [--json FILE]`
//
// Every scenario of bench/scenarios × every judge × the same seeds, through the real core (lib/sim/run-scenario),
// spread over worker threads. Prints the summary table, the per-scenario table and, for each error regression (at
// WALD_SEEDS seeds for Aviary's judge), the canary requests Aviary needed beside Wald's expected sample number.
// Counted honestly: every rollback of a healthy canary is a false rollback, whatever rule caused it (judge,
// guard-rail, deadline); a bad canary that is promoted keeps failing requests for POST_PROMOTION_SECONDS at 100%.
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
import {
  canaryAtWeight,
  conditionsAt,
  loadScenario,
  policyForJudge,
  type Scenario,
} from '../lib/sim/scenario.js';
import { logNormalOf } from '../lib/sim/traffic-model.js';

type Kind = JudgeConfig['kind'];
const JUDGES: readonly Kind[] = ['aviary', 'flagger', 'argo'];
const SCENARIO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');
/** Seeds of Aviary's judge on error regressions, for the Wald figure. */
const WALD_SEEDS = 1000;
/** A missed bad canary keeps failing requests after promotion: this long at 100% weight. */
const POST_PROMOTION_SECONDS = 3600;

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
  /** Expected failures of a promoted bad canary over POST_PROMOTION_SECONDS at 100% (0 otherwise). */
  harmAfterPromotion: number;
  /** Canary requests served from the moment the regression began until the decision. */
  requestsSinceRegression: number;
  /** Of those, the ones in the analysis window the regression began in: no windowed judge decides sooner. */
  firstWindowRequests: number;
}

interface TaskResult {
  file: string;
  judge: Kind;
  seeds: number[];
  runs: Run[];
}

async function runTask(task: Task): Promise<TaskResult> {
  const { scenario } = await loadScenario(task.file);
  const policy = policyForJudge(scenario, task.judge, task.file);
  const runs = task.seeds.map((seed): Run => {
    const r = runScenario({ scenario, policy, seed });
    const since = regressionStart(scenario, r.traffic);
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
      harmAfterPromotion:
        scenario.expected === 'rollback' && r.outcome === 'promoted'
          ? harmAtFullWeight(scenario, r.decidedAtSecond ?? 0)
          : 0,
      requestsSinceRegression,
      firstWindowRequests,
    };
  });
  return { file: task.file, judge: task.judge, seeds: task.seeds, runs };
}

/** Expected failed requests of the canary serving all traffic for POST_PROMOTION_SECONDS from `second`. */
function harmAtFullWeight(scenario: Scenario, second: number): number {
  const c = conditionsAt(scenario, second);
  return c.rps * POST_PROMOTION_SECONDS * canaryAtWeight(scenario, c.canary, 100).errorRate;
}

/**
 * When the canary first becomes worse than the primary: 0 if it starts that way, the first change otherwise, and
 * for a canary that only breaks under load the first window its weight went above the rule's.
 */
function regressionStart(scenario: Scenario, traffic?: SimulationResult['traffic']): number {
  if (scenario.expected !== 'rollback') return 0;
  const { canary, primary } = scenario;
  const weightRule = Math.min(...scenario.canaryWeightFailures.map((r) => r.aboveWeight));
  if (Number.isFinite(weightRule) && canary.errorRate <= primary.errorRate) {
    const above = traffic?.find((w) => w.weight > weightRule);
    return above ? above.fromSecond : scenario.durationSeconds;
  }
  if (canary.errorRate > primary.errorRate || canary.latencyMs.p99 > primary.latencyMs.p99) return 0;
  return Math.min(...scenario.canaryChanges.map((c) => c.atSecond), scenario.durationSeconds);
}

/** An error regression with a fixed size: the Wald figure covers it. */
function isErrorRegression(scenario: Scenario): boolean {
  if (scenario.expected !== 'rollback') return false;
  return regressionErrorRate(scenario) > conditionsAt(scenario, regressionStart(scenario)).primary.errorRate;
}

function regressionErrorRate(scenario: Scenario): number {
  const rule = scenario.canaryWeightFailures[0];
  if (rule && scenario.canary.errorRate <= scenario.primary.errorRate) return rule.errorRate;
  return conditionsAt(scenario, regressionStart(scenario)).canary.errorRate;
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
  const waldSeeds = values.quick ? seedCount : Math.max(seedCount, WALD_SEEDS);
  const chunk = 50;
  const tasks: Task[] = [];
  for (const file of files) {
    const scenario = scenarios.get(file);
    for (const judge of JUDGES) {
      // Aviary's error regressions run at WALD_SEEDS seeds for the Wald figure; the summary uses the first seedCount.
      const count = judge === 'aviary' && scenario && isErrorRegression(scenario) ? waldSeeds : seedCount;
      const seeds = Array.from({ length: count }, (_, i) => i + 1);
      for (let i = 0; i < seeds.length; i += chunk)
        tasks.push({ file, judge, seeds: seeds.slice(i, i + chunk) });
    }
  }
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const results = await runInWorkers(tasks, workers);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const allRuns = new Map<string, { seed: number; run: Run }[]>();
  for (const r of results) {
    const key = `${r.file}|${r.judge}`;
    allRuns.set(key, [
      ...(allRuns.get(key) ?? []),
      ...r.runs.map((run, i) => ({ seed: r.seeds[i] ?? 0, run })),
    ]);
  }
  const sortedRuns = (file: string, judge: Kind): Run[] =>
    [...(allRuns.get(`${file}|${judge}`) ?? [])].sort((a, b) => a.seed - b.seed).map((x) => x.run);
  const runsOf = (file: string, judge: Kind): Run[] => sortedRuns(file, judge).slice(0, seedCount);
  const waldRunsOf = (file: string): Run[] => sortedRuns(file, 'aviary');
  const out: string[] = [];
  const print = (line = ''): void => {
    out.push(line);
  };
  print(
    `Aviary analysis benchmark: ${files.length} scenarios × ${JUDGES.length} judges × ${seedCount} seeds, ` +
      `Aviary's error regressions × ${waldSeeds} seeds (${tasks.length} tasks on ${workers} workers, ` +
      `${seconds.toFixed(0)}s wall, ${cpuSeconds.toFixed(0)}s CPU)`,
  );
  print();
  printSummary(print, files, scenarios, runsOf);
  print();
  printPerScenario(print, files, scenarios, runsOf);
  print();
  printWald(print, files, scenarios, waldRunsOf, waldSeeds);
  print();
  check(
    print,
    seconds < 120,
    `bench under 2 minutes: ${seconds.toFixed(0)}s wall (${cpuSeconds.toFixed(0)}s CPU on ${workers} workers)`,
  );
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
  /** Healthy canaries rolled back, by any rule (judge, guard-rail, progress deadline). */
  falseRollback: number;
  /** Healthy canaries left waiting for a person (inconclusive evidence), at ≥ 2 rps and below 1 rps. */
  askedBusy: number;
  askedQuiet: number;
  /** Healthy canaries below 1 rps rolled back. */
  rolledBackQuiet: number;
  healthyUndecided: number;
  miss: number;
  badUndecided: number;
  medianHealthySeconds: number;
  medianBadSeconds: number;
  /** Mean failed canary requests per bad run: before the decision, plus an hour at 100% after a promotion. */
  failedRequests: number;
}

function figuresOf(files: string[], scenarios: Map<string, Scenario>, runsOf: RunsOf, judge: Kind): Figures {
  const healthyFiles = files.filter((f) => scenarios.get(f)?.expected === 'promote');
  const healthy = healthyFiles.flatMap((f) => runsOf(f, judge));
  const rpsOf = (f: string): number => scenarios.get(f)?.requestsPerSecond ?? 0;
  const busy = healthyFiles.filter((f) => rpsOf(f) >= 2).flatMap((f) => runsOf(f, judge));
  const quiet = healthyFiles.filter((f) => rpsOf(f) < 1).flatMap((f) => runsOf(f, judge));
  const bad = files.filter((f) => scenarios.get(f)?.expected === 'rollback').flatMap((f) => runsOf(f, judge));
  const rate = (runs: Run[], o: Run['outcome']): number =>
    runs.filter((r) => r.outcome === o).length / Math.max(1, runs.length);
  const decidedSeconds = (runs: Run[], o: Run['outcome']): number[] =>
    runs.filter((r) => r.outcome === o).map((r) => r.decidedAtSecond ?? 0);
  return {
    falseRollback: rate(healthy, 'rolled_back'),
    askedBusy: rate(busy, 'asked'),
    askedQuiet: rate(quiet, 'asked'),
    rolledBackQuiet: rate(quiet, 'rolled_back'),
    healthyUndecided: rate(healthy, 'undecided'),
    miss: rate(bad, 'promoted'),
    badUndecided: rate(bad, 'undecided') + rate(bad, 'asked'),
    medianHealthySeconds: median(decidedSeconds(healthy, 'promoted')),
    medianBadSeconds: median(decidedSeconds(bad, 'rolled_back')),
    failedRequests: mean(bad.map((r) => r.canaryFailedRequests + r.harmAfterPromotion)),
  };
}

function check(print: Print, ok: boolean, text: string): void {
  print(`${ok ? 'MET    ' : 'NOT MET'}  ${text}`);
}

function printSummary(print: Print, files: string[], scenarios: Map<string, Scenario>, runsOf: RunsOf): void {
  const healthyCount = files.filter((f) => scenarios.get(f)?.expected === 'promote').length;
  print(
    `Summary (${healthyCount} healthy scenarios, ${files.length - healthyCount} bad). False rollback: healthy canaries ` +
      'rolled back by any rule (judge, guard-rail, progress deadline). Asked: healthy canaries left waiting for a person ' +
      'because the evidence stayed inconclusive. Failed requests: canary failures before the decision, plus, for a ' +
      `promoted bad canary, its expected failures over ${POST_PROMOTION_SECONDS / 3600} h at 100%; mean over all bad runs.`,
  );
  const rows: string[][] = [
    [
      'judge',
      'false rollback',
      'asked ≥2 rps',
      'asked <1 rps',
      'rolled back <1 rps',
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
      pct(f.askedBusy),
      pct(f.askedQuiet),
      pct(f.rolledBackQuiet),
      pct(f.miss),
      pct(f.badUndecided),
      num(f.medianHealthySeconds),
      num(f.medianBadSeconds),
      num(f.failedRequests, 1),
    ]);
  }
  const a = figures.get('aviary');
  const b = figures.get('flagger');
  if (a && b) {
    rows.push([
      'aviary ÷ flagger',
      ratio(a.falseRollback, b.falseRollback),
      ratio(a.askedBusy, b.askedBusy),
      ratio(a.askedQuiet, b.askedQuiet),
      ratio(a.rolledBackQuiet, b.rolledBackQuiet),
      ratio(a.miss, b.miss),
      ratio(a.badUndecided, b.badUndecided),
      ratio(a.medianHealthySeconds, b.medianHealthySeconds),
      ratio(a.medianBadSeconds, b.medianBadSeconds),
      ratio(a.failedRequests, b.failedRequests),
    ]);
    print(table(rows));
    print();
    check(
      print,
      a.falseRollback <= 0.01,
      `false rollbacks of healthy canaries ≤ 1%, all causes: ${pct(a.falseRollback)}`,
    );
    check(print, a.askedBusy <= 0.02, `asked on healthy canaries at ≥ 2 rps ≤ 2%: ${pct(a.askedBusy)}`);
    check(
      print,
      a.rolledBackQuiet === 0,
      `below 1 rps, asked rather than rolled back: ${pct(a.rolledBackQuiet)} rolled back, ${pct(a.askedQuiet)} asked`,
    );
    check(print, a.miss <= 0.01, `misses ≤ 1%: ${pct(a.miss)} (flagger ${pct(b.miss)})`);
    check(
      print,
      a.failedRequests <= 0.5 * b.failedRequests,
      `failed canary requests, post-promotion harm included, ≤ 0.5 × flagger: ${ratio(a.failedRequests, b.failedRequests)}`,
    );
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
  print(
    'Per scenario: rolled back % / promoted % / asked % · median s to decision · mean failed canary requests (with post-promotion harm)',
  );
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
        return `${share('rolled_back')}/${share('promoted')}/${share('asked')} · ${num(median(decided))}s · ${num(mean(runs.map((r) => r.canaryFailedRequests + r.harmAfterPromotion)), 1)}`;
      }),
    ]);
  }
  print(table(rows));
}

interface Optimal {
  /**
   * Wald's expected sample number for the policy's own SPRT (primary rate p0 vs p0 + errorRateMargin, α, β) at the
   * canary's true rate, for independent failures; with bursts of mean m, times the dispersion 2m − 1 (each request
   * carries that much less information).
   */
  policy: number | null;
  /** Wald's E[N] for the SPRT that knows the true regression (same α, β, same burst scaling): the oracle. */
  oracle: number;
  basis: string;
}

function optimalRequests(scenario: Scenario, file: string): Optimal | null {
  const policy = policyForJudge(scenario, 'aviary', file);
  if (policy.judge.kind !== 'aviary') return null;
  const { falseRollbackRate: alpha, missRate: beta, errorRateMargin } = policy.judge;
  const start = regressionStart(scenario);
  const at = conditionsAt(scenario, start);
  const errorRate = regressionErrorRate(scenario);
  const latency = at.canary.latencyMs;
  const p0 = at.primary.errorRate;
  if (errorRate > p0) {
    const burst = Math.max(at.canary.failureBursts?.meanSize ?? 1, at.primary.failureBursts?.meanSize ?? 1);
    const dispersion = 2 * burst - 1;
    return {
      policy: dispersion * policySprtSampleSize({ p0, p1: p0 + errorRateMargin, alpha, beta }, errorRate),
      oracle: dispersion * bernoulliOptimalSampleSize({ p0, p1: errorRate, alpha, beta }),
      basis: `errors ${pctOf(p0)} → ${pctOf(errorRate)}${burst > 1 ? `, bursts of ${burst} (×${dispersion})` : ''}`,
    };
  }
  // A latency regression seen request by request: KL between the two log-normals of log latency.
  const a = logNormalOf(latency);
  const b = logNormalOf(at.primary.latencyMs);
  const kl = Math.log(b.sigma / a.sigma) + (a.sigma ** 2 + (a.mu - b.mu) ** 2) / (2 * b.sigma ** 2) - 0.5;
  return {
    policy: null,
    oracle: expectedSampleSizeUnderAlternative(kl, alpha, beta),
    basis: `p99 ${at.primary.latencyMs.p99} → ${latency.p99}ms${scenario.metrics === 'histogram' ? ' (buckets)' : ''}`,
  };
}

function printWald(
  print: Print,
  files: string[],
  scenarios: Map<string, Scenario>,
  runsOf: (file: string) => Run[],
  seeds: number,
): void {
  print(
    `Canary requests to rollback, from the start of the regression, over ${seeds} seeds of Aviary's judge. Reference: ` +
      "Wald's expected sample number (Wald 1947, E[N] = (L·ln B + (1 − L)·ln A) / E[z]) for the policy's own SPRT — " +
      'the primary rate p0 against p0 + errorRateMargin with the same α and β, one request at a time — run at the ' +
      "canary's true error rate; for failures in bursts of mean m it is multiplied by the dispersion 2m − 1. Oracle: " +
      'the SPRT that knows the true rate. First window = median canary requests in the analysis window the regression ' +
      'began in: no windowed judge can decide sooner, so a regression caught there counts as met.',
  );
  const rows: string[][] = [
    [
      'scenario',
      'regression',
      'policy SPRT',
      'oracle SPRT',
      'first window',
      'aviary median',
      'caught',
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
    const runs = runsOf(f);
    const rolledBack = runs.filter((r) => r.outcome === 'rolled_back');
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
      pct(rolledBack.length / Math.max(1, runs.length), 1),
      optimal.policy === null ? '-' : (aviary / optimal.policy).toFixed(2),
      (aviary / optimal.oracle).toFixed(2),
      floor === null ? '-' : floor.toFixed(2),
    ]);
  }
  print(table(rows));
  print();
  check(
    print,
    within === errorScenarios,
    `canary requests to rollback within 2× Wald's expected sample number of the policy SPRT (or the first window, ` +
      `if larger), at ${seeds} seeds: ${within} of ${errorScenarios} error regressions`,
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
