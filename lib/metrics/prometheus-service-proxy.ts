import http, { type RequestOptions } from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { ConfigurationError } from '../errors.js';
import {
  formatTime,
  type PrometheusHttpResponse,
  type PrometheusTransport,
  unreachable,
} from './prometheus-transport.js';

export interface ServiceProxyTarget {
  namespace: string;
  service: string;
  port: string | number;
}

/**
 * Prometheus reached through the Kubernetes API server's service proxy
 * (`/api/v1/namespaces/{ns}/services/{svc}:{port}/proxy/api/v1/query`), with the KubeConfig's server, CA and
 * credentials: no extra network path or secret. GET only, so the RBAC grant is `get` on `services/proxy`.
 */
export function serviceProxyTransport(
  kubeConfig: KubeConfig,
  target: ServiceProxyTarget,
): PrometheusTransport {
  return async (query, time, signal) => {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster)
      throw new ConfigurationError('prometheus service proxy: the KubeConfig has no current cluster');
    const base = cluster.server.replace(/\/+$/, '');
    const path =
      `/api/v1/namespaces/${encodeURIComponent(target.namespace)}` +
      `/services/${encodeURIComponent(target.service)}:${encodeURIComponent(String(target.port))}` +
      '/proxy/api/v1/query';
    const url = new URL(`${base}${path}?${new URLSearchParams({ query, time: formatTime(time) })}`);
    const what = `prometheus via service proxy ${target.namespace}/${target.service}:${target.port}`;

    const options: https.RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
    try {
      await kubeConfig.applyToHTTPSOptions(options);
      return await get(url, { ...options, signal });
    } catch (error) {
      throw unreachable(what, error, signal);
    }
  };
}

function get(url: URL, options: RequestOptions): Promise<PrometheusHttpResponse> {
  const request = url.protocol === 'http:' ? http.request : https.request;
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
