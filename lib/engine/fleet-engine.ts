import type { Fleet } from './engine.js';
import type { FleetDeps } from './engine-deps.js';
import { runTick } from './tick.js';

/** The scheduled side of Aviary: reads clusters and metrics, lets the core decide, converges the clusters. */
export function createFleet(deps: FleetDeps): Fleet {
  return { tick: () => runTick(deps) };
}
