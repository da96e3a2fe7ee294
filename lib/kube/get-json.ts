import {
  ApiException,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
} from '@kubernetes/client-node';

const http = new IsomorphicFetchHttpLibrary();

/**
 * GET of an API path the generated clients have no call for (API group discovery, the SMI metrics API), or
 * whose typed models would drop fields (a Deployment read verbatim, to copy its pod spec without losing fields
 * newer than the client). Same server, TLS, credentials and per-request timeout as `makeApiClient` clients;
 * a non-2xx answer throws `ApiException` with the body text, like they do.
 */
export async function getJson(
  kubeConfig: KubeConfig,
  path: string,
  query: Record<string, string> = {},
): Promise<unknown> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the KubeConfig has no current cluster');
  const url = new URL(`${cluster.server.replace(/\/+$/, '')}${path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const request = new RequestContext(url.toString(), HttpMethod.GET);
  request.setHeaderParam('Accept', 'application/json');
  await kubeConfig.applySecurityAuthentication(request);
  const response = await http.send(request).toPromise();
  const text = await response.body.text();
  if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
    throw new ApiException(response.httpStatusCode, `GET ${path}`, text, response.headers);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`GET ${path}: the answer is not JSON: ${text.slice(0, 200)}`);
  }
}
