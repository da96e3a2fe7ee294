import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { createServerTls } from '../tls/index.js';
import { type DeploymentBehaviour, DeploymentController } from './deployment-controller.js';
import { type FaultPolicy, type FaultSettings, Faults } from './faults.js';
import { isPlainObject, type KubeObject } from './kube-object.js';
import { renderKubeconfig } from './kubeconfig.js';
import { MetricsApi } from './metrics-api.js';
import { ObjectStore } from './object-store.js';
import { type KubeApiDoubleOptions, parseKubeApiDoubleOptions } from './options.js';
import type { RecordedRequest } from './request-log.js';
import { routeRequest } from './request-router.js';
import { ResourceCatalog } from './resource-catalog.js';
import type { ResourceDefinition } from './resource-definition.js';
import { ResourceOperations } from './resource-operations.js';
import { deploymentDefinition } from './resources/deployment.js';
import { httpRouteDefinition } from './resources/http-route.js';
import { namespaceDefinition } from './resources/namespace.js';
import { serviceDefinition } from './resources/service.js';
import { trafficSplitDefinition } from './resources/traffic-split.js';
import { ScaleSubresource } from './scale-subresource.js';
import { type ProxyHandler, type ServicePortRef, ServiceProxy } from './service-proxy.js';
import type { MetricsProvider } from './traffic-metrics.js';

/** A running Kubernetes API double: HTTPS on 127.0.0.1, its CA, its token, and an in-process object API. */
export interface KubeApiDouble {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  /** PEM of the CA that signed the server certificate (SANs: IP 127.0.0.1, DNS localhost). */
  readonly caPem: string;
  readonly token: string;
  /** Every HTTP request answered so far, oldest first. */
  readonly requests: RecordedRequest[];
  /** Kubeconfig YAML: this server with its CA embedded, the bearer token, one context made current. */
  kubeconfig(contextName?: string): string;
  writeKubeconfig(path: string, contextName?: string): void;
  /** A @kubernetes/client-node KubeConfig loaded from `kubeconfig()`. */
  kubeConfig(contextName?: string): KubeConfig;
  close(): Promise<void>;
  /** Creates or replaces any served object, bypassing authentication and preconditions; returns it as stored. */
  apply(object: KubeObject | Record<string, unknown>): KubeObject;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  setMetricsProvider(provider: MetricsProvider): void;
  setServiceProxy(namespace: string, service: string, port: string | number, handler: ProxyHandler): void;
  setDeploymentBehaviour(namespace: string, name: string, behaviour: DeploymentBehaviour): void;
  /** Replaces the faults in force; `injectFaults({})` clears them. */
  injectFaults(faults: FaultSettings): void;
  /** Decides a fault for each request (after authentication), or none; `null` removes the policy. */
  setFaultPolicy(policy: FaultPolicy | null): void;
  /** Watches streaming now: a client hanging up, `timeoutSeconds` or an ERROR event ends one. */
  openWatches(): number;
  /** TLS connections accepted so far (each one a handshake): how a test sees whether clients reuse them. */
  tlsConnections(): number;
}

const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];

