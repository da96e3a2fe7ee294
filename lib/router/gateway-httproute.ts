import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ConfigurationError, NotFoundError } from '../errors.js';
import { callKube } from '../kube/api-error.js';
import { chooseVersion } from '../kube/api-group-versions.js';
import { retryOnConflict } from '../kube/retry-on-conflict.js';
import { HTTPROUTE_VERSIONS, type ResolvedTarget } from '../model/config.js';
import type { Weights } from '../model/observation.js';
import { assertNotForeignOwned } from './foreign-owner.js';
import {
  type HttpRoute,
  parseHttpRoute,
  routeHasWeights,
  routeWeights,
  rulesWithWeights,
} from './httproute-rules.js';
import type { TrafficRouter } from './traffic-router.js';
import { toIntegerWeights } from './weight-percentages.js';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const PLURAL = 'httproutes';

/**
 * The target's Gateway API HTTPRoute (v1 or v1beta1; discovered unless pinned). Only the weights of the
 * primary and canary backendRefs in the rule(s) that split between them change; the write is a merge patch
 * of the whole `spec.rules` list from a fresh read, with its resourceVersion, retried on 409.
 */
export function createGatewayHttpRouteRouter(kubeConfig: KubeConfig, target: ResolvedTarget): TrafficRouter {
  if (target.router.kind !== 'httproute') {
    throw new Error(`target "${target.name}": router kind is "${target.router.kind}", not "httproute"`);
  }
  const pinned = target.router.apiVersion;
  const name = target.router.name ?? target.service;
  const namespace = target.namespace;
  const what = `HTTPRoute ${namespace}/${name}`;
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  let version: Promise<string> | undefined;

  const versionToUse = (): Promise<string> => {
    version ??= chooseVersion(kubeConfig, {
      group: GATEWAY_GROUP,
      kind: 'HTTPRoute',
      supported: HTTPROUTE_VERSIONS,
      pinned,
    }).catch((error: unknown) => {
      version = undefined;
      throw error;
    });
    return version;
  };

  const read = async (): Promise<{ route: HttpRoute; version: string }> => {
    const v = await versionToUse();
    let object: unknown;
    try {
      object = await callKube(`get ${what}`, () =>
        api.getNamespacedCustomObject({ group: GATEWAY_GROUP, version: v, namespace, plural: PLURAL, name }),
      );
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      throw new ConfigurationError(
        `configuration error: ${what} not found: create it with a rule whose backendRefs are ${target.primary.service} and ${target.canary.service}, or set router.name`,
      );
    }
    assertNotForeignOwned(object, what);
    return { route: parseHttpRoute(object, what), version: v };
  };

  return {
    async readWeights(): Promise<Weights> {
      const { route } = await read();
      return routeWeights(route, target, what);
    },

    async setWeights(weights: Weights): Promise<void> {
      const desired = toIntegerWeights(weights);
      await retryOnConflict(`update ${what}`, async () => {
        const { route, version: v } = await read();
        if (routeHasWeights(route, target, desired, what)) return;
        const resourceVersion = route.metadata.resourceVersion;
        const patch = {
          metadata: resourceVersion === undefined ? {} : { resourceVersion },
          spec: { rules: rulesWithWeights(route, target, desired, what) },
        };
        await callKube(`patch ${what}`, () =>
          api.patchNamespacedCustomObject(
            { group: GATEWAY_GROUP, version: v, namespace, plural: PLURAL, name, body: patch },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          ),
        );
      });
    },
  };
}
