import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeApiDouble, type ProxyRequest, startKubeApiDouble } from '../../lib/sim/kube-api/index.js';
import { apiError } from './api-exception.js';
import { rawRequest } from './raw-https.js';

describe('service proxy', () => {
  let double: KubeApiDouble;
  let core: CoreV1Api;
  const seen: ProxyRequest[] = [];

  beforeAll(async () => {
    double = await startKubeApiDouble();
    core = double.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedService({
      namespace: 'monitoring',
      body: {
        metadata: { name: 'prometheus' },
        spec: { selector: { app: 'prometheus' }, ports: [{ name: 'web', port: 9090 }] },
      },
    });
    double.setServiceProxy('monitoring', 'prometheus', 9090, async (request) => {
      seen.push(request);
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [] },
          echo: request.query.get('query'),
        }),
      };
    });
  });
  afterAll(async () => {
    await double.close();
  });

  it('hands the path below the service, the query and the body to the handler, without credentials', async () => {
    const answer = await rawRequest(
      double,
      `/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query?${new URLSearchParams({ query: 'sum(rate(x[1m]))', time: '1700000000' })}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.json()).toMatchObject({ status: 'success', echo: 'sum(rate(x[1m]))' });
    const request = seen.at(-1);
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe('/api/v1/query');
    expect(request?.query.get('time')).toBe('1700000000');
    expect(request?.headers.authorization).toBeUndefined();

    await rawRequest(double, '/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=up',
    });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/query', body: 'query=up' });
  });

  it('works through CoreV1Api, by port name and with a scheme prefix', async () => {
    const viaClient = await core.connectGetNamespacedServiceProxyWithPath({
      namespace: 'monitoring',
      name: 'prometheus:web',
      path: 'api/v1/query',
    });
    // The generated client parses a JSON answer although its declared type is string.
    expect(viaClient as unknown).toMatchObject({ status: 'success' });
    expect(seen.at(-1)?.path).toBe('/api/v1/query');

    const withScheme = await rawRequest(
      double,
      '/api/v1/namespaces/monitoring/services/http:prometheus:9090/proxy/-/healthy',
    );
    expect(withScheme.status).toBe(200);
    expect(seen.at(-1)?.path).toBe('/-/healthy');
  });

  it('answers 404 Status when nothing serves the service or port, and 401 without a token', async () => {
    const missing = await apiError(
      core.connectGetNamespacedServiceProxyWithPath({
        namespace: 'monitoring',
        name: 'grafana:3000',
        path: 'api',
      }),
    );
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'services "grafana" not found',
    });
    const wrongPort = await rawRequest(
      double,
      '/api/v1/namespaces/monitoring/services/prometheus:9091/proxy/api/v1/query',
    );
    expect(wrongPort.status).toBe(404);
    const anonymous = await rawRequest(
      double,
      '/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query',
      { token: null },
    );
    expect(anonymous.status).toBe(401);
  });

  it('turns a failing handler into a 503 Status', async () => {
    double.setServiceProxy('monitoring', 'broken', 80, async () => {
      throw new Error('connection refused');
    });
    const answer = await rawRequest(double, '/api/v1/namespaces/monitoring/services/broken:80/proxy/');
    expect(answer.status).toBe(503);
    expect(answer.json()).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable' });
    expect(answer.json<{ message: string }>().message).toContain('connection refused');
  });

  it('serves Service objects with allocated cluster IPs and defaulted ports', async () => {
    const service = await core.readNamespacedService({ namespace: 'monitoring', name: 'prometheus' });
    expect(service.spec?.type).toBe('ClusterIP');
    expect(service.spec?.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(service.spec?.ports?.[0]).toMatchObject({
      name: 'web',
      port: 9090,
      protocol: 'TCP',
      targetPort: 9090,
    });
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual([
      'default',
      'kube-public',
      'kube-system',
      'monitoring',
    ]);
    const monitoring = await core.readNamespace({ name: 'monitoring' });
    expect(monitoring.status?.phase).toBe('Active');
  });
});
