import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeApiDouble, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { readUntil } from './eventually.js';
import { deployment, trafficSplit } from './fixtures.js';
import { rawRequest } from './raw-https.js';
import { clientNodeWatch, rawWatch, type WatchEvent, weightsOf } from './watch-client.js';

const GROUP = 'split.smi-spec.io';
const splits = (version: string, namespace: string) =>
  `/apis/${GROUP}/${version}/namespaces/${namespace}/trafficsplits`;
const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

const backends = (name: string, primary: number | string, canary: number | string) => [
  { service: `${name}-primary`, weight: primary },
  { service: `${name}-canary`, weight: canary },
];
const named = (type: string, name: string) => (e: WatchEvent) =>
  e.type === type && e.object.metadata.name === name;

describe('watches on the API double', () => {
  let double: KubeApiDouble;
  let custom: CustomObjectsApi;

  const patchWeights = (
    version: string,
    namespace: string,
    name: string,
    primary: number | string,
    canary: number | string,
  ) =>
    custom.patchNamespacedCustomObject(
      {
        group: GROUP,
        version,
        namespace,
        plural: 'trafficsplits',
        name,
        body: { spec: { backends: backends(name, primary, canary) } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ) as Promise<{ metadata: { resourceVersion: string } }>;

  beforeAll(async () => {
    double = await startKubeApiDouble({ deploymentRolloutMs: 300 });
    custom = double.kubeConfig().makeApiClient(CustomObjectsApi);
  });
  afterAll(async () => {
    await double.close();
  });

  it('streams the current splits, then a MODIFIED with the new integer weights to client-node', async () => {
    double.apply(trafficSplit('podinfo', 'shop', backends('podinfo', 90, 10)));
    double.apply(trafficSplit('elsewhere', 'other', backends('elsewhere', 90, 10)));
    const watch = await clientNodeWatch(double, splits('v1alpha2', 'shop'));
    try {
      const added = await watch.next(named('ADDED', 'podinfo'));
      expect(weightsOf(added)).toEqual([90, 10]);
      expect(added.object.apiVersion).toBe(`${GROUP}/v1alpha2`);

      await patchWeights('v1alpha2', 'other', 'elsewhere', 50, 50);
      const patched = await patchWeights('v1alpha2', 'shop', 'podinfo', 60, 40);
      const modified = await watch.next(named('MODIFIED', 'podinfo'));
      expect(weightsOf(modified)).toEqual([60, 40]);
      expect(modified.object.metadata.resourceVersion).toBe(patched.metadata.resourceVersion);
      // The write in another namespace, made first, never reached this watch.
      expect(watch.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
        'ADDED podinfo',
        'MODIFIED podinfo',
      ]);
    } finally {
      watch.stop();
    }
  });

  it('shows each watcher the weights in the version it watches: quantities for v1alpha1', async () => {
    double.apply(trafficSplit('checkout', 'payments', backends('checkout', 100, 0)));
    const v1alpha1 = await clientNodeWatch(double, splits('v1alpha1', 'payments'));
    const v1alpha2 = await clientNodeWatch(double, splits('v1alpha2', 'payments'));
    try {
      await v1alpha1.next(named('ADDED', 'checkout'));
      await v1alpha2.next(named('ADDED', 'checkout'));
      await patchWeights('v1alpha1', 'payments', 'checkout', '750m', '250m');
      const quantities = await v1alpha1.next(named('MODIFIED', 'checkout'));
      expect(quantities.object.apiVersion).toBe(`${GROUP}/v1alpha1`);
      expect(weightsOf(quantities)).toEqual(['750m', '250m']);
      const integers = await v1alpha2.next(named('MODIFIED', 'checkout'));
      expect(weightsOf(integers)).toEqual([750, 250]);
    } finally {
      v1alpha1.stop();
      v1alpha2.stop();
    }
  });

  it('starts after a list resourceVersion: only the later writes arrive', async () => {
    double.apply(trafficSplit('a', 'resume', backends('a', 100, 0)));
    double.apply(trafficSplit('b', 'resume', backends('b', 100, 0)));
    await patchWeights('v1alpha2', 'resume', 'a', 80, 20);
    const list = (await custom.listNamespacedCustomObject({
      group: GROUP,
      version: 'v1alpha2',
      namespace: 'resume',
      plural: 'trafficsplits',
    })) as { metadata: { resourceVersion: string } };
    await patchWeights('v1alpha2', 'resume', 'a', 70, 30);
    const watch = await clientNodeWatch(double, splits('v1alpha2', 'resume'), {
      resourceVersion: list.metadata.resourceVersion,
    });
    try {
      await patchWeights('v1alpha2', 'resume', 'b', 10, 90);
      await watch.next(named('MODIFIED', 'b'));
      expect(watch.events.map((e) => [e.type, e.object.metadata.name, weightsOf(e)])).toEqual([
        ['MODIFIED', 'a', [70, 30]],
        ['MODIFIED', 'b', [10, 90]],
      ]);
      const revisions = watch.events.map((e) => Number(e.object.metadata.resourceVersion));
      expect(revisions[0]).toBeGreaterThan(Number(list.metadata.resourceVersion));
    } finally {
      watch.stop();
    }
  });

  it('answers a resourceVersion older than its history with an ERROR 410 Expired, then ends', async () => {
    const small = await startKubeApiDouble({ watchHistory: 5 });
    try {
      for (let i = 0; i < 10; i++) small.apply(trafficSplit('busy', 'shop', backends('busy', 100 - i, i)));
      const latest = Number(
        small.get(`${GROUP}/v1alpha2`, 'TrafficSplit', 'shop', 'busy')?.metadata.resourceVersion,
      );
      const expired = await clientNodeWatch(small, splits('v1alpha2', 'shop'), { resourceVersion: '2' });
      expect(await expired.ended).toBeNull();
      expect(expired.events).toEqual([
        {
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `too old resource version: 2 (${latest - 5})`,
            reason: 'Expired',
            code: 410,
          },
        },
      ]);
      // Still inside the history: the last two writes arrive.
      const recent = await clientNodeWatch(small, splits('v1alpha2', 'shop'), {
        resourceVersion: String(latest - 2),
      });
      try {
        await recent.next((e) => e.object.metadata.resourceVersion === String(latest));
        expect(recent.events.map((e) => [e.type, weightsOf(e)])).toEqual([
          ['MODIFIED', [92, 8]],
          ['MODIFIED', [91, 9]],
        ]);
      } finally {
        recent.stop();
      }
    } finally {
      await small.close();
    }
  });

  it('filters by labelSelector: objects entering and leaving it are ADDED and DELETED', async () => {
    const labelled = (name: string, tier: string) => {
      const split = trafficSplit(name, 'labels', backends(name, 100, 0));
      return { ...split, metadata: { ...split.metadata, labels: { tier } } };
    };
    double.apply(labelled('x', 'canary'));
    double.apply(labelled('y', 'stable'));
    const watch = await clientNodeWatch(double, splits('v1alpha2', 'labels'), {
      labelSelector: 'tier=canary',
    });
    try {
      await watch.next(named('ADDED', 'x'));
      double.apply(labelled('y', 'canary'));
      await watch.next(named('ADDED', 'y'));
      double.apply(labelled('y', 'stable'));
      const left = await watch.next(named('DELETED', 'y'));
      expect(left.object.metadata.labels).toEqual({ tier: 'canary' });
      await patchWeights('v1alpha2', 'labels', 'y', 1, 99);
      await custom.deleteNamespacedCustomObject({
        group: GROUP,
        version: 'v1alpha2',
        namespace: 'labels',
        plural: 'trafficsplits',
        name: 'x',
      });
      const deleted = await watch.next(named('DELETED', 'x'));
      expect(Number(deleted.object.metadata.resourceVersion)).toBeGreaterThan(
        Number(watch.events[0]?.object.metadata.resourceVersion),
      );
      expect(watch.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
        'ADDED x',
        'ADDED y',
        'DELETED y',
        'DELETED x',
      ]);
    } finally {
      watch.stop();
    }
  });

  it('streams chunked JSON lines; the deployment controller’s status updates arrive as MODIFIED', async () => {
    double.apply(deployment('web', 'apps', 'nginx:1.27', 1));
    await readUntil(
      async () => double.get('apps/v1', 'Deployment', 'apps', 'web')?.status,
      (status) => (status as { readyReplicas?: number } | undefined)?.readyReplicas === 1,
    );
    const watch = await rawWatch(double, '/apis/apps/v1/namespaces/apps/deployments?watch=1');
    try {
      expect(watch.status).toBe(200);
      expect(watch.headers['content-type']).toBe('application/json');
      expect(watch.headers['transfer-encoding']).toBe('chunked');
      await watch.next(named('ADDED', 'web'));
      await double
        .kubeConfig()
        .makeApiClient(AppsV1Api)
        .patchNamespacedDeploymentScale(
          { namespace: 'apps', name: 'web', body: { spec: { replicas: 3 } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
      const settled = await watch.next((e) => e.object.status?.readyReplicas === 3);
      expect(settled.type).toBe('MODIFIED');
      expect(settled.object.kind).toBe('Deployment');
      expect(
        watch.events.map((e) => [e.type, e.object.spec?.replicas, e.object.status?.readyReplicas]),
      ).toEqual([
        ['ADDED', 1, 1],
        ['MODIFIED', 3, 1],
        ['MODIFIED', 3, 3],
      ]);
      expect(watch.lines.every((line) => !line.includes('\n') && JSON.parse(line).type !== undefined)).toBe(
        true,
      );
    } finally {
      watch.stop();
    }
  });

  it('watches cluster-scoped namespaces through the legacy /watch/ path', async () => {
    const watch = await rawWatch(double, '/api/v1/watch/namespaces');
    try {
      await watch.next(named('ADDED', 'kube-system'));
      await double
        .kubeConfig()
        .makeApiClient(CoreV1Api)
        .createNamespace({ body: { metadata: { name: 'fresh' } } });
      const created = await watch.next(named('ADDED', 'fresh'));
      expect(created.object).toMatchObject({ apiVersion: 'v1', kind: 'Namespace' });
      expect(watch.events.filter((e) => e.object.metadata.name === 'fresh')).toHaveLength(1);
    } finally {
      watch.stop();
    }
  });

  it('sends one-row Tables when asked for server-side printing', async () => {
    double.apply(trafficSplit('printed', 'tables', backends('printed', 100, 0)));
    const watch = await rawWatch<{
      kind: string;
      metadata: { resourceVersion?: string; name?: string };
      rows: { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[];
    }>(double, `${splits('v1alpha2', 'tables')}?watch=true&includeObject=Object`, { accept: TABLE_ACCEPT });
    try {
      expect(watch.headers['content-type']).toBe('application/json');
      const first = await watch.next((e) => e.type === 'ADDED');
      expect(first.object.kind).toBe('Table');
      expect(first.object.rows).toHaveLength(1);
      expect(first.object.rows[0]?.cells.slice(0, 3)).toEqual([
        'printed',
        'printed',
        'printed-primary=100,printed-canary=0',
      ]);
      expect(first.object.rows[0]?.object.kind).toBe('TrafficSplit');
      const patched = await patchWeights('v1alpha2', 'tables', 'printed', 30, 70);
      const modified = await watch.next((e) => e.type === 'MODIFIED');
      expect(modified.object.rows[0]?.cells[2]).toBe('printed-primary=30,printed-canary=70');
      expect(modified.object.metadata.resourceVersion).toBe(patched.metadata.resourceVersion);
    } finally {
      watch.stop();
    }
  });

  it('ends the stream after timeoutSeconds, and a client hanging up unsubscribes', async () => {
    // The watches of the tests before were stopped by their clients: none is left subscribed.
    await readUntil(
      async () => double.openWatches(),
      (n) => n === 0,
    );
    const before = 0;
    const started = Date.now();
    const timed = await clientNodeWatch(double, splits('v1alpha2', 'shop'), { timeoutSeconds: 1 });
    expect(double.openWatches()).toBe(before + 1);
    expect(await timed.ended).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(double.openWatches()).toBe(before);

    const dropped = await rawWatch(double, `${splits('v1alpha2', 'shop')}?watch=true`);
    expect(double.openWatches()).toBe(before + 1);
    dropped.stop();
    await readUntil(
      async () => double.openWatches(),
      (n) => n === before,
    );
  });

  it('selects by metadata.name and metadata.namespace fields, in watches and lists', async () => {
    double.apply(trafficSplit('one', 'fields', backends('one', 100, 0)));
    double.apply(trafficSplit('two', 'fields', backends('two', 100, 0)));
    const all = `/apis/${GROUP}/v1alpha2/trafficsplits`;
    const watch = await clientNodeWatch(double, all, {
      fieldSelector: 'metadata.namespace=fields,metadata.name!=one',
    });
    try {
      await patchWeights('v1alpha2', 'fields', 'one', 50, 50);
      await patchWeights('v1alpha2', 'fields', 'two', 50, 50);
      await watch.next(named('MODIFIED', 'two'));
      expect(watch.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
        'ADDED two',
        'MODIFIED two',
      ]);
    } finally {
      watch.stop();
    }
    const list = await rawRequest(double, `${all}?fieldSelector=metadata.name%3Done`);
    expect(list.json<{ items: WatchEvent['object'][] }>().items.map((i) => i.metadata.namespace)).toEqual([
      'fields',
    ]);
    const unsupported = await rawRequest(double, `${all}?watch=true&fieldSelector=spec.service%3Done`);
    expect(unsupported.status).toBe(400);
    expect(unsupported.json()).toMatchObject({ message: 'field label not supported: spec.service' });
  });

  it('refuses what it cannot watch before streaming', async () => {
    const badVersion = await rawRequest(
      double,
      `${splits('v1alpha2', 'shop')}?watch=true&resourceVersion=abc`,
    );
    expect(badVersion.status).toBe(422);
    expect(badVersion.json()).toMatchObject({
      reason: 'Invalid',
      details: { causes: [{ field: 'resourceVersion' }] },
    });
    const notTheOtherWay = await rawRequest(
      double,
      `${splits('v1alpha2', 'shop')}?watch=true&resourceVersionMatch=NotOlderThan`,
    );
    expect(notTheOtherWay.status).toBe(422);
    // On one object `watch` is ignored, as by the API server: a plain get.
    const one = await rawRequest(double, `${splits('v1alpha2', 'shop')}/podinfo?watch=true`);
    expect(one.status).toBe(200);
    expect(one.json()).toMatchObject({ kind: 'TrafficSplit', metadata: { name: 'podinfo' } });
  });

  it('ends open watches when the double closes, promptly', async () => {
    const other = await startKubeApiDouble();
    const watch = await clientNodeWatch(other, '/api/v1/namespaces');
    await watch.next(named('ADDED', 'default'));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await watch.ended;
  });

  describe('kubectl get -w', () => {
    let dir: string;
    let kubeconfig: string;
    const children: ChildProcess[] = [];

    /** Spawns kubectl without waiting for it (the server answers from this process); stdout accumulates. */
    const watchWithKubectl = (...args: string[]) => {
      const child = spawn(
        'kubectl',
        ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args],
        { env: { ...process.env, KUBECONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      const output = { stdout: '', stderr: '' };
      child.stdout?.on('data', (chunk: Buffer) => {
        output.stdout += chunk.toString('utf8');
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output.stderr += chunk.toString('utf8');
      });
      const waitFor = (text: string) =>
        readUntil(
          async () => output,
          (o) => o.stdout.includes(text) || child.exitCode !== null,
        ).then((o) => {
          if (!o.stdout.includes(text)) throw new Error(`kubectl ended without "${text}": ${o.stderr}`);
          return o.stdout;
        });
      return { output, waitFor };
    };

    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'aviary-kubectl-watch-'));
      kubeconfig = path.join(dir, 'kubeconfig');
      double.writeKubeconfig(kubeconfig);
    });
    afterAll(() => {
      for (const child of children) if (child.exitCode === null) child.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    it('prints a new row as the weights change', async () => {
      double.apply(trafficSplit('live', 'demo', backends('live', 100, 0)));
      const kubectl = watchWithKubectl('get', 'trafficsplits', '-n', 'demo', '-w');
      await kubectl.waitFor('live-primary=100,live-canary=0');
      await readUntil(
        async () => double.openWatches(),
        (n) => n > 0,
      );
      await patchWeights('v1alpha2', 'demo', 'live', 75, 25);
      const stdout = await kubectl.waitFor('live-primary=75,live-canary=25');
      const lines = stdout.trim().split('\n');
      expect(lines[0]?.split(/\s+/)).toEqual(['NAME', 'SERVICE', 'BACKENDS', 'AGE']);
      expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
        ['live', 'live', 'live-primary=100,live-canary=0'],
        ['live', 'live', 'live-primary=75,live-canary=25'],
      ]);
      expect(kubectl.output.stderr).toBe('');
      const watchRequest = double.requests.find(
        (r) => r.path === splits('v1alpha2', 'demo') && r.query.includes('watch=true'),
      );
      expect(watchRequest?.accept).toContain('as=Table');
    });

    it('prints replicas moving as the controller rolls a deployment out', async () => {
      double.apply(deployment('bystander', 'demo', 'nginx:1.27', 1));
      double.apply(deployment('rolling', 'demo', 'nginx:1.27', 1));
      await readUntil(
        async () => double.get('apps/v1', 'Deployment', 'demo', 'rolling')?.status,
        (status) => (status as { readyReplicas?: number } | undefined)?.readyReplicas === 1,
      );
      const kubectl = watchWithKubectl('get', 'deploy', 'rolling', '-n', 'demo', '-w');
      await kubectl.waitFor('1/1');
      await readUntil(
        async () => double.openWatches(),
        (n) => n > 0,
      );
      await double
        .kubeConfig()
        .makeApiClient(AppsV1Api)
        .patchNamespacedDeploymentScale(
          { namespace: 'demo', name: 'rolling', body: { spec: { replicas: 2 } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
      const stdout = await kubectl.waitFor('2/2');
      const rows = stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/).slice(0, 4));
      expect(rows[0]).toEqual(['rolling', '1/1', '1', '1']);
      expect(rows).toContainEqual(['rolling', '1/2', '1', '1']);
      expect(rows.at(-1)).toEqual(['rolling', '2/2', '2', '2']);
      // kubectl watches one object by fieldSelector=metadata.name: the other Deployment never shows.
      expect(rows.every((row) => row[0] === 'rolling')).toBe(true);
    });

    it('prints watch events as JSON with --output-watch-events -o json', async () => {
      double.apply(trafficSplit('events', 'json', backends('events', 100, 0)));
      const kubectl = watchWithKubectl(
        'get',
        'trafficsplits',
        '-n',
        'json',
        '-w',
        '--output-watch-events',
        '-o',
        'json',
      );
      await kubectl.waitFor('"type":"ADDED"');
      await readUntil(
        async () => double.openWatches(),
        (n) => n > 0,
      );
      await patchWeights('v1alpha2', 'json', 'events', 40, 60);
      await kubectl.waitFor('"type":"MODIFIED"');
      // One compact JSON event a line, as kubectl prints watch events.
      const events = kubectl.output.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as WatchEvent);
      expect(events.map((e) => [e.type, weightsOf(e)])).toEqual([
        ['ADDED', [100, 0]],
        ['MODIFIED', [40, 60]],
      ]);
    });
  });
});
