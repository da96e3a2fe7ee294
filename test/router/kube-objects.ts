/** Objects the tests put into the Kubernetes API double: the `web` target of targets.ts in namespace `prod`. */

export const NAMESPACE = 'prod';

export const namespaceObject = (name = NAMESPACE) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
});

export function trafficSplitObject(
  version: string,
  weights: [primary: unknown, canary: unknown],
  options: { name?: string; metadata?: Record<string, unknown>; backends?: unknown[]; service?: string } = {},
) {
  return {
    apiVersion: `split.smi-spec.io/${version}`,
    kind: 'TrafficSplit',
    metadata: { name: options.name ?? 'web', namespace: NAMESPACE, ...options.metadata },
    spec: {
      service: options.service ?? 'web',
      backends: options.backends ?? [
        { service: 'web-primary', weight: weights[0] },
        { service: 'web-canary', weight: weights[1] },
      ],
    },
  };
}

export function httpRouteObject(
  version: string,
  rules: unknown[],
  options: { name?: string; metadata?: Record<string, unknown>; parentRefs?: unknown[] } = {},
) {
  return {
    apiVersion: `gateway.networking.k8s.io/${version}`,
    kind: 'HTTPRoute',
    metadata: { name: options.name ?? 'web', namespace: NAMESPACE, ...options.metadata },
    spec: {
      parentRefs: options.parentRefs ?? [{ group: 'core', kind: 'Service', name: 'web', port: 80 }],
      rules,
    },
  };
}

export function deploymentObject(
  name: string,
  options: {
    image?: string;
    replicas?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    podSpec?: Record<string, unknown>;
    metadata?: Record<string, unknown>;
  } = {},
) {
  const labels = options.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE, ...options.metadata },
    spec: {
      replicas: options.replicas ?? 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, ...(options.annotations ? { annotations: options.annotations } : {}) },
        spec: options.podSpec ?? {
          containers: [{ name: 'app', image: options.image ?? 'registry.example/web:1.0.0' }],
        },
      },
    },
  };
}
