/** Objects the tests apply; each builder takes only what a test varies. */

export const trafficSplit = (
  name: string,
  namespace: string,
  backends: { service: string; weight: number | string }[],
  apiVersion = 'split.smi-spec.io/v1alpha2',
) => ({
  apiVersion,
  kind: 'TrafficSplit',
  metadata: { name, namespace },
  spec: { service: name, backends },
});

export const deployment = (name: string, namespace: string, image: string, replicas = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          { name: 'app', image, ports: [{ containerPort: 9898 }] },
          { name: 'sidecar', image: 'busybox:1.36' },
        ],
      },
    },
  },
});

export const httpRoute = (
  name: string,
  namespace: string,
  weights: { primary: number; canary: number },
  apiVersion = 'gateway.networking.k8s.io/v1',
) => ({
  apiVersion,
  kind: 'HTTPRoute',
  metadata: { name, namespace },
  spec: {
    parentRefs: [{ group: 'core', kind: 'Service', name, port: 9898 }],
    hostnames: [`${name}.example.com`],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
        filters: [
          {
            type: 'RequestHeaderModifier',
            requestHeaderModifier: { set: [{ name: 'x-canary', value: 'maybe' }] },
          },
        ],
        backendRefs: [
          { name: `${name}-primary`, port: 9898, weight: weights.primary },
          { name: `${name}-canary`, port: 9898, weight: weights.canary },
        ],
      },
    ],
  },
});
