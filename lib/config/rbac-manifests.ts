import type { AviaryConfig } from '../model/config.js';

/** The Kubernetes group Aviary's identity is mapped to (EKS access entry, or the kubeconfig user's groups). */
export const AVIARY_GROUP = 'aviary';

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
export interface RbacObject {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'Role' | 'RoleBinding' | 'ClusterRole' | 'ClusterRoleBinding';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  rules?: Rule[];
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: { apiGroup: string; kind: string; name: string }[];
}

const LABELS = { 'app.kubernetes.io/name': 'aviary' };
const RBAC = 'rbac.authorization.k8s.io/v1' as const;

/**
 * The RBAC objects one cluster needs for the targets configured on it, and nothing more: in each target
 * namespace, get/patch on exactly the target's two Deployments and its TrafficSplit or HTTPRoute (list on the
 * route kind, to find conflicting routes), SMI metrics of those Deployments; a Role for the Prometheus service
 * proxy where a target reads metrics that way. Cluster-wide, only API discovery (non-resource URLs).
 */
export function rbacManifests(config: AviaryConfig, cluster: string): RbacObject[] {
  const targets = Object.entries(config.targets).filter(([, t]) => t.cluster === cluster);
  const objects: RbacObject[] = [
    {
      apiVersion: RBAC,
      kind: 'ClusterRole',
      metadata: { name: 'aviary-discovery', labels: LABELS },
      rules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/version'] }],
    },
    binding('ClusterRoleBinding', 'aviary-discovery', undefined, 'ClusterRole'),
  ];
  const byNamespace = new Map<string, Rule[]>();
  const proxies = new Map<string, Set<string>>();
  for (const [, t] of targets) {
    const rules = byNamespace.get(t.namespace) ?? [];
    const route =
      t.router.kind === 'smi'
        ? { group: 'split.smi-spec.io', resource: 'trafficsplits' }
        : { group: 'gateway.networking.k8s.io', resource: 'httproutes' };
    const routeName = t.router.name ?? t.service;
    const deployments = [t.primary.deployment, t.canary.deployment];
    rules.push(
      {
        apiGroups: [route.group],
        resources: [route.resource],
        verbs: ['get', 'patch'],
        resourceNames: [routeName],
      },
      { apiGroups: [route.group], resources: [route.resource], verbs: ['list'] },
      {
        apiGroups: ['apps'],
        resources: ['deployments', 'deployments/scale'],
        verbs: ['get', 'patch'],
        resourceNames: [...deployments],
      },
    );
    if (t.metrics.kind === 'smi') {
      rules.push({
        apiGroups: ['metrics.smi-spec.io'],
        resources: ['deployments', 'deployments/edges'],
        verbs: ['get'],
        resourceNames: [...deployments],
      });
    } else if (t.metrics.serviceProxy) {
      const { namespace, service, port } = t.metrics.serviceProxy;
      const names = proxies.get(namespace) ?? new Set<string>();
      names.add(`${service}:${port}`);
      proxies.set(namespace, names);
    }
    byNamespace.set(t.namespace, rules);
  }
  for (const [namespace, rules] of [...byNamespace].sort(([a], [b]) => a.localeCompare(b))) {
    objects.push(
      { apiVersion: RBAC, kind: 'Role', metadata: { name: 'aviary', namespace, labels: LABELS }, rules },
      binding('RoleBinding', 'aviary', namespace, 'Role'),
    );
  }
  for (const [namespace, names] of [...proxies].sort(([a], [b]) => a.localeCompare(b))) {
    objects.push(
      {
        apiVersion: RBAC,
        kind: 'Role',
        metadata: { name: 'aviary-prometheus-proxy', namespace, labels: LABELS },
        rules: [
          {
            apiGroups: [''],
            resources: ['services/proxy'],
            verbs: ['get'],
            resourceNames: [...names].sort(),
          },
        ],
      },
      binding('RoleBinding', 'aviary-prometheus-proxy', namespace, 'Role'),
    );
  }
  return objects;
}

function binding(
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  namespace: string | undefined,
  roleKind: 'Role' | 'ClusterRole',
): RbacObject {
  return {
    apiVersion: RBAC,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), labels: LABELS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: AVIARY_GROUP }],
  };
}
