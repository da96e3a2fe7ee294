import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TimeoutKubeConfig } from '../../lib/cluster/request-timeout.js';
import { ConfigurationError, ConflictError, UnavailableError } from '../../lib/errors.js';
import { SMI_SPLIT_VERSIONS } from '../../lib/model/config.js';
import { createSmiTrafficSplitRouter } from '../../lib/router/smi-trafficsplit.js';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { namespaceObject, trafficSplitObject } from './kube-objects.js';
import { webTarget } from './targets.js';

const run = promisify(execFile);
const SPLIT = 'TrafficSplit';
const splitApi = (version: string) => `split.smi-spec.io/${version}`;

interface Backend {
  service: string;
  weight: number | string;
}
function backendsOf(double: KubeApiDouble, version: string, name = 'web'): Backend[] {
  const split = double.get(splitApi(version), SPLIT, 'prod', name);
  if (!split) throw new Error(`TrafficSplit prod/${name} is not stored`);
  return (split.spec as { backends: Backend[] }).backends;
}

const requestsSince = (double: KubeApiDouble, from: number) => double.requests.slice(from);

describe.each(SMI_SPLIT_VERSIONS)('TrafficSplit %s, the only version served', (version) => {
  let double: KubeApiDouble;
  const target = webTarget();

  beforeAll(async () => {
    double = await startKubeApiDouble({ servedSplitVersions: [version] });
    double.apply(namespaceObject());
  });
  afterAll(() => double.close());

  const initial: [unknown, unknown] = version === 'v1alpha1' ? ['900m', '100m'] : [9, 1];
  beforeEach(() => {
    double.apply(trafficSplitObject(version, initial));
  });

  it(`reads ${version === 'v1alpha1' ? 'quantity' : 'integer'} weights as percentages`, async () => {
    const router = createSmiTrafficSplitRouter(double.kubeConfig(), target);
    expect(await router.readWeights()).toEqual({ primary: 90, canary: 10 });
  });

  it('writes integer weights with a JSON merge patch to the discovered version', async () => {
    const router = createSmiTrafficSplitRouter(double.kubeConfig(), target);
    const from = double.requests.length;
    await router.setWeights({ primary: 70, canary: 30 });

    expect(backendsOf(double, version)).toEqual([
      { service: 'web-primary', weight: 70 },
      { service: 'web-canary', weight: 30 },
    ]);
    const patches = requestsSince(double, from).filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({
      path: `/apis/split.smi-spec.io/${version}/namespaces/prod/trafficsplits/web`,
      contentType: 'application/merge-patch+json',
      status: 200,
    });
    expect(await router.readWeights()).toEqual({ primary: 70, canary: 30 });
  });

  it('does not write when the weights already match', async () => {
    const router = createSmiTrafficSplitRouter(double.kubeConfig(), target);
    const from = double.requests.length;
    await router.setWeights({ primary: 90, canary: 10 });
    const sent = requestsSince(double, from);
    expect(sent.filter((r) => r.method === 'GET').length).toBeGreaterThan(0);
    expect(sent.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(backendsOf(double, version).map((b) => b.weight)).toEqual(initial);
  });
});

describe('TrafficSplit version discovery', () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    // Like Linkerd's SMI extension.
    double = await startKubeApiDouble({ servedSplitVersions: ['v1alpha1', 'v1alpha2'] });
    double.apply(namespaceObject());
  });
  afterAll(() => double.close());
  beforeEach(() => {
    double.apply(trafficSplitObject('v1alpha1', ['500m', '500m']));
  });

  const versionsUsed = (from: number) => [
    ...new Set(
      requestsSince(double, from)
        .filter((r) => r.path.includes('/trafficsplits/'))
        .map((r) => r.path.split('/')[3]),
    ),
  ];

  it("uses the group's preferred version, and asks discovery only once per server", async () => {
    const from = double.requests.length;
    await createSmiTrafficSplitRouter(double.kubeConfig(), webTarget()).setWeights({
      primary: 80,
      canary: 20,
    });
    await createSmiTrafficSplitRouter(double.kubeConfig(), webTarget()).readWeights();
    expect(versionsUsed(from)).toEqual(['v1alpha2']);
    const discovery = requestsSince(double, from).filter((r) => r.path === '/apis/split.smi-spec.io');
    expect(discovery.length).toBeLessThanOrEqual(1);
    // The stored v1alpha1 object shows the integers written through v1alpha2.
    expect(backendsOf(double, 'v1alpha1').map((b) => Number(b.weight))).toEqual([80, 20]);
  });

  it('uses a pinned version that is served', async () => {
    const from = double.requests.length;
    const router = createSmiTrafficSplitRouter(
      double.kubeConfig(),
      webTarget({ router: { kind: 'smi', apiVersion: 'v1alpha1' } }),
    );
    expect(await router.readWeights()).toEqual({ primary: 50, canary: 50 });
    await router.setWeights({ primary: 60, canary: 40 });
    expect(versionsUsed(from)).toEqual(['v1alpha1']);
    expect(backendsOf(double, 'v1alpha1')).toEqual([
      { service: 'web-primary', weight: 60 },
      { service: 'web-canary', weight: 40 },
    ]);
  });

  it('refuses a pinned version the cluster does not serve, saying what it serves', async () => {
    const router = createSmiTrafficSplitRouter(
      double.kubeConfig(),
      webTarget({ router: { kind: 'smi', apiVersion: 'v1alpha4' } }),
    );
    const error = await router.readWeights().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      'configuration error: router.apiVersion pins split.smi-spec.io/v1alpha4, which the cluster does not serve (served: v1alpha2, v1alpha1)',
    );
  });

  it('uses router.name when set', async () => {
    double.apply(trafficSplitObject('v1alpha1', [1, 3], { name: 'web-split' }));
    const router = createSmiTrafficSplitRouter(
      double.kubeConfig(),
      webTarget({ router: { kind: 'smi', name: 'web-split' } }),
    );
    expect(await router.readWeights()).toEqual({ primary: 25, canary: 75 });
  });

  it('shows kubectl the weights it wrote', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aviary-kubectl-'));
    try {
      const kubeconfig = path.join(dir, 'config');
      double.writeKubeconfig(kubeconfig);
      await createSmiTrafficSplitRouter(double.kubeConfig(), webTarget()).setWeights({
        primary: 35,
        canary: 65,
      });
      const { stdout } = await run('kubectl', [
        '--kubeconfig',
        kubeconfig,
        'get',
        'trafficsplits.v1alpha2.split.smi-spec.io',
        'web',
        '-n',
        'prod',
        '-o',
        'jsonpath={.spec.backends[*].weight}',
      ]);
      expect(stdout.trim()).toBe('35 65');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A KubeConfig that runs `before` on every request the client sends, before it goes out. */
class InterceptingKubeConfig extends KubeConfig {
  constructor(private readonly before: (request: RequestContext) => void) {
    super();
  }
  override async applySecurityAuthentication(request: RequestContext): Promise<void> {
    this.before(request);
    await super.applySecurityAuthentication(request);
  }
}

describe('TrafficSplit writes under concurrency', () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    double = await startKubeApiDouble();
    double.apply(namespaceObject());
  });
  afterAll(() => double.close());
  beforeEach(() => {
    double.injectFaults({});
    double.apply(trafficSplitObject('v1alpha2', [100, 0]));
  });

  it('retries 409 Conflicts after a fresh read', async () => {
    double.injectFaults({ conflictsOnNextWrites: 2 });
    const from = double.requests.length;
    await createSmiTrafficSplitRouter(double.kubeConfig(), webTarget()).setWeights({
      primary: 95,
      canary: 5,
    });
    const patches = requestsSince(double, from).filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => p.status)).toEqual([409, 409, 200]);
    const gets = requestsSince(double, from).filter(
      (r) => r.method === 'GET' && r.path.endsWith('/trafficsplits/web'),
    );
    expect(gets.length).toBe(3);
    expect(backendsOf(double, 'v1alpha2').map((b) => b.weight)).toEqual([95, 5]);
  });

  it('gives up with ConflictError after five conflicts', async () => {
    double.injectFaults({ conflictsOnNextWrites: 10 });
    const from = double.requests.length;
    const error = await createSmiTrafficSplitRouter(double.kubeConfig(), webTarget())
      .setWeights({ primary: 95, canary: 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(
      /^update TrafficSplit prod\/web: still conflicting after 5 attempts/,
    );
    expect(requestsSince(double, from).filter((r) => r.method === 'PATCH')).toHaveLength(5);
    expect(backendsOf(double, 'v1alpha2').map((b) => b.weight)).toEqual([100, 0]);
  });

  it('sends the resourceVersion it read, so an edit in between is not overwritten blindly', async () => {
    let raced = false;
    const kubeConfig = new InterceptingKubeConfig((request) => {
      if (!raced && request.getHttpMethod() === 'PATCH') {
        raced = true;
        // Someone else moves the split between our read and our write.
        double.apply(trafficSplitObject('v1alpha2', [50, 50]));
      }
    });
    kubeConfig.loadFromString(double.kubeconfig());
    const from = double.requests.length;
    await createSmiTrafficSplitRouter(kubeConfig, webTarget()).setWeights({ primary: 50, canary: 50 });
    // The first write was refused (stale resourceVersion); the fresh read found the weights already in place.
    const patches = requestsSince(double, from).filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => p.status)).toEqual([409]);
    expect(backendsOf(double, 'v1alpha2').map((b) => b.weight)).toEqual([50, 50]);
  });
});

