import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config/config-errors.js';
import {
  defaultConfigPath,
  loadConfig,
  parseConfig,
  policyFor,
  resolveTarget,
  targetsForGithubEnvironment,
} from '../../lib/config/load-config.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.join(HERE, 'fixtures', 'two-clusters.yaml');

/** The smallest valid configuration, with room for one broken line in the target. */
const minimal = (targetExtra = '', policy = 'demo') => `
clusters:
  sim:
    kind: simulated
policies:
  ${policy}:
    stepWeights: [10, 50]
targets:
  podinfo:
    cluster: sim
    namespace: demo
    service: podinfo
    primary: { service: podinfo-primary, deployment: podinfo-primary }
    canary: { service: podinfo-canary, deployment: podinfo-canary }
    policy: demo
${targetExtra}`;

function problemsOf(text: string, file = 'aviary.config.yaml'): string[] {
  try {
    parseConfig(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const error = e as ConfigError;
    expect(error.file).toBe(file);
    // Every line of the message names the file.
    expect(error.message.split('\n').every((line) => line.startsWith(`${file}: `))).toBe(true);
    return error.message.split('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('parses a good configuration and fills in the defaults', () => {
    const config = parseConfig(minimal(), 'aviary.config.yaml');
    expect(config.clusters.sim).toEqual({
      kind: 'simulated',
      timeoutMs: 10_000,
      requestsPerSecond: 100,
      faultyErrorRate: 0.1,
      deploymentRolloutSeconds: 2,
      metricsShape: 'smi-metrics',
    });
    expect(config.tick).toEqual({ clusterConcurrency: 8, clusterBudgetMs: 20_000 });
    const target = config.targets.podinfo;
    expect(target?.router).toEqual({ kind: 'smi' });
    expect(target?.metrics).toEqual({ kind: 'smi' });
    expect(target?.approvers).toEqual([]);
    expect(target?.githubEnvironments).toEqual([]);
    const policy = config.policies.demo;
    expect(policy?.intervalSeconds).toBe(60);
    expect(policy?.checks).toEqual({ minSuccessRate: 99, maxP99LatencyMs: 500, minRequests: 20 });
    expect(policy?.approval).toEqual({ beforePromotion: true, beforeEachStep: false, timeoutSeconds: 3600 });
    expect(policy?.judge).toMatchObject({ kind: 'aviary', falseRollbackRate: 0.01 });
  });

  it('names the file and the field of an unknown cluster', () => {
    const text = minimal().replace('cluster: sim', 'cluster: prod');
    expect(problemsOf(text)).toEqual(['aviary.config.yaml: targets.podinfo.cluster: unknown cluster "prod"']);
  });

  it('names the file and the field of an unknown policy', () => {
    expect(problemsOf(minimal('', 'fast'))).toEqual([
      'aviary.config.yaml: targets.podinfo.policy: unknown policy "demo"',
    ]);
    const text = minimal().replace('policy: demo', 'policy: fast');
    expect(problemsOf(text, 'prod.yaml')).toEqual([
      'prod.yaml: targets.podinfo.policy: unknown policy "fast"',
    ]);
  });

  it('says which names must be DNS labels, for fields and for map keys', () => {
    const text = minimal()
      .replace('namespace: demo', 'namespace: Demo_NS')
      .replace('  podinfo:\n', '  PodInfo:\n');
    const problems = problemsOf(text);
    expect(problems).toEqual([
      'aviary.config.yaml: targets.PodInfo: invalid name: must be a DNS label: lowercase letters, digits and "-"',
    ]);
    expect(problemsOf(minimal().replace('namespace: demo', 'namespace: Demo_NS'))).toEqual([
      'aviary.config.yaml: targets.podinfo.namespace: must be a DNS label: lowercase letters, digits and "-"',
    ]);
  });

  it('reports every problem on its own line', () => {
    const text = `${minimal('    surprise: true\n    router: { kind: istio }\n').replace('stepWeights: [10, 50]', 'stepWeights: [50, 10]\n    intervalSeconds: -5')}tick:\n  clusterConcurrency: 0\n`;
    expect(problemsOf(text)).toEqual([
      'aviary.config.yaml: policies.demo.intervalSeconds: Too small: expected number to be >0',
      'aviary.config.yaml: policies.demo.stepWeights[1]: stepWeights must increase',
      'aviary.config.yaml: targets.podinfo.router.kind: must be one of "smi", "httproute"',
      'aviary.config.yaml: targets.podinfo.surprise: unknown field (allowed fields: cluster, namespace, service, primary, canary, router, metrics, policy, approvers, slackChannel, githubEnvironments, imageTemplate)',
      'aviary.config.yaml: tick.clusterConcurrency: Too small: expected number to be >0',
    ]);
  });

  it('says what is missing and what a kind may be', () => {
    const text = 'clusters:\n  sim: {}\n  eks1: { kind: eks, region: europe }\npolicies: {}\ntargets: {}\n';
    expect(problemsOf(text)).toEqual([
      'aviary.config.yaml: clusters.sim.kind: is required: one of "simulated", "kubeconfig", "eks"',
      'aviary.config.yaml: clusters.eks1.name: is required (string)',
      'aviary.config.yaml: clusters.eks1.region: must be an AWS region like us-east-1',
    ]);
    expect(problemsOf('clusters: {}\n')).toEqual([
      'aviary.config.yaml: policies: is required (record)',
      'aviary.config.yaml: targets: is required (record)',
    ]);
  });

  it('points at the line and column of a YAML syntax error', () => {
    const text = 'clusters:\n  sim:\n    kind: simulated\n   extra: [1, 2\npolicies: {}\n';
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^aviary\.config\.yaml: line 4, column \d+: /);
    expect(problemsOf('a: 1\na: 2\n')).toEqual([
      'aviary.config.yaml: line 2, column 1: Map keys must be unique',
    ]);
  });

  it('refuses an empty file and a file that is not a mapping', () => {
    expect(problemsOf('# nothing yet\n')).toEqual([
      'aviary.config.yaml: is empty: expected a mapping with clusters, policies and targets',
    ]);
    expect(problemsOf('- clusters\n')).toEqual([
      'aviary.config.yaml: Invalid input: expected object, received array',
    ]);
  });
});

