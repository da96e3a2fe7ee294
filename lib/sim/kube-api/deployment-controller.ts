import { isDeepStrictEqual } from 'node:util';
import { type KubeObject, kubeTimestamp } from './kube-object.js';
import type { ObjectStore } from './object-store.js';
import { podTemplateHash } from './pod-template-hash.js';
import { type ResourceDefinition, resourceKey } from './resource-definition.js';
import type { DeploymentCondition, DeploymentSpec, DeploymentStatus } from './resources/deployment-schema.js';
import type { WriteHooks } from './write-hooks.js';

export interface DeploymentBehaviour {
  /** Pods are created but never become ready (a crash-looping image). */
  neverReady?: boolean;
}

const DEPLOYMENTS = resourceKey({ group: 'apps', plural: 'deployments' });

/**
 * The deployment controller, simulated: after a spec change the status shows a rollout in progress, then
 * converges to the spec after `rolloutMs` (at once when 0, or when scaled to zero), unless the Deployment
 * was told never to become ready.
 */
export class DeploymentController implements WriteHooks {
  private readonly behaviours = new Map<string, DeploymentBehaviour>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly scheduledGeneration = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly rolloutMs: number,
  ) {}

  beforeStore(
    def: ResourceDefinition,
    next: KubeObject,
    previous: KubeObject | undefined,
    subresource?: string,
  ): KubeObject {
    if (resourceKey(def) !== DEPLOYMENTS || subresource === 'status') return next;
    if (previous !== undefined && isDeepStrictEqual(previous.spec, next.spec)) {
      return { ...next, status: previous.status ?? {} };
    }
    const spec = next.spec as DeploymentSpec;
    const immediate = this.rolloutMs === 0 || spec.replicas === 0;
    const status = immediate
      ? this.settledStatus(next, previous?.status as DeploymentStatus | undefined)
      : rollingStatus(next, previous);
    return { ...next, status };
  }

  afterStore(def: ResourceDefinition, stored: KubeObject): void {
    if (resourceKey(def) !== DEPLOYMENTS) return;
    const key = keyOf(stored);
    const status = stored.status as DeploymentStatus;
    if (isDeepStrictEqual(withoutTimes(status), withoutTimes(this.settledStatus(stored, status)))) {
      this.cancel(key);
      return;
    }
    // A write that leaves the generation alone (labels, annotations) does not restart the rollout.
    if (this.timers.has(key) && this.scheduledGeneration.get(key) === stored.metadata.generation) return;
    this.schedule(stored);
  }

  afterDelete(def: ResourceDefinition, deleted: KubeObject): void {
    if (resourceKey(def) !== DEPLOYMENTS) return;
    this.cancel(keyOf(deleted));
  }

  setBehaviour(namespace: string, name: string, behaviour: DeploymentBehaviour): void {
    this.behaviours.set(`${namespace}/${name}`, { ...behaviour });
    const current = this.store.get(DEPLOYMENTS, namespace, name);
    // A pending rollout picks the behaviour up when it settles; a settled Deployment changes now.
    if (current === undefined || this.timers.has(`${namespace}/${name}`)) return;
    const status = this.settledStatus(current, current.status as DeploymentStatus);
    if (!isDeepStrictEqual(withoutTimes(status), withoutTimes(current.status as DeploymentStatus))) {
      this.store.put(DEPLOYMENTS, { ...current, status });
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(stored: KubeObject): void {
    const key = keyOf(stored);
    this.cancel(key);
    const generation = stored.metadata.generation ?? 0;
    this.scheduledGeneration.set(key, generation);
    const timer = setTimeout(
      () => this.settle(stored.metadata.namespace ?? '', stored.metadata.name ?? '', generation),
      this.rolloutMs,
    );
    timer.unref();
    this.timers.set(key, timer);
  }

  private cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(key);
    this.scheduledGeneration.delete(key);
  }

  private settle(namespace: string, name: string, generation: number): void {
    const key = `${namespace}/${name}`;
    this.timers.delete(key);
    this.scheduledGeneration.delete(key);
    const current = this.store.get(DEPLOYMENTS, namespace, name);
    if (current === undefined || current.metadata.generation !== generation) return;
    this.store.put(DEPLOYMENTS, {
      ...current,
      status: this.settledStatus(current, current.status as DeploymentStatus),
    });
  }

  private settledStatus(deployment: KubeObject, previous: DeploymentStatus | undefined): DeploymentStatus {
    const spec = deployment.spec as DeploymentSpec;
    const replicas = spec.replicas;
    const neverReady = this.behaviours.get(keyOf(deployment))?.neverReady === true && replicas > 0;
    const ready = neverReady ? 0 : replicas;
    const replicaSet = replicaSetName(deployment);
    return counts({
      observedGeneration: deployment.metadata.generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      unavailableReplicas: replicas - ready,
      conditions: [
        neverReady
          ? condition(
              previous,
              'Available',
              'False',
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
            )
          : condition(
              previous,
              'Available',
              'True',
              'MinimumReplicasAvailable',
              'Deployment has minimum availability.',
            ),
        neverReady
          ? condition(
              previous,
              'Progressing',
              'True',
              'ReplicaSetUpdated',
              `ReplicaSet "${replicaSet}" is progressing.`,
            )
          : condition(
              previous,
              'Progressing',
              'True',
              'NewReplicaSetAvailable',
              `ReplicaSet "${replicaSet}" has successfully progressed.`,
            ),
      ],
    });
  }
}

