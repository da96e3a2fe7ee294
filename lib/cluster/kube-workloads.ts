import { AppsV1Api, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { NotFoundError } from '../errors.js';
import { callKube } from '../kube/api-error.js';
import { getJson } from '../kube/get-json.js';
import { mergePatchDiff } from '../kube/merge-patch-diff.js';
import { retryOnConflict } from '../kube/retry-on-conflict.js';
import type { ResolvedTarget } from '../model/config.js';
import type { DeploymentView } from '../model/observation.js';
import { assertNotForeignOwned } from '../router/foreign-owner.js';
import { type Deployment, deploymentView, desiredReplicas, parseDeployment } from './deployment-view.js';
import type { Workloads, WorkloadsFactory } from './workloads.js';

/**
 * The target's primary and canary Deployments through apps/v1. Reads are verbatim JSON (typed client models
 * drop fields they do not know, and promote copies the pod spec whole); every write is skipped when it would
 * change nothing, so running the same action twice is harmless.
 */
export const createKubeWorkloads: WorkloadsFactory = (
  kubeConfig: KubeConfig,
  target: ResolvedTarget,
): Workloads => {
  const namespace = target.namespace;
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const label = (name: string): string => `Deployment ${namespace}/${name}`;

  const read = async (name: string): Promise<Deployment | null> => {
    const what = label(name);
    try {
      const object = await callKube(`get ${what}`, () =>
        getJson(
          kubeConfig,
          `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`,
        ),
      );
      assertNotForeignOwned(object, what);
      return parseDeployment(object, what);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  };

  const mustRead = async (name: string): Promise<Deployment> => {
    const deployment = await read(name);
    if (deployment === null) throw new NotFoundError(`${label(name)} not found`);
    return deployment;
  };

  const scale = async (deployment: Deployment, replicas: number): Promise<void> => {
    if (desiredReplicas(deployment) === replicas) return;
    const name = deployment.metadata.name;
    await callKube(`scale ${label(name)} to ${replicas}`, () =>
      apps.patchNamespacedDeploymentScale(
        { name, namespace, body: { spec: { replicas } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  };

  return {
    async read(): Promise<{ primary: DeploymentView; canary: DeploymentView }> {
      const [primary, canary] = await Promise.all([
        read(target.primary.deployment),
        read(target.canary.deployment),
      ]);
      return {
        primary: deploymentView(target.primary.deployment, primary),
        canary: deploymentView(target.canary.deployment, canary),
      };
    },

    async prepareCanary({ image, replicas }: { image: string | null; replicas: number }): Promise<void> {
      checkReplicas(replicas);
      if (image !== null && image.trim() === '') throw new Error('canary image must not be empty');
      const name = target.canary.deployment;
      const canary = await mustRead(name);
      const first = canary.spec.template.spec.containers[0];
      if (!first) throw new Error(`${label(name)} has no containers`);
      // Image before replicas: pods started by the scale-up then run the new image from the start.
      if (image !== null && first.image !== image) {
        await callKube(`set image of ${label(name)}`, () =>
          apps.patchNamespacedDeployment(
            {
              name,
              namespace,
              body: { spec: { template: { spec: { containers: [{ name: first.name, image }] } } } },
            },
            setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
          ),
        );
      }
      await scale(canary, replicas);
    },

    async promote(): Promise<void> {
      const name = target.primary.deployment;
      const what = label(name);
      await retryOnConflict(`promote into ${what}`, async () => {
        const [primary, canary] = await Promise.all([mustRead(name), mustRead(target.canary.deployment)]);
        const spec = mergePatchDiff(primary.spec.template.spec, canary.spec.template.spec);
        const annotations = mergePatchDiff(
          primary.spec.template.metadata?.annotations ?? {},
          canary.spec.template.metadata?.annotations ?? {},
        );
        if (spec === undefined && annotations === undefined) return;
        const resourceVersion = primary.metadata.resourceVersion;
        const body = {
          metadata: resourceVersion === undefined ? {} : { resourceVersion },
          spec: {
            template: {
              ...(annotations === undefined ? {} : { metadata: { annotations } }),
              ...(spec === undefined ? {} : { spec }),
            },
          },
        };
        await callKube(`promote into ${what}`, () =>
          apps.patchNamespacedDeployment(
            { name, namespace, body },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          ),
        );
      });
    },

    async scaleCanary(replicas: number): Promise<void> {
      checkReplicas(replicas);
      const canary = await read(target.canary.deployment);
      if (canary === null) {
        // Nothing runs, so "zero replicas" already holds; anything more needs the Deployment.
        if (replicas === 0) return;
        throw new NotFoundError(`${label(target.canary.deployment)} not found`);
      }
      await scale(canary, replicas);
    },
  };
};

function checkReplicas(replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new Error(`replicas must be a whole number ≥ 0, got ${replicas}`);
  }
}
