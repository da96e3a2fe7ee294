import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ConfigurationError, NotFoundError } from '../errors.js';
import { callKube } from '../kube/api-error.js';
import { chooseVersion } from '../kube/api-group-versions.js';
import { retryOnConflict } from '../kube/retry-on-conflict.js';
import type { ResolvedTarget, SMI_SPLIT_VERSIONS } from '../model/config.js';
import type { Weights } from '../model/observation.js';
import { assertNotForeignOwned } from './foreign-owner.js';
import type { TrafficRouter } from './traffic-router.js';
import {
  backendsWithWeights,
  parseTrafficSplit,
  splitWeights,
  type TrafficSplit,
} from './trafficsplit-backends.js';
import { sameWeights, toIntegerWeights } from './weight-percentages.js';

export const SMI_SPLIT_GROUP = 'split.smi-spec.io';
const PLURAL = 'trafficsplits';
/** When the group's preferred version is not usable: Linkerd's SMI extension serves v1alpha1 and v1alpha2. */
const VERSION_PREFERENCE = [
  'v1alpha2',
  'v1alpha1',
  'v1alpha4',
  'v1alpha3',
] as const satisfies readonly (typeof SMI_SPLIT_VERSIONS)[number][];

/**
 * The target's SMI TrafficSplit (any of v1alpha1–v1alpha4; the version is discovered unless pinned). Writes
 * are JSON merge patches of the whole `spec.backends` list carrying the resourceVersion they were computed
 * from, so a concurrent edit is a 409 and is recomputed from a fresh read rather than overwritten.
 */
export function createSmiTrafficSplitRouter(kubeConfig: KubeConfig, target: ResolvedTarget): TrafficRouter {
  if (target.router.kind !== 'smi') {
    throw new Error(`target "${target.name}": router kind is "${target.router.kind}", not "smi"`);
  }
  const pinned = target.router.apiVersion;
  const name = target.router.name ?? target.service;
  const namespace = target.namespace;
  const what = `TrafficSplit ${namespace}/${name}`;
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  let version: Promise<string> | undefined;

  const versionToUse = (): Promise<string> => {
    version ??= chooseVersion(kubeConfig, {
      group: SMI_SPLIT_GROUP,
      kind: 'TrafficSplit',
      supported: VERSION_PREFERENCE,
      pinned,
    }).catch((error: unknown) => {
      version = undefined;
      throw error;
    });
    return version;
  };

  const read = async (): Promise<{ split: TrafficSplit; version: string }> => {
    const v = await versionToUse();
    let object: unknown;
    try {
      object = await callKube(`get ${what}`, () =>
        api.getNamespacedCustomObject({
          group: SMI_SPLIT_GROUP,
          version: v,
          namespace,
          plural: PLURAL,
          name,
        }),
      );
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      throw new ConfigurationError(
        `configuration error: ${what} not found: create it for service ${target.service} with backends ${target.primary.service} and ${target.canary.service}, or set router.name`,
      );
    }
    assertNotForeignOwned(object, what);
    return { split: parseTrafficSplit(object, what), version: v };
  };

  return {
    async readWeights(): Promise<Weights> {
      const { split } = await read();
      return splitWeights(split, target, what);
    },

    async setWeights(weights: Weights): Promise<void> {
      const desired = toIntegerWeights(weights);
      await retryOnConflict(`update ${what}`, async () => {
        const { split, version: v } = await read();
        if (sameWeights(splitWeights(split, target, what), desired)) return;
        const resourceVersion = split.metadata.resourceVersion;
        const patch = {
          metadata: resourceVersion === undefined ? {} : { resourceVersion },
          spec: { backends: backendsWithWeights(split, target, desired) },
        };
        await callKube(`patch ${what}`, () =>
          api.patchNamespacedCustomObject(
            { group: SMI_SPLIT_GROUP, version: v, namespace, plural: PLURAL, name, body: patch },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          ),
        );
      });
    },
  };
}
