import { AppsV1Api, PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { apiError } from './api-exception.js';
import { readUntil } from './eventually.js';
import { deployment } from './fixtures.js';

const available = (d: V1Deployment): boolean => {
  const replicas = d.spec?.replicas ?? 1;
  return (
    d.status?.observedGeneration === d.metadata?.generation &&
    (d.status?.updatedReplicas ?? 0) === replicas &&
    (d.status?.availableReplicas ?? 0) === replicas &&
    d.status?.conditions?.find((c) => c.type === 'Available')?.status === 'True'
  );
};

describe('Deployments: simulated rollouts through AppsV1Api', () => {
  let double: KubeApiDouble;
  let apps: AppsV1Api;
  const read = (name: string) => apps.readNamespacedDeployment({ namespace: 'shop', name });

  beforeAll(async () => {
    // Long enough that a write's own answer always shows the rollout in progress.
    double = await startKubeApiDouble({ deploymentRolloutMs: 300 });
    apps = double.kubeConfig().makeApiClient(AppsV1Api);
  });
  afterAll(async () => {
    await double.close();
  });

  it('shows a template change in progress, then available once the rollout settles', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('podinfo', 'shop', 'podinfo:6.0.0', 3),
    });
    expect(created.metadata?.generation).toBe(1);
    expect(created.spec?.strategy?.type).toBe('RollingUpdate');
    expect(available(created)).toBe(false);
    const first = await readUntil(() => read('podinfo'), available);
    expect(first.status?.readyReplicas).toBe(3);

    const changed = await apps.patchNamespacedDeployment(
      {
        namespace: 'shop',
        name: 'podinfo',
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'podinfo:6.1.0' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(changed.metadata?.generation).toBe(2);
    expect(changed.status?.observedGeneration).toBe(2);
    expect(changed.status?.updatedReplicas ?? 0).toBe(0);
    expect(changed.status?.availableReplicas).toBe(3);
    expect(changed.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe(
      'ReplicaSetUpdated',
    );
    expect(available(changed)).toBe(false);

    const settled = await readUntil(() => read('podinfo'), available);
    expect(settled.metadata?.generation).toBe(2);
    expect(settled.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe(
      'NewReplicaSetAvailable',
    );
    expect(Number(settled.metadata?.resourceVersion)).toBeGreaterThan(
      Number(changed.metadata?.resourceVersion),
    );
  });

  it('merges containers by name in a strategic merge patch and keeps the others', async () => {
    const current = await read('podinfo');
    const containers = current.spec?.template.spec?.containers ?? [];
    expect(containers.map((c) => [c.name, c.image])).toEqual([
      ['app', 'podinfo:6.1.0'],
      ['sidecar', 'busybox:1.36'],
    ]);
    expect(containers[0]?.ports).toEqual([{ containerPort: 9898 }]);

    const merged = await apps.patchNamespacedDeployment(
      {
        namespace: 'shop',
        name: 'podinfo',
        body: {
          metadata: { annotations: { owner: 'team-a' } },
          spec: {
            template: {
              spec: {
                containers: [
                  { name: 'sidecar', $patch: 'delete' },
                  { name: 'logger', image: 'fluent-bit:3' },
                ],
              },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(merged.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['app', 'logger']);
    expect(merged.metadata?.annotations).toEqual({ owner: 'team-a' });
    expect(merged.metadata?.labels).toEqual({ app: 'podinfo' });
  });

  it('applies JSON patches and merge patches (which replace lists whole)', async () => {
    const jsonPatched = await apps.patchNamespacedDeployment(
      {
        namespace: 'shop',
        name: 'podinfo',
        body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'podinfo:6.2.0' }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(jsonPatched.spec?.template.spec?.containers[0]?.image).toBe('podinfo:6.2.0');
    const testFailed = await apiError(
      apps.patchNamespacedDeployment(
        { namespace: 'shop', name: 'podinfo', body: [{ op: 'test', path: '/spec/replicas', value: 99 }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    );
    expect(testFailed.code).toBe(422);

    const merged = await apps.patchNamespacedDeployment(
      {
        namespace: 'shop',
        name: 'podinfo',
        body: { spec: { template: { spec: { containers: [{ name: 'only', image: 'x:1' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['only']);
  });

  it('reads, replaces and patches the scale subresource', async () => {
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'podinfo' });
    expect(scale.kind).toBe('Scale');
    expect(scale.apiVersion).toBe('autoscaling/v1');
    expect(scale.spec?.replicas).toBe(3);
    expect(scale.status?.selector).toBe('app=podinfo');

    const replaced = await apps.replaceNamespacedDeploymentScale({
      namespace: 'shop',
      name: 'podinfo',
      body: {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'podinfo', namespace: 'shop' },
        spec: { replicas: 5 },
      },
    });
    expect(replaced.spec?.replicas).toBe(5);
    expect((await read('podinfo')).spec?.replicas).toBe(5);

    const stale = await apiError(
      apps.replaceNamespacedDeploymentScale({
        namespace: 'shop',
        name: 'podinfo',
        body: {
          metadata: { name: 'podinfo', resourceVersion: scale.metadata?.resourceVersion },
          spec: { replicas: 1 },
        },
      }),
    );
    expect(stale.code).toBe(409);

    const patched = await apps.patchNamespacedDeploymentScale(
      { namespace: 'shop', name: 'podinfo', body: { spec: { replicas: 4 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.spec?.replicas).toBe(4);
    const negative = await apiError(
      apps.patchNamespacedDeploymentScale(
        { namespace: 'shop', name: 'podinfo', body: { spec: { replicas: -1 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(negative.code).toBe(422);
    expect(negative.body).toMatchObject({ details: { kind: 'Scale', causes: [{ field: 'spec.replicas' }] } });
  });

  it('scales to zero at once, even while rollouts take time', async () => {
    const zero = await apps.patchNamespacedDeploymentScale(
      { namespace: 'shop', name: 'podinfo', body: { spec: { replicas: 0 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(zero.status?.replicas).toBe(0);
    const deployment = await read('podinfo');
    expect(deployment.status?.replicas ?? 0).toBe(0);
    expect(deployment.status?.availableReplicas ?? 0).toBe(0);
    expect(available(deployment)).toBe(true);
  });

  it('validates selectors, replicas and containers with 422 causes', async () => {
    const mismatch = deployment('mismatch', 'shop', 'x:1');
    mismatch.spec.template.metadata.labels = { app: 'other' };
    const selector = await apiError(apps.createNamespacedDeployment({ namespace: 'shop', body: mismatch }));
    expect(selector.code).toBe(422);
    expect(selector.body).toMatchObject({
      details: { kind: 'Deployment', causes: [{ field: 'spec.template.metadata.labels' }] },
    });

    const negative = deployment('negative', 'shop', 'x:1', -1);
    const replicas = await apiError(apps.createNamespacedDeployment({ namespace: 'shop', body: negative }));
    expect(replicas.body).toMatchObject({
      details: {
        causes: [
          {
            reason: 'FieldValueInvalid',
            field: 'spec.replicas',
            message: 'Invalid value: -1: must be greater than or equal to 0',
          },
        ],
      },
    });

    const noImage = await apiError(
      apps.createNamespacedDeployment({
        namespace: 'shop',
        body: {
          ...deployment('noimage', 'shop', 'x:1'),
          spec: {
            ...deployment('noimage', 'shop', 'x:1').spec,
            template: { metadata: { labels: { app: 'noimage' } }, spec: { containers: [{ name: 'a' }] } },
          },
        } as V1Deployment,
      }),
    );
    expect(noImage.body).toMatchObject({
      details: {
        causes: [{ reason: 'FieldValueRequired', field: 'spec.template.spec.containers[0].image' }],
      },
    });

    const immutable = await apiError(
      apps.patchNamespacedDeployment(
        {
          namespace: 'shop',
          name: 'podinfo',
          body: {
            spec: {
              selector: { matchLabels: { app: 'changed' } },
              template: { metadata: { labels: { app: 'changed' } } },
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(immutable.code).toBe(422);
    expect(immutable.body).toMatchObject({ details: { causes: [{ field: 'spec.selector' }] } });
  });

  it('deletes with a Success Status and preserves ownerReferences as given', async () => {
    const owned = deployment('owned', 'shop', 'x:1');
    const ownerReferences = [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'owned', uid: '1234', controller: true },
    ];
    const created = await apps.createNamespacedDeployment({
      namespace: 'shop',
      body: { ...owned, metadata: { ...owned.metadata, ownerReferences } },
    });
    expect(created.metadata?.ownerReferences).toEqual(ownerReferences);
    const status = await apps.deleteNamespacedDeployment({ namespace: 'shop', name: 'owned' });
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'owned', kind: 'deployments' },
    });
    expect((await apiError(read('owned'))).code).toBe(404);
  });
});

describe('Deployments that never become ready', () => {
  let double: KubeApiDouble;
  let apps: AppsV1Api;
  beforeAll(async () => {
    double = await startKubeApiDouble();
    apps = double.kubeConfig().makeApiClient(AppsV1Api);
  });
  afterAll(async () => {
    await double.close();
  });

  it('settles on the write when deploymentRolloutMs is 0, unless told never to be ready', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace: 'shop',
      body: deployment('canary', 'shop', 'app:1'),
    });
    expect(available(created)).toBe(true);

    double.setDeploymentBehaviour('shop', 'canary', { neverReady: true });
    const broken = await apps.patchNamespacedDeployment(
      {
        namespace: 'shop',
        name: 'canary',
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2-faulty' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(broken.status?.updatedReplicas).toBe(2);
    expect(broken.status?.readyReplicas ?? 0).toBe(0);
    expect(broken.status?.availableReplicas ?? 0).toBe(0);
    expect(broken.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
    expect(available(broken)).toBe(false);

    double.setDeploymentBehaviour('shop', 'canary', {});
    const healed = await apps.readNamespacedDeployment({ namespace: 'shop', name: 'canary' });
    expect(available(healed)).toBe(true);
  });

  it('is reachable through the in-process API with the same status', () => {
    const stored = double.get('apps/v1', 'Deployment', 'shop', 'canary');
    expect(stored?.metadata.name).toBe('canary');
    expect(stored?.status).toMatchObject({ availableReplicas: 2 });
    expect(double.list('apps/v1', 'Deployment', 'shop').map((d) => d.metadata.name)).toEqual(['canary']);
    expect(double.list('apps/v1', 'Deployment', 'nowhere')).toEqual([]);
    expect(() => double.get('apps/v1', 'StatefulSet', 'shop', 'x')).toThrow(/not served/);
  });
});