export async function startKubeApiDouble(options: KubeApiDoubleOptions = {}): Promise<KubeApiDouble> {
  const settings = parseKubeApiDoubleOptions(options);
  const token = settings.token ?? randomBytes(24).toString('base64url');
  const tls = await createServerTls({ ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'] });

  const catalog = new ResourceCatalog([
    namespaceDefinition(),
    serviceDefinition(),
    deploymentDefinition(),
    trafficSplitDefinition(settings.servedSplitVersions),
    httpRouteDefinition(settings.servedHttpRouteVersions),
  ]);
  const store = new ObjectStore(settings.watchHistory);
  const controller = new DeploymentController(store, settings.deploymentRolloutMs);
  const operations = new ResourceOperations(store, catalog, [controller]);
  const lookup = (apiVersion: string, kind: string): { definition: ResourceDefinition; version: string } => {
    const found = catalog.byKind(apiVersion, kind);
    if (found === undefined)
      throw new Error(`${kind} in ${apiVersion} is not served by the Kubernetes API double`);
    return found;
  };
  const deployments = lookup('apps/v1', 'Deployment');
  const services = lookup('v1', 'Service');
  const metrics = new MetricsApi(settings.metricsShape, (namespace) =>
    operations.items(deployments.definition, 'v1', namespace).map((d) => d.metadata.name ?? ''),
  );
  const proxy = new ServiceProxy((namespace, service): ServicePortRef[] => {
    const found = operations.find(services.definition, 'v1', namespace, service);
    return ((found?.spec as { ports?: ServicePortRef[] } | undefined)?.ports ?? []).map((p) => ({
      name: p.name,
      port: p.port,
    }));
  });
  const scale = new ScaleSubresource(operations);
  const faults = new Faults();
  const requests: RecordedRequest[] = [];
  for (const name of INITIAL_NAMESPACES)
    operations.put(lookup('v1', 'Namespace').definition, 'v1', '', { metadata: { name } });

  let address = '';
  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    void routeRequest(
      {
        token,
        catalog,
        store,
        operations,
        scale,
        metrics,
        proxy,
        faults,
        requests,
        serverAddress: () => address,
      },
      req,
      res,
    );
  });
  // A client that hangs up mid-request is not the server's problem.
  server.on('clientError', (_error, socket) => socket.destroy());
  // Idle keep-alive connections are closed after 90 s, as kube-apiserver's http.Server does (IdleTimeout in
  // k8s.io/apiserver/pkg/server/secure_serving.go), not after Node's 5 s default.
  server.keepAliveTimeout = 90_000;
  let tlsConnections = 0;
  server.on('secureConnection', () => {
    tlsConnections++;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `https://${address}`;
  const kubeconfig = (contextName = 'aviary-sim'): string =>
    renderKubeconfig({ server: url, caPem: tls.caPem, token, contextName });

  return {
    url,
    caPem: tls.caPem,
    token,
    requests,
    kubeconfig,
    writeKubeconfig: (path, contextName) => writeFileSync(path, kubeconfig(contextName), { mode: 0o600 }),
    kubeConfig: (contextName) => {
      const config = new KubeConfig();
      config.loadFromString(kubeconfig(contextName));
      return config;
    },
    close: async () => {
      controller.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    apply: (object) => {
      if (
        !isPlainObject(object) ||
        typeof object.apiVersion !== 'string' ||
        typeof object.kind !== 'string'
      ) {
        throw new Error('apply needs an object with string apiVersion and kind');
      }
      const { definition, version } = lookup(object.apiVersion, object.kind);
      const metadata = isPlainObject(object.metadata) ? object.metadata : {};
      const namespace = definition.namespaced ? String(metadata.namespace ?? '') || 'default' : '';
      return operations.put(definition, version, namespace, { ...object, metadata } as KubeObject);
    },
    get: (apiVersion, kind, namespace, name) => {
      const { definition, version } = lookup(apiVersion, kind);
      return operations.find(
        definition,
        version,
        definition.namespaced ? (namespace ?? 'default') : '',
        name,
      );
    },
    list: (apiVersion, kind, namespace) => {
      const { definition, version } = lookup(apiVersion, kind);
      return operations.items(definition, version, definition.namespaced ? namespace : undefined);
    },
    setMetricsProvider: (provider) => metrics.setProvider(provider),
    setServiceProxy: (namespace, service, port, handler) => proxy.set(namespace, service, port, handler),
    setDeploymentBehaviour: (namespace, name, behaviour) =>
      controller.setBehaviour(namespace, name, behaviour),
    injectFaults: (settings) => faults.set(settings),
    setFaultPolicy: (policy) => {
      faults.policy = policy;
    },
    openWatches: () => store.events.subscriberCount,
    tlsConnections: () => tlsConnections,
  };
}