describe('TrafficSplit configuration errors and outages', () => {
  let double: KubeApiDouble;
  beforeAll(async () => {
    double = await startKubeApiDouble({ servedSplitVersions: ['v1alpha2'] });
    double.apply(namespaceObject());
  });
  afterAll(() => double.close());
  beforeEach(() => double.injectFaults({}));

  it('refuses a TrafficSplit owned by Flagger, reading and writing', async () => {
    double.apply(
      trafficSplitObject('v1alpha2', [90, 10], {
        metadata: {
          ownerReferences: [
            { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'web', uid: 'u-1', controller: true },
          ],
        },
      }),
    );
    const router = createSmiTrafficSplitRouter(double.kubeConfig(), webTarget());
    await expect(router.readWeights()).rejects.toThrow(ConfigurationError);
    const from = double.requests.length;
    await expect(router.setWeights({ primary: 50, canary: 50 })).rejects.toThrow(
      /configuration error: TrafficSplit prod\/web is owned by Flagger \(Canary web\)/,
    );
    expect(requestsSince(double, from).filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('refuses a TrafficSplit owned by Argo Rollouts', async () => {
    double.apply(
      trafficSplitObject('v1alpha2', [90, 10], {
        metadata: {
          ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web', uid: 'u-2' }],
        },
      }),
    );
    await expect(createSmiTrafficSplitRouter(double.kubeConfig(), webTarget()).readWeights()).rejects.toThrow(
      'is owned by Argo Rollouts (Rollout web)',
    );
  });

  it('refuses backends other than the primary and canary, naming them', async () => {
    double.apply(
      trafficSplitObject('v1alpha2', [0, 0], {
        backends: [
          { service: 'web-primary', weight: 80 },
          { service: 'web-canary', weight: 10 },
          { service: 'web-v0', weight: 10 },
        ],
      }),
    );
    await expect(createSmiTrafficSplitRouter(double.kubeConfig(), webTarget()).readWeights()).rejects.toThrow(
      'configuration error: TrafficSplit prod/web must have exactly two backends, web-primary and web-canary; it has web-primary (weight 80), web-canary (weight 10), web-v0 (weight 10)',
    );
  });

  it('says how to fix a missing TrafficSplit', async () => {
    const router = createSmiTrafficSplitRouter(
      double.kubeConfig(),
      webTarget({ router: { kind: 'smi', name: 'nope' } }),
    );
    const error = await router.readWeights().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('TrafficSplit prod/nope not found');
  });

  it('reports an API server answering 503 as unavailable', async () => {
    double.apply(trafficSplitObject('v1alpha2', [90, 10]));
    const kubeConfig = double.kubeConfig();
    const router = createSmiTrafficSplitRouter(kubeConfig, webTarget());
    await router.readWeights(); // discovery cached while the server is healthy
    double.injectFaults({ failAll: 'unavailable' });
    const error = await router.readWeights().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/^get TrafficSplit prod\/web: HTTP 503/);
  });

  it('reports a reset connection as unavailable', async () => {
    double.injectFaults({ failAll: 'reset' });
    const error = await createSmiTrafficSplitRouter(double.kubeConfig(), webTarget())
      .readWeights()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
  });

  it('reports a server slower than the request timeout as unavailable', async () => {
    double.apply(trafficSplitObject('v1alpha2', [90, 10]));
    double.injectFaults({ latencyMs: 5_000 });
    const kubeConfig = new TimeoutKubeConfig(100);
    kubeConfig.loadFromString(double.kubeconfig());
    const error = await createSmiTrafficSplitRouter(kubeConfig, webTarget())
      .setWeights({ primary: 10, canary: 90 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('did not answer in time');
  });
});
