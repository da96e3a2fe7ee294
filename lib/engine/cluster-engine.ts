import type { ClusterEngine } from './engine.js';
import type { ClusterEngineDeps } from './engine-deps.js';
import { runClusterWork } from './run-cluster-work.js';
import { runTick } from './tick.js';

/** The cluster side of Aviary: reads clusters and metrics, lets the core decide, converges the clusters. */
export function createClusterEngine(deps: ClusterEngineDeps): ClusterEngine {
  return { work: (work) => runClusterWork(deps, work), tickAll: () => runTick(deps) };
}
