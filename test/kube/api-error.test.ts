import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimeoutKubeConfig } from '../../lib/cluster/request-timeout.js';
import { ConfigurationError, ConflictError, NotFoundError, UnavailableError } from '../../lib/errors.js';
import { callKube, statusMessage, toKubeError } from '../../lib/kube/api-error.js';
import { getJson } from '../../lib/kube/get-json.js';

const status = (code: number, reason: string, message: string): string =>
  JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });

const apiException = (code: number, body: unknown): ApiException<unknown> =>
  new ApiException(code, 'Unknown API Status Code!', body, {});

describe('toKubeError', () => {
  it('maps 404 to NotFoundError with the Status message', () => {
    const error = toKubeError(
      apiException(404, status(404, 'NotFound', 'trafficsplits.split.smi-spec.io "web" not found')),
      'get TrafficSplit prod/web',
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('get TrafficSplit prod/web: trafficsplits.split.smi-spec.io "web" not found');
  });

  it('maps 409 to ConflictError', () => {
    const message =
      'Operation cannot be fulfilled on trafficsplits.split.smi-spec.io "web": the object has been modified';
    const error = toKubeError(
      apiException(409, status(409, 'Conflict', message)),
      'patch TrafficSplit prod/web',
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain('the object has been modified');
  });

  it.each([500, 502, 503, 504, 429])('maps %i to UnavailableError', (code) => {
    const error = toKubeError(
      apiException(code, status(code, 'InternalError', 'etcd is sad')),
      'get Deployment prod/web',
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toBe(`get Deployment prod/web: HTTP ${code}: etcd is sad`);
  });

  it('keeps the Status message of other codes in a plain Error', () => {
    const message = 'deployments.apps "web" is forbidden: User "aviary" cannot patch resource "deployments"';
    const error = toKubeError(
      apiException(403, status(403, 'Forbidden', message)),
      'patch Deployment prod/web',
    );
    expect(error.constructor).toBe(Error);
    expect(error.message).toBe(`patch Deployment prod/web: HTTP 403: ${message}`);
  });

  it('copes with bodies that are not a Status, or no body at all', () => {
    expect(toKubeError(apiException(500, 'no metrics for this window\n'), 'x').message).toBe(
      'x: HTTP 500: no metrics for this window',
    );
    expect(toKubeError(apiException(401, undefined), 'x').message).toBe('x: HTTP 401: HTTP 401');
    expect(toKubeError(apiException(422, { message: 'spec.backends: Invalid value' }), 'x').message).toBe(
      'x: HTTP 422: spec.backends: Invalid value',
    );
  });

  it('maps socket errors and aborted requests to UnavailableError', () => {
    const refused = Object.assign(
      new Error('request to https://127.0.0.1:1/ failed, reason: connect ECONNREFUSED'),
      {
        name: 'FetchError',
        type: 'system',
        code: 'ECONNREFUSED',
      },
    );
    expect(toKubeError(refused, 'get x')).toBeInstanceOf(UnavailableError);
    expect(toKubeError(refused, 'get x').message).toContain('cannot reach the Kubernetes API (ECONNREFUSED');
    const aborted = Object.assign(new Error('The user aborted a request.'), {
      name: 'AbortError',
      type: 'aborted',
    });
    expect(toKubeError(aborted, 'get x')).toBeInstanceOf(UnavailableError);
    const wrapped = new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ECONNRESET' }) });
    expect(toKubeError(wrapped, 'get x')).toBeInstanceOf(UnavailableError);
  });

  it('passes Aviary errors and unrelated errors through unchanged', () => {
    const configuration = new ConfigurationError('configuration error: owned by Flagger');
    expect(toKubeError(configuration, 'x')).toBe(configuration);
    const bug = new TypeError('undefined is not a function');
    expect(toKubeError(bug, 'x')).toBe(bug);
    expect(toKubeError('boom', 'x').message).toBe('x: boom');
  });

  it('statusMessage reads Status JSON, and trims other text', () => {
    expect(statusMessage(status(404, 'NotFound', 'gone'))).toBe('gone');
    expect(statusMessage('  plain text  ')).toBe('plain text');
    expect(statusMessage('')).toBeUndefined();
    expect(statusMessage('x'.repeat(400))).toHaveLength(301);
  });
});

describe('callKube against real sockets', () => {
  let silent: Server;
  let port: number;

  beforeAll(async () => {
    // Accepts connections and never answers: an API server that hangs.
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as AddressInfo).port;
  });

  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  const kubeConfigFor = (kc: KubeConfig, server: string): KubeConfig => {
    kc.loadFromOptions({
      // Plain HTTP is refused by the client unless TLS verification is off; the socket behaviour is what matters here.
      clusters: [{ name: 'c', server, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    return kc;
  };

  it('turns a request timeout into UnavailableError', async () => {
    const kc = kubeConfigFor(new TimeoutKubeConfig(200), `http://127.0.0.1:${port}`);
    const error = await callKube('get Deployment prod/web', () => getJson(kc, '/apis/apps/v1')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toBe(
      'get Deployment prod/web: the Kubernetes API did not answer in time',
    );
  });

  it('turns a refused connection into UnavailableError', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const kc = kubeConfigFor(new KubeConfig(), `http://127.0.0.1:${closedPort}`);
    const error = await callKube('get Deployment prod/web', () => getJson(kc, '/apis/apps/v1')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});
