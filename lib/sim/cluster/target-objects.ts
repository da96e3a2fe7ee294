import type { ResolvedTarget } from '../../model/config.js';

/** The image a freshly seeded primary runs; the demo and the tests deploy newer tags of it. */
export const SEED_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.5.0';

type KubeManifest = Record<string, unknown>;

/**
 * The objects a target needs before Aviary can roll anything out, as a platform team would have applied them:
 * the namespace, the apex service and its two backends, the primary Deployment serving all traffic, a canary
 * Deployment scaled to zero, and the TrafficSplit or HTTPRoute sending 100% to the primary.
 */
export function targetObjects(
  target: ResolvedTarget,
  options: { primaryReplicas?: number } = {},
): KubeManifest[] {
  const ns = target.namespace;
  const app = target.service;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    service(ns, target.service, { app }),
    service(ns, target.primary.service, { app: target.primary.deployment }),
    service(ns, target.canary.service, { app: target.canary.deployment }),
    deployment(ns, target.primary.deployment, options.primaryReplicas ?? 2),
    deployment(ns, target.canary.deployment, 0),
    routeObject(target),
  ];
}

function service(namespace: string, name: string, selector: Record<string, string>): KubeManifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector, ports: [{ name: 'http', port: 9898, targetPort: 9898, protocol: 'TCP' }] },
  };
}

function deployment(namespace: string, name: string, replicas: number): KubeManifest {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: { 'linkerd.io/inject': 'enabled' } },
        spec: {
          containers: [
            {
              name: 'podinfod',
              image: SEED_IMAGE,
              ports: [{ name: 'http', containerPort: 9898, protocol: 'TCP' }],
            },
          ],
        },
      },
    },
  };
}

function routeObject(target: ResolvedTarget): KubeManifest {
  const name = target.router.name ?? target.service;
  const metadata = { name, namespace: target.namespace };
  if (target.router.kind === 'httproute') {
    return {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata,
      spec: {
        parentRefs: [{ group: 'core', kind: 'Service', name: target.service, port: 9898 }],
        rules: [
          {
            backendRefs: [
              { name: target.primary.service, port: 9898, weight: 100 },
              { name: target.canary.service, port: 9898, weight: 0 },
            ],
          },
        ],
      },
    };
  }
  return {
    apiVersion: 'split.smi-spec.io/v1alpha2',
    kind: 'TrafficSplit',
    metadata,
    spec: {
      service: target.service,
      backends: [
        { service: target.primary.service, weight: 100 },
        { service: target.canary.service, weight: 0 },
      ],
    },
  };
}