/** Mid-rollout: the controller has seen the new generation; the pods that were available still are. */
function rollingStatus(next: KubeObject, previous: KubeObject | undefined): DeploymentStatus {
  const spec = next.spec as DeploymentSpec;
  const before = (previous?.status ?? {}) as DeploymentStatus;
  const templateChanged =
    previous === undefined || !isDeepStrictEqual((previous.spec as DeploymentSpec).template, spec.template);
  const available = Math.min(before.availableReplicas ?? 0, spec.replicas);
  const updated = templateChanged ? 0 : Math.min(before.updatedReplicas ?? 0, spec.replicas);
  return counts({
    observedGeneration: next.metadata.generation,
    replicas: Math.max(spec.replicas, before.replicas ?? 0),
    updatedReplicas: updated,
    readyReplicas: available,
    availableReplicas: available,
    unavailableReplicas: spec.replicas - available,
    conditions: [
      available > 0
        ? condition(
            before,
            'Available',
            'True',
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
          )
        : condition(
            before,
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          ),
      condition(
        before,
        'Progressing',
        'True',
        'ReplicaSetUpdated',
        `ReplicaSet "${replicaSetName(next)}" is progressing.`,
      ),
    ],
  });
}

function condition(
  previous: DeploymentStatus | undefined,
  type: DeploymentCondition['type'],
  status: DeploymentCondition['status'],
  reason: string,
  message: string,
): DeploymentCondition {
  const now = kubeTimestamp();
  const before = previous?.conditions?.find((c) => c.type === type);
  return {
    type,
    status,
    lastUpdateTime: before?.reason === reason && before.message === message ? before.lastUpdateTime : now,
    lastTransitionTime: before?.status === status ? before.lastTransitionTime : now,
    reason,
    message,
  };
}

/** Counts of zero are left out, as `omitempty` drops them from a real API server's answer. */
function counts(status: DeploymentStatus): DeploymentStatus {
  return Object.fromEntries(Object.entries(status).filter(([, v]) => v !== 0)) as DeploymentStatus;
}

function withoutTimes(status: DeploymentStatus | undefined): unknown {
  return {
    ...status,
    conditions: status?.conditions?.map(({ lastUpdateTime: _u, lastTransitionTime: _t, ...rest }) => rest),
  };
}

const keyOf = (object: KubeObject): string =>
  `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;

const replicaSetName = (deployment: KubeObject): string =>
  `${deployment.metadata.name ?? ''}-${podTemplateHash((deployment.spec as DeploymentSpec).template)}`;
