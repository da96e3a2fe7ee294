import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parseDocument } from 'yaml';
import { rbacManifests } from '../../lib/config/rbac-manifests.js';
import { e2eConfig } from '../e2e/stack.js';

const infra = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'infra');
const file = path.join(infra, 'kubernetes', 'rbac.yaml');

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
interface RbacObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: { apiGroup?: string; kind: string; name: string; namespace?: string }[];
}

const docs = parseAllDocuments(readFileSync(file, 'utf8'));
const objects = docs.map((d) => {
  if (d.errors.length > 0) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
  return d.toJS() as RbacObject;
});

/** Every (role, group, resource, verb, name) a rule grants, one string each: easy to compare as a set. */
function grants(): string[] {
  const out: string[] = [];
  for (const o of objects) {
    if (o.kind !== 'ClusterRole' && o.kind !== 'Role') continue;
    for (const rule of o.rules ?? []) {
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs ?? []) {
            for (const name of rule.resourceNames ?? ['(any)']) {
              out.push(`${o.kind}/${o.metadata.name}: ${group || 'core'} ${resource} ${verb} ${name}`);
            }
          }
        }
      }
    }
  }
  return out.sort();
}

describe('infra/kubernetes/rbac.yaml', () => {
  it('contains only RBAC objects: a ClusterRole and a Role, each bound to the group "aviary"', () => {
    expect(
      objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`),
    ).toEqual([
      'rbac.authorization.k8s.io/v1 ClusterRole -/aviary',
      'rbac.authorization.k8s.io/v1 ClusterRoleBinding -/aviary',
      'rbac.authorization.k8s.io/v1 Role linkerd-viz/aviary-prometheus-proxy',
      'rbac.authorization.k8s.io/v1 RoleBinding linkerd-viz/aviary-prometheus-proxy',
    ]);
    const roles = new Map(
      objects
        .filter((o) => o.rules)
        .map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]),
    );
    for (const binding of objects.filter((o) => o.kind.endsWith('Binding'))) {
      expect(binding.subjects).toEqual([
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'aviary' },
      ]);
      const ref = binding.roleRef;
      expect(ref?.apiGroup).toBe('rbac.authorization.k8s.io');
      // A RoleBinding points at a Role of its own namespace; a ClusterRoleBinding at a ClusterRole.
      const key = `${ref?.kind}/${ref?.kind === 'Role' ? binding.metadata.namespace : ''}/${ref?.name}`;
      expect(roles.has(key), `${binding.metadata.name} -> ${key}`).toBe(true);
      expect(binding.kind).toBe(ref?.kind === 'Role' ? 'RoleBinding' : 'ClusterRoleBinding');
    }
  });

  it('grants exactly what Aviary calls, and nothing else', () => {
    expect(grants()).toEqual(
      [
        'ClusterRole/aviary: split.smi-spec.io trafficsplits get (any)',
        'ClusterRole/aviary: split.smi-spec.io trafficsplits list (any)',
        'ClusterRole/aviary: split.smi-spec.io trafficsplits patch (any)',
        'ClusterRole/aviary: gateway.networking.k8s.io httproutes get (any)',
        'ClusterRole/aviary: gateway.networking.k8s.io httproutes list (any)',
        'ClusterRole/aviary: gateway.networking.k8s.io httproutes patch (any)',
        'ClusterRole/aviary: apps deployments get (any)',
        'ClusterRole/aviary: apps deployments patch (any)',
        'ClusterRole/aviary: apps deployments/scale get (any)',
        'ClusterRole/aviary: apps deployments/scale patch (any)',
        'ClusterRole/aviary: metrics.smi-spec.io deployments get (any)',
        'ClusterRole/aviary: metrics.smi-spec.io deployments/edges get (any)',
        'Role/aviary-prometheus-proxy: core services/proxy get prometheus:9090',
      ].sort(),
    );
  });

  it('has no wildcards, no write verbs beyond patch, no secrets and no non-resource URLs', () => {
    const rules = objects.flatMap((o) => o.rules ?? []);
    const everything = rules.flatMap((r) => [
      ...(r.apiGroups ?? []),
      ...(r.resources ?? []),
      ...(r.verbs ?? []),
      ...(r.resourceNames ?? []),
    ]);
    expect(everything.filter((v) => v.includes('*'))).toEqual([]);
    const verbs = new Set(rules.flatMap((r) => r.verbs ?? []));
    for (const forbidden of [
      'create',
      'update',
      'delete',
      'deletecollection',
      'watch',
      'escalate',
      'bind',
      'impersonate',
    ]) {
      expect(verbs.has(forbidden), forbidden).toBe(false);
    }
    expect(rules.flatMap((r) => r.resources ?? []).some((r) => r.startsWith('secrets'))).toBe(false);
    expect(rules.some((r) => r.nonResourceURLs !== undefined)).toBe(false);
    // Every services/proxy grant is pinned to named services.
    for (const r of rules.filter((rule) => rule.resources?.includes('services/proxy'))) {
      expect(r.resourceNames?.length ?? 0).toBeGreaterThan(0);
    }
  });
});

/** A serverless parameter falling back to serverless.yml's default for it. */
const orDefault = (name: string) => `\${param:${name}, self:custom.clusterAccess.${name}}`;

/** A serverless variable with a default, as written in the infra files. */
const param = (name: string, fallback: string) => `\${param:${name}, '${fallback}'}`;

describe('infra/iam.yml and infra/eks-access-entry.yml', () => {
  const iam = parseDocument(readFileSync(path.join(infra, 'iam.yml'), 'utf8')).toJS() as {
    Statements: { Sid: string; Effect: string; Action: string[]; Resource: string }[];
  };
  const accessEntry = parseDocument(
    readFileSync(path.join(infra, 'eks-access-entry.yml'), 'utf8'),
  ).toJS() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };

  it('allows exactly DescribeCluster, AssumeRole and QueryMetrics, each on parameterised resources', () => {
    expect(Object.keys(iam)).toEqual(['Statements']);
    expect(iam.Statements.map((s) => [s.Effect, s.Action])).toEqual([
      ['Allow', ['eks:DescribeCluster']],
      ['Allow', ['sts:AssumeRole']],
      ['Allow', ['aps:QueryMetrics']],
    ]);
    // Without a parameter, the defaults are in the stack's own account and region (serverless.yml
    // `custom.clusterAccess`; the packaged template's ARNs are checked in serverless-package.test.ts).
    expect(iam.Statements.map((s) => s.Resource)).toEqual([
      orDefault('eksClusterArns'),
      orDefault('clusterRoleArns'),
      orDefault('ampWorkspaceArns'),
    ]);
  });

  it("maps the cluster worker's role to the Kubernetes group the RBAC binds, with no AWS access policy", () => {
    expect(Object.keys(accessEntry)).toEqual(['Resources']);
    const entries = Object.values(accessEntry.Resources);
    expect(entries.map((r) => r.Type)).toEqual(['AWS::EKS::AccessEntry']);
    const props = entries[0]?.Properties ?? {};
    expect(props).toEqual({
      ClusterName: param('eksClusterName', 'aviary-demo'),
      PrincipalArn: { 'Fn::GetAtt': ['ClusterWorkerRole', 'Arn'] },
      Type: 'STANDARD',
      KubernetesGroups: ['aviary'],
    });
    const boundGroups = objects.flatMap((o) => o.subjects ?? []).map((s) => s.name);
    expect(new Set(boundGroups)).toEqual(new Set(props.KubernetesGroups as string[]));
  });
});

describe('aviary rbac: namespaced RBAC generated from the configured targets', () => {
  const config = e2eConfig({
    targets: {
      podinfo: {
        cluster: 'sim',
        namespace: 'shop',
        service: 'podinfo',
        primary: { service: 'podinfo-primary', deployment: 'podinfo-primary' },
        canary: { service: 'podinfo-canary', deployment: 'podinfo-canary' },
        policy: 'fast',
      },
      checkout: {
        cluster: 'sim',
        namespace: 'pay',
        service: 'checkout',
        primary: { service: 'checkout-primary', deployment: 'checkout-primary' },
        canary: { service: 'checkout-canary', deployment: 'checkout-canary' },
        router: { kind: 'httproute' },
        metrics: {
          kind: 'prometheus',
          serviceProxy: { namespace: 'linkerd-viz', service: 'prometheus', port: 9090 },
        },
        policy: 'fast',
      },
      elsewhere: {
        cluster: 'edge',
        namespace: 'other',
        service: 'elsewhere',
        primary: { service: 'elsewhere-primary', deployment: 'elsewhere-primary' },
        canary: { service: 'elsewhere-canary', deployment: 'elsewhere-canary' },
        policy: 'fast',
      },
    },
  });
  const sim = rbacManifests(config, 'sim');

  it('grants nothing cluster-wide but discovery, and binds every role to the group aviary', () => {
    const clusterWide = sim.filter((o) => o.kind === 'ClusterRole');
    expect(clusterWide).toHaveLength(1);
    for (const rule of clusterWide[0]?.rules ?? []) {
      expect(rule.resources ?? []).toEqual([]);
      expect(rule.verbs).toEqual(['get']);
      expect(rule.nonResourceURLs?.length).toBeGreaterThan(0);
    }
    for (const o of sim.filter((x) => x.kind.endsWith('Binding'))) {
      expect(o.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'aviary' }]);
    }
  });

  it("writes only the cluster's target namespaces, and only the targets' own objects", () => {
    expect(
      sim.filter((o) => o.kind === 'Role').map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
    ).toEqual(['pay/aviary', 'shop/aviary', 'linkerd-viz/aviary-prometheus-proxy']);
    const shop = sim.find((o) => o.kind === 'Role' && o.metadata.namespace === 'shop');
    const writes = (shop?.rules ?? []).filter((r) => r.verbs.includes('patch'));
    expect(writes.map((r) => [r.resources, r.resourceNames])).toEqual([
      [['trafficsplits'], ['podinfo']],
      [
        ['deployments', 'deployments/scale'],
        ['podinfo-primary', 'podinfo-canary'],
      ],
    ]);
    // Every write names its objects: no patch on "any Deployment".
    for (const role of sim.filter((o) => o.kind === 'Role'))
      for (const rule of role.rules ?? [])
        if (rule.verbs.some((v) => v !== 'get' && v !== 'list'))
          expect(rule.resourceNames?.length).toBeGreaterThan(0);
    expect(JSON.stringify(sim)).not.toContain('elsewhere');
    expect(JSON.stringify(rbacManifests(config, 'edge'))).toContain('other');
  });

  it('grants no more than the reference rbac.yaml does', () => {
    const reference = new Set(grants().map((g) => g.replace(/^[^:]+: /, '').replace(/ \S+$/, '')));
    for (const role of sim.filter((o) => o.kind === 'Role'))
      for (const rule of role.rules ?? [])
        for (const group of rule.apiGroups ?? [])
          for (const resource of rule.resources ?? [])
            for (const verb of rule.verbs)
              expect(reference).toContain(`${group || 'core'} ${resource} ${verb}`);
  });
});