describe('loadConfig', () => {
  const saved = process.env.AVIARY_CONFIG;
  afterEach(() => {
    if (saved === undefined) delete process.env.AVIARY_CONFIG;
    else process.env.AVIARY_CONFIG = saved;
  });

  it('reads a file', () => {
    const config = loadConfig(FIXTURE);
    expect(Object.keys(config.targets)).toEqual(['web', 'web-eu', 'api-eu']);
    expect(config.clusters['prod-eu']).toMatchObject({ kind: 'eks', region: 'eu-west-1', timeoutMs: 5000 });
  });

  it('reads the file AVIARY_CONFIG names, else the repository root file', () => {
    process.env.AVIARY_CONFIG = FIXTURE;
    expect(defaultConfigPath()).toBe(FIXTURE);
    expect(Object.keys(loadConfig().targets)).toEqual(['web', 'web-eu', 'api-eu']);
    delete process.env.AVIARY_CONFIG;
    expect(defaultConfigPath()).toBe(path.resolve(HERE, '..', '..', 'aviary.config.yaml'));
  });

  it('loads the shipped configuration by default', () => {
    delete process.env.AVIARY_CONFIG;
    const config = loadConfig();
    expect(resolveTarget(config, 'podinfo')).toMatchObject({ cluster: 'sim', namespace: 'demo' });
    expect(config.clusters.sim?.kind).toBe('simulated');
  });

  it('names the missing file', () => {
    const missing = path.join(HERE, 'fixtures', 'missing.yaml');
    expect(() => loadConfig(missing)).toThrow(ConfigError);
    expect(() => loadConfig(missing)).toThrow(/missing\.yaml: cannot read the file: ENOENT/);
  });
});

describe('target lookups', () => {
  const config = loadConfig(FIXTURE);

  it('resolves a target with its name, and nothing for unknown names', () => {
    expect(resolveTarget(config, 'web-eu')).toMatchObject({
      name: 'web-eu',
      cluster: 'prod-eu',
      router: { kind: 'httproute', apiVersion: 'v1' },
      approvers: ['U024BE7LH', 'W012A3CDE'],
    });
    expect(resolveTarget(config, 'nope')).toBeNull();
    // Names of Object.prototype are not targets.
    expect(resolveTarget(config, 'constructor')).toBeNull();
  });

  it('gives the policy a target names, the default one when it names none', () => {
    expect(policyFor(config, 'web-eu').stepWeights).toEqual([5, 10, 25, 50]);
    expect(policyFor(config, 'web-eu').judge).toEqual({
      kind: 'argo',
      failureLimit: 1,
      inconclusiveLimit: 0,
      consecutiveErrorLimit: 4,
    });
    expect(policyFor(config, 'web')).toMatchObject({ stepWeight: 10, maxWeight: 50 });
    expect(() => policyFor(config, 'nope')).toThrow('unknown target "nope"');
  });

  it('maps a GitHub environment to its targets', () => {
    expect(targetsForGithubEnvironment(config, 'production').map((t) => t.name)).toEqual([
      'web-eu',
      'api-eu',
    ]);
    expect(targetsForGithubEnvironment(config, 'preview').map((t) => t.name)).toEqual(['web']);
    expect(targetsForGithubEnvironment(config, 'qa')).toEqual([]);
  });
});
