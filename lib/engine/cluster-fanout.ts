/**
 * Starts a cluster's budget: calls `expire` once the budget is spent, unless the returned cancel runs first.
 * Real time on Lambda; tests pass one driven by events so that no outcome depends on the machine's speed.
 */
export type BudgetTimer = (cluster: string, budgetMs: number, expire: () => void) => () => void;

const realTimeBudget: BudgetTimer = (_cluster, budgetMs, expire) => {
  const timer = setTimeout(expire, budgetMs);
  return () => clearTimeout(timer);
};

export interface FanOutOptions {
  /** How many clusters are worked on at once. */
  concurrency: number;
  /** Each cluster's time budget; past it the cluster is reported as timed out and its work is abandoned. */
  budgetMs: number;
  /** Monotonic milliseconds, for `ms` in the results. */
  clock?: () => number;
  /** When each cluster's budget runs out; real time by default. */
  budgetTimer?: BudgetTimer;
}

export interface ClusterOutcome<T> {
  cluster: string;
  ok: boolean;
  /** Time spent on the cluster (up to the budget when it timed out). */
  ms: number;
  /** True when the cluster used up its budget. */
  timedOut?: boolean;
  value?: T;
  error?: string;
}

export class ClusterBudgetExceeded extends Error {
  override name = 'ClusterBudgetExceeded';
}

/**
 * Works on each cluster's items concurrently, at most `concurrency` clusters at a time, each within its own time
 * budget. A slow or unreachable cluster delays and fails only its own work: when its budget runs out its `signal`
 * aborts, its slot goes to the next cluster, and it is reported as timed out. Work past its budget must not change
 * the cluster (check `signal.aborted` before each write): its rollouts hold this tick, they are never rolled back.
 * Results come in the order in which clusters first appear in `items`.
 */
export async function fanOutByCluster<I extends { cluster: string }, T>(
  items: readonly I[],
  work: (cluster: string, items: I[], signal: AbortSignal) => Promise<T>,
  options: FanOutOptions,
): Promise<ClusterOutcome<T>[]> {
  const { concurrency, budgetMs } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`fanOutByCluster: concurrency must be a positive integer, got ${concurrency}`);
  }
  if (!Number.isFinite(budgetMs) || budgetMs <= 0) {
    throw new Error(`fanOutByCluster: budgetMs must be a positive number, got ${budgetMs}`);
  }
  const clock = options.clock ?? (() => performance.now());
  const budgetTimer = options.budgetTimer ?? realTimeBudget;

  const groups = new Map<string, I[]>();
  for (const item of items) {
    const group = groups.get(item.cluster);
    if (group) group.push(item);
    else groups.set(item.cluster, [item]);
  }
  const queue = [...groups.entries()];
  const results = new Map<string, ClusterOutcome<T>>();

  const runOne = async (cluster: string, clusterItems: I[]): Promise<ClusterOutcome<T>> => {
    const controller = new AbortController();
    const started = clock();
    let cancel: (() => void) | undefined;
    const budget = new Promise<never>((_, reject) => {
      cancel = budgetTimer(cluster, budgetMs, () => {
        const error = new ClusterBudgetExceeded(`cluster "${cluster}" timed out after ${budgetMs} ms`);
        controller.abort(error);
        reject(error);
      });
    });
    // A budget that expires while nothing awaits it yet (a timer that fires at once) is not an unhandled error.
    budget.catch(() => {});
    try {
      // Promise.resolve().then(...) turns a synchronous throw in `work` into this cluster's failure.
      const value = await Promise.race([
        Promise.resolve().then(() => work(cluster, clusterItems, controller.signal)),
        budget,
      ]);
      return { cluster, ok: true, ms: clock() - started, value };
    } catch (error) {
      const timedOut = error instanceof ClusterBudgetExceeded;
      return {
        cluster,
        ok: false,
        ms: clock() - started,
        ...(timedOut ? { timedOut: true } : {}),
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      cancel?.();
    }
  };

  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [cluster, clusterItems] = next;
      results.set(cluster, await runOne(cluster, clusterItems));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return [...groups.keys()].map((cluster) => results.get(cluster) as ClusterOutcome<T>);
}
