import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createClusterConnector } from '../../lib/cluster/create-connector.js';
import { KubeconfigConnector } from '../../lib/cluster/kubeconfig-connector.js';
import { TimeoutKubeConfig } from '../../lib/cluster/request-timeout.js';
import { ConfigurationError } from '../../lib/errors.js';
import { ClusterSchema } from '../../lib/model/config.js';
import { startKubeApiDouble } from '../../lib/sim/kube-api/index.js';

const run = promisify(execFile);

const dir = mkdtempSync(path.join(tmpdir(), 'aviary-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfigFile(
  name: string,
  contexts: { name: string; server: string; token: string }[],
  current?: string,
) {
  const file = path.join(dir, name);
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    ...(current ? [`current-context: ${current}`] : []),
    'clusters:',
    ...contexts.flatMap((c) => [`- name: ${c.name}`, '  cluster:', `    server: ${c.server}`]),
    'users:',
    ...contexts.flatMap((c) => [`- name: ${c.name}-user`, '  user:', `    token: ${c.token}`]),
    'contexts:',
    ...contexts.flatMap((c) => [
      `- name: ${c.name}`,
      '  context:',
      `    cluster: ${c.name}`,
      `    user: ${c.name}-user`,
    ]),
    '',
  ].join('\n');
  writeFileSync(file, yaml);
  return file;
}

const kindFile = kubeconfigFile(
  'kind.yaml',
  [
    { name: 'kind-aviary', server: 'https://127.0.0.1:6443', token: 'kind-token' },
    { name: 'k3d-aviary', server: 'https://127.0.0.1:6550', token: 'k3d-token' },
  ],
  'kind-aviary',
);
const cluster = (extra: Record<string, unknown> = {}) =>
  ClusterSchema.parse({ kind: 'kubeconfig', ...extra });

async function bearer(kc: { applyToHTTPSOptions(o: object): Promise<void> }): Promise<string> {
  const opts: { headers?: Record<string, unknown> } = {};
  await kc.applyToHTTPSOptions(opts);
  return String(opts.headers?.Authorization ?? '');
}

describe('KubeconfigConnector', () => {
  it('loads the named context of the file in `path`, with the cluster timeout', async () => {
    const kc = await new KubeconfigConnector({ env: {} }).kubeConfig(
      'dev',
      cluster({ path: kindFile, context: 'k3d-aviary', timeoutMs: 1234 }),
    );
    expect(kc.getCurrentContext()).toBe('k3d-aviary');
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6550');
    expect(await bearer(kc)).toBe('Bearer k3d-token');
    expect(kc).toBeInstanceOf(TimeoutKubeConfig);
    expect((kc as TimeoutKubeConfig).requestTimeoutMs).toBe(1234);
  });

  it("uses the file's current-context when none is configured", async () => {
    const kc = await new KubeconfigConnector({ env: {} }).kubeConfig('dev', cluster({ path: kindFile }));
    expect(kc.getCurrentContext()).toBe('kind-aviary');
    expect(await bearer(kc)).toBe('Bearer kind-token');
  });

  it('reads KUBECONFIG as a path list; the first file to define a name wins, like kubectl', async () => {
    const a = kubeconfigFile(
      'a.yaml',
      [{ name: 'shared', server: 'https://127.0.0.1:1111', token: 'from-a' }],
      'shared',
    );
    const b = kubeconfigFile(
      'b.yaml',
      [
        { name: 'shared', server: 'https://127.0.0.1:2222', token: 'from-b' },
        { name: 'only-b', server: 'https://127.0.0.1:3333', token: 'b-only' },
      ],
      'only-b',
    );
    const connector = new KubeconfigConnector({
      env: { KUBECONFIG: [a, path.join(dir, 'missing.yaml'), b].join(path.delimiter) },
    });
    const current = await connector.kubeConfig('dev', cluster());
    expect(current.getCurrentContext()).toBe('shared');
    expect(current.getCurrentCluster()?.server).toBe('https://127.0.0.1:1111');
    const onlyB = await connector.kubeConfig('dev', cluster({ context: 'only-b' }));
    expect(await bearer(onlyB)).toBe('Bearer b-only');
  });

  it('falls back to ~/.kube/config, and expands ~ in `path`', async () => {
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, '.kube'), { recursive: true });
    writeFileSync(
      path.join(home, '.kube', 'config'),
      `apiVersion: v1\nkind: Config\ncurrent-context: home\nclusters:\n- name: home\n  cluster:\n    server: https://127.0.0.1:4444\nusers:\n- name: u\n  user:\n    token: home-token\ncontexts:\n- name: home\n  context:\n    cluster: home\n    user: u\n`,
    );
    const connector = new KubeconfigConnector({ env: { HOME: home } });
    expect((await connector.kubeConfig('dev', cluster())).getCurrentCluster()?.server).toBe(
      'https://127.0.0.1:4444',
    );
    expect((await connector.kubeConfig('dev', cluster({ path: '~/.kube/config' }))).getCurrentContext()).toBe(
      'home',
    );
  });

  it('says clearly when the file, the context or the current-context is missing', async () => {
    const connector = new KubeconfigConnector({ env: { HOME: path.join(dir, 'nobody') } });
    const missing = path.join(dir, 'nope.yaml');
    await expect(connector.kubeConfig('dev', cluster({ path: missing }))).rejects.toThrow(
      new ConfigurationError(`cluster "dev": kubeconfig file ${missing} does not exist`),
    );
    await expect(
      connector.kubeConfig('dev', cluster({ path: kindFile, context: 'minikube' })),
    ).rejects.toThrow(/context "minikube" not found in .*kind\.yaml \(contexts: kind-aviary, k3d-aviary\)/);
    const noCurrent = kubeconfigFile('nocurrent.yaml', [
      { name: 'x', server: 'https://127.0.0.1:5555', token: 't' },
    ]);
    await expect(connector.kubeConfig('dev', cluster({ path: noCurrent }))).rejects.toThrow(
      /has no current-context; set "context"/,
    );
    await expect(connector.kubeConfig('dev', cluster())).rejects.toThrow(
      /no kubeconfig: set "path", KUBECONFIG, or create/,
    );
    const garbage = path.join(dir, 'garbage.yaml');
    writeFileSync(garbage, 'clusters: [unclosed');
    await expect(connector.kubeConfig('dev', cluster({ path: garbage }))).rejects.toThrow(
      /cannot read kubeconfig .*garbage\.yaml/,
    );
  });
});

