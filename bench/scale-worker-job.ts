import type { ClusterWork } from '../lib/queue/cluster-work.js';

/** What `bench:scale` hands its worker process (bench/scale-worker.ts) in the JSON file named by `AVIARY_SCALE_WORKER_JOB`. */
export interface WorkerJob {
  endpoint: string;
  tableName: string;
  /** The bench's config as written (parsed there again). */
  config: unknown;
  kubeconfig: string;
  work: ClusterWork;
  now: number;
}

/** Marks the worker's result line (JSON) among whatever else it prints. */
export const RESULT_MARK = 'AVIARY_SCALE_WORKER ';
