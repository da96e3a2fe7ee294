import type { KubeConfig } from '@kubernetes/client-node';
import type { ResolvedTarget } from '../model/config.js';
import type { Weights } from '../model/observation.js';
import { createGatewayHttpRouteRouter } from './gateway-httproute.js';
import { assertSingleRoute } from './route-conflict.js';
import { createSmiTrafficSplitRouter } from './smi-trafficsplit.js';
import type { TrafficRouter, TrafficRouterFactory } from './traffic-router.js';

/**
 * The router for `target.router.kind`, refusing (ConfigurationError) a target whose apex is routed by both a
 * TrafficSplit and an HTTPRoute. The check runs once per router, i.e. once per tick, before the first call.
 */
export const createTrafficRouter: TrafficRouterFactory = (kubeConfig: KubeConfig, target: ResolvedTarget) => {
  const router = providerRouter(kubeConfig, target);
  let checked: Promise<void> | undefined;
  const checkOnce = (): Promise<void> => {
    checked ??= assertSingleRoute(kubeConfig, target).catch((error: unknown) => {
      checked = undefined;
      throw error;
    });
    return checked;
  };
  return {
    async readWeights(): Promise<Weights> {
      // Both at once; a conflict explains a failed read better than the read's own error does.
      const [check, read] = await Promise.allSettled([checkOnce(), router.readWeights()]);
      if (check.status === 'rejected') throw check.reason;
      if (read.status === 'rejected') throw read.reason;
      return read.value;
    },
    async setWeights(weights: Weights): Promise<void> {
      await checkOnce();
      await router.setWeights(weights);
    },
  };
};

function providerRouter(kubeConfig: KubeConfig, target: ResolvedTarget): TrafficRouter {
  const kind = target.router.kind;
  switch (kind) {
    case 'smi':
      return createSmiTrafficSplitRouter(kubeConfig, target);
    case 'httproute':
      return createGatewayHttpRouteRouter(kubeConfig, target);
    default: {
      const unknown: never = kind;
      throw new Error(`target "${target.name}": unknown router kind ${JSON.stringify(unknown)}`);
    }
  }
}