describe('createClusterConnector', () => {
  it('dispatches on kind, and refuses "simulated" without a provider', async () => {
    const kc = await createClusterConnector().kubeConfig('dev', cluster({ path: kindFile }));
    expect(kc.getCurrentContext()).toBe('kind-aviary');
    await expect(
      createClusterConnector().kubeConfig('sim', ClusterSchema.parse({ kind: 'simulated' })),
    ).rejects.toThrow(/cluster "sim" is "simulated", which exists only under `npm start` and the tests/);
    const simulated = await new KubeconfigConnector({ env: {} }).kubeConfig(
      'dev',
      cluster({ path: kindFile, context: 'k3d-aviary' }),
    );
    const viaProvider = await createClusterConnector({ simulated: () => simulated }).kubeConfig(
      'sim',
      ClusterSchema.parse({ kind: 'simulated', timeoutMs: 1234 }),
    );
    // The provider's cluster, reached as a real one is: with the configured request timeout.
    expect(viaProvider.getCurrentContext()).toBe('k3d-aviary');
    expect(viaProvider.getCurrentCluster()).toEqual(simulated.getCurrentCluster());
    expect(viaProvider).toBeInstanceOf(TimeoutKubeConfig);
    expect((viaProvider as TimeoutKubeConfig).requestTimeoutMs).toBe(1234);
  });
});

describe('KubeconfigConnector against a Kubernetes API server (the one kubectl uses)', () => {
  it('lists namespaces through the context kubectl also reaches, and times out a slow server', async () => {
    const kube = await startKubeApiDouble();
    try {
      const file = path.join(dir, 'double.yaml');
      writeFileSync(file, `${kube.kubeconfig('kind-aviary').trimEnd()}\n`);
      const { stdout } = await run('kubectl', [
        '--kubeconfig',
        file,
        '--context',
        'kind-aviary',
        'get',
        'namespaces',
        '-o',
        'name',
      ]);
      expect(stdout.trim().split('\n')).toEqual(
        expect.arrayContaining(['namespace/default', 'namespace/kube-system']),
      );

      const connector = new KubeconfigConnector({ env: {} });
      const kc = await connector.kubeConfig('dev', cluster({ path: file, context: 'kind-aviary' }));
      const names = (await kc.makeApiClient(CoreV1Api).listNamespace()).items.map((n) => n.metadata?.name);
      expect(names).toEqual(expect.arrayContaining(['default', 'kube-system']));

      kube.injectFaults({ latencyMs: 10_000 });
      const impatient = await connector.kubeConfig(
        'dev',
        cluster({ path: file, context: 'kind-aviary', timeoutMs: 150 }),
      );
      await expect(impatient.makeApiClient(CoreV1Api).listNamespace()).rejects.toThrow(/abort/i);
    } finally {
      await kube.close();
    }
  });
});
