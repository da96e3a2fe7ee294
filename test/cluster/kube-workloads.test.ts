import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKubeWorkloads } from '../../lib/cluster/kube-workloads.js';
import { podSpecHash } from '../../lib/cluster/pod-spec-hash.js';
import { ConfigurationError, NotFoundError } from '../../lib/errors.js';
import { type KubeApiDouble, type KubeObject, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { deploymentObject, namespaceObject } from '../router/kube-objects.js';
import { webTarget } from '../router/targets.js';

interface PodTemplate {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: { name: string; image: string }[] } & Record<string, unknown>;
}
interface DeploymentShape {
  replicas: number;
  selector: unknown;
  template: PodTemplate;
}

const target = webTarget();

describe('Deployments adapter', () => {
  let double: KubeApiDouble;
  const deployment = (name: string): KubeObject | undefined =>
    double.get('apps/v1', 'Deployment', 'prod', name);
  const specOf = (name: string): DeploymentShape => deployment(name)?.spec as DeploymentShape;
  const writesSince = (from: number) => double.requests.slice(from).filter((r) => r.method !== 'GET');

  beforeEach(async () => {
    double = await startKubeApiDouble();
    double.apply(namespaceObject());
  });
  afterEach(() => double.close());

  describe('read', () => {
    it('reports both Deployments, rolled out, with the hash of their pod specs', async () => {
      double.apply(deploymentObject('web-primary', { image: 'web:1', replicas: 3 }));
      double.apply(deploymentObject('web-canary', { image: 'web:1', replicas: 1 }));
      const { primary, canary } = await createKubeWorkloads(double.kubeConfig(), target).read();
      expect(primary).toEqual({
        name: 'web-primary',
        exists: true,
        image: 'web:1',
        podSpecHash: podSpecHash(specOf('web-primary').template.spec),
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 3,
        availableReplicas: 3,
        available: true,
      });
      expect(canary).toMatchObject({
        name: 'web-canary',
        exists: true,
        image: 'web:1',
        replicas: 1,
        available: true,
      });
      // Same pod spec, different labels: the same hash.
      expect(canary.podSpecHash).toBe(primary.podSpecHash);
    });

    it('reports a missing Deployment as not existing, with zeros', async () => {
      double.apply(deploymentObject('web-primary'));
      const { canary } = await createKubeWorkloads(double.kubeConfig(), target).read();
      expect(canary).toEqual({
        name: 'web-canary',
        exists: false,
        image: null,
        podSpecHash: null,
        replicas: 0,
        readyReplicas: 0,
        updatedReplicas: 0,
        availableReplicas: 0,
        available: false,
      });
    });

    it('reports pods that never become ready as not available', async () => {
      double.apply(deploymentObject('web-primary'));
      double.apply(deploymentObject('web-canary', { replicas: 2 }));
      double.setDeploymentBehaviour('prod', 'web-canary', { neverReady: true });
      const { canary } = await createKubeWorkloads(double.kubeConfig(), target).read();
      expect(canary).toMatchObject({
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 0,
        availableReplicas: 0,
        available: false,
      });
    });

    it('reports a Deployment scaled to zero as not available', async () => {
      double.apply(deploymentObject('web-primary'));
      double.apply(deploymentObject('web-canary', { replicas: 0 }));
      const { canary } = await createKubeWorkloads(double.kubeConfig(), target).read();
      expect(canary).toMatchObject({ exists: true, replicas: 0, available: false });
    });

    it('refuses a Deployment Flagger owns', async () => {
      double.apply(
        deploymentObject('web-primary', {
          metadata: {
            ownerReferences: [
              {
                apiVersion: 'flagger.app/v1beta1',
                kind: 'Canary',
                name: 'web',
                uid: 'c-1',
                controller: true,
              },
            ],
          },
        }),
      );
      double.apply(deploymentObject('web-canary'));
      const error = await createKubeWorkloads(double.kubeConfig(), target)
        .read()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain(
        'Deployment prod/web-primary is owned by Flagger (Canary web)',
      );
    });
  });

  describe('prepareCanary', () => {
    it('sets the first container image, then the replicas through the scale subresource', async () => {
      double.apply(
        deploymentObject('web-canary', {
          replicas: 0,
          podSpec: {
            containers: [
              { name: 'app', image: 'web:1', env: [{ name: 'MODE', value: 'canary' }] },
              { name: 'proxy', image: 'proxy:7' },
            ],
          },
        }),
      );
      const from = double.requests.length;
      await createKubeWorkloads(double.kubeConfig(), target).prepareCanary({ image: 'web:2', replicas: 3 });

      const spec = specOf('web-canary');
      expect(spec.replicas).toBe(3);
      expect(spec.template.spec.containers).toEqual([
        { name: 'app', image: 'web:2', env: [{ name: 'MODE', value: 'canary' }] },
        { name: 'proxy', image: 'proxy:7' },
      ]);
      expect(writesSince(from).map((r) => `${r.method} ${r.path} ${r.contentType} ${r.status}`)).toEqual([
        'PATCH /apis/apps/v1/namespaces/prod/deployments/web-canary application/strategic-merge-patch+json 200',
        'PATCH /apis/apps/v1/namespaces/prod/deployments/web-canary/scale application/merge-patch+json 200',
      ]);
      const { canary } = await createKubeWorkloads(double.kubeConfig(), target).read();
      expect(canary).toMatchObject({ image: 'web:2', replicas: 3, available: true });
    });

    it('is idempotent: a second identical call writes nothing', async () => {
      double.apply(deploymentObject('web-canary', { image: 'web:1', replicas: 1 }));
      const workloads = createKubeWorkloads(double.kubeConfig(), target);
      await workloads.prepareCanary({ image: 'web:2', replicas: 2 });
      const from = double.requests.length;
      await workloads.prepareCanary({ image: 'web:2', replicas: 2 });
      expect(writesSince(from)).toEqual([]);
    });

    it('keeps the image when none is given', async () => {
      double.apply(deploymentObject('web-canary', { image: 'web:1', replicas: 0 }));
      const from = double.requests.length;
      await createKubeWorkloads(double.kubeConfig(), target).prepareCanary({ image: null, replicas: 1 });
      expect(specOf('web-canary').template.spec.containers[0]?.image).toBe('web:1');
      expect(writesSince(from).map((r) => r.path)).toEqual([
        '/apis/apps/v1/namespaces/prod/deployments/web-canary/scale',
      ]);
    });

    it('refuses bad input and a missing canary clearly', async () => {
      const workloads = createKubeWorkloads(double.kubeConfig(), target);
      await expect(workloads.prepareCanary({ image: 'web:2', replicas: -1 })).rejects.toThrow(
        'replicas must be a whole number ≥ 0, got -1',
      );
      await expect(workloads.prepareCanary({ image: 'web:2', replicas: 1.5 })).rejects.toThrow('got 1.5');
      await expect(workloads.prepareCanary({ image: ' ', replicas: 1 })).rejects.toThrow(
        'canary image must not be empty',
      );
      const error = await workloads.prepareCanary({ image: 'web:2', replicas: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe('Deployment prod/web-canary not found');
    });
  });

  describe('promote', () => {
    const canaryPodSpec = {
      containers: [
        {
          name: 'app',
          image: 'web:2',
          env: [{ name: 'FEATURE', value: 'on' }],
          ports: [{ containerPort: 8080 }],
        },
      ],
      serviceAccountName: 'web',
      securityContext: { runAsUser: 1000 },
    };
    const primaryPodSpec = {
      containers: [
        {
          name: 'app',
          image: 'web:1',
          env: [{ name: 'LEGACY', value: '1' }],
          ports: [{ containerPort: 8080 }],
        },
        { name: 'old-sidecar', image: 'sidecar:1' },
      ],
      nodeSelector: { pool: 'general' },
      securityContext: { runAsUser: 1, fsGroup: 2 },
    };

    beforeEach(() => {
      double.apply(
        deploymentObject('web-primary', {
          replicas: 4,
          labels: { app: 'web', track: 'primary' },
          annotations: { 'linkerd.io/inject': 'enabled', 'example.com/only-primary': 'x' },
          podSpec: primaryPodSpec,
        }),
      );
      double.apply(
        deploymentObject('web-canary', {
          replicas: 1,
          labels: { app: 'web', track: 'canary' },
          annotations: { 'linkerd.io/inject': 'enabled', 'example.com/build': '42' },
          podSpec: canaryPodSpec,
        }),
      );
    });

    it("copies the canary's pod spec and template annotations; the primary keeps its labels, selector and replicas", async () => {
      const before = specOf('web-primary');
      const from = double.requests.length;
      await createKubeWorkloads(double.kubeConfig(), target).promote();

      const primary = specOf('web-primary');
      const canary = specOf('web-canary');
      expect(primary.template.spec).toEqual(canary.template.spec);
      expect(primary.template.metadata.annotations).toEqual({
        'linkerd.io/inject': 'enabled',
        'example.com/build': '42',
      });
      expect(primary.template.metadata.labels).toEqual({ app: 'web', track: 'primary' });
      expect(primary.selector).toEqual(before.selector);
      expect(primary.replicas).toBe(4);
      expect(writesSince(from).map((r) => `${r.method} ${r.path} ${r.contentType} ${r.status}`)).toEqual([
        'PATCH /apis/apps/v1/namespaces/prod/deployments/web-primary application/merge-patch+json 200',
      ]);
      const view = await createKubeWorkloads(double.kubeConfig(), target).read();
      expect(view.primary.podSpecHash).toBe(view.canary.podSpecHash);
      expect(view.primary.image).toBe('web:2');
    });

    it('is idempotent: promoting again writes nothing', async () => {
      const workloads = createKubeWorkloads(double.kubeConfig(), target);
      await workloads.promote();
      const from = double.requests.length;
      await workloads.promote();
      expect(writesSince(from)).toEqual([]);
    });

    it('refuses to promote from a missing canary', async () => {
      const missing = webTarget({ canary: { service: 'web-canary', deployment: 'web-gone' } });
      await expect(createKubeWorkloads(double.kubeConfig(), missing).promote()).rejects.toThrow(
        'Deployment prod/web-gone not found',
      );
    });
  });

  describe('scaleCanary', () => {
    it('scales through the scale subresource and skips a scale that changes nothing', async () => {
      double.apply(deploymentObject('web-canary', { replicas: 3 }));
      const workloads = createKubeWorkloads(double.kubeConfig(), target);
      const from = double.requests.length;
      await workloads.scaleCanary(0);
      expect(specOf('web-canary').replicas).toBe(0);
      await workloads.scaleCanary(0);
      expect(writesSince(from).map((r) => `${r.method} ${r.path}`)).toEqual([
        'PATCH /apis/apps/v1/namespaces/prod/deployments/web-canary/scale',
      ]);
      expect((await workloads.read()).canary).toMatchObject({ replicas: 0, available: false });
    });

    it('treats zero replicas of a missing canary as done, and more as an error', async () => {
      const workloads = createKubeWorkloads(double.kubeConfig(), target);
      await expect(workloads.scaleCanary(0)).resolves.toBeUndefined();
      await expect(workloads.scaleCanary(2)).rejects.toThrow(NotFoundError);
    });
  });
});

describe('Deployments adapter during a rollout', () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    // Rollouts take ten minutes here: the test sees the Deployment mid-rollout, deterministically.
    double = await startKubeApiDouble({ deploymentRolloutMs: 600_000 });
    double.apply(namespaceObject());
  });
  afterAll(() => double.close());

  it('reports a canary scaled up from zero as not available until its pods are rolled out', async () => {
    double.apply(deploymentObject('web-primary'));
    // At zero replicas the controller settles at once.
    double.apply(deploymentObject('web-canary', { image: 'web:1', replicas: 0 }));
    const workloads = createKubeWorkloads(double.kubeConfig(), target);
    expect((await workloads.read()).canary).toMatchObject({ image: 'web:1', replicas: 0, available: false });
    await workloads.prepareCanary({ image: 'web:2', replicas: 2 });
    const { canary } = await workloads.read();
    expect(canary).toMatchObject({
      image: 'web:2',
      replicas: 2,
      updatedReplicas: 0,
      availableReplicas: 0,
      available: false,
    });
  });
});
