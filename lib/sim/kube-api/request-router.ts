import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import * as discovery from './discovery.js';
import type { FaultRequest, Faults, RequestFault } from './faults.js';
import { parseFieldSelector } from './field-selector.js';
import { readBody, sendJson, sendStatus, sendText } from './http-exchange.js';
import type { KubeObject } from './kube-object.js';
import { parseLabelSelector } from './label-selector.js';
import { METRICS_DISCOVERY, type MetricsApi } from './metrics-api.js';
import type { ObjectStore } from './object-store.js';
import { openApiGroupVersion, openApiRoot } from './openapi-v3.js';
import type { RecordedRequest } from './request-log.js';
import type { ResourceCatalog } from './resource-catalog.js';
import type { ResourceDefinition } from './resource-definition.js';
import type { ResourceOperations, WriteOptions } from './resource-operations.js';
import type { ScaleSubresource } from './scale-subresource.js';
import type { ServiceProxy } from './service-proxy.js';
import {
  badRequest,
  conflict,
  internalError,
  methodNotAllowed,
  resourceNotServed,
  StatusError,
  serviceUnavailable,
  timeout,
  unauthorized,
} from './status.js';
import { parseIncludeObject, requestedTableVersion, tableContentType, toTable } from './table.js';
import { METRICS_GROUP, METRICS_VERSION } from './traffic-metrics.js';
import { serveWatch } from './watch.js';

export interface RouterParts {
  token: string;
  catalog: ResourceCatalog;
  /** For watches, which read the store's event log. */
  store: ObjectStore;
  operations: ResourceOperations;
  scale: ScaleSubresource;
  metrics: MetricsApi;
  proxy: ServiceProxy;
  faults: Faults;
  requests: RecordedRequest[];
  /** `host:port` as clients reach the server. */
  serverAddress: () => string;
}

const VERB_BY_METHOD: Record<string, string> = {
  GET: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** Resources whose writes `conflictsOnNextWrites` turns into 409s: the ones a traffic router writes. */
const CONFLICT_FAULT_RESOURCES = new Set([
  'split.smi-spec.io/trafficsplits',
  'gateway.networking.k8s.io/httproutes',
]);

/** Writes a fault policy turned into 409s; the Status needs the resource, known only once the path is resolved. */
const injectedConflicts = new WeakSet<IncomingMessage>();

const WRITE_METHODS = new Set(['PUT', 'PATCH', 'POST', 'DELETE']);

function faultRequest(record: RecordedRequest): FaultRequest {
  const namespace = /\/namespaces\/([^/]+)\/./.exec(record.path)?.[1];
  return {
    method: record.method,
    path: record.path,
    namespace: namespace === undefined ? undefined : decodeURIComponent(namespace),
    write: WRITE_METHODS.has(record.method),
  };
}

function statusFault(code: Extract<RequestFault, { kind: 'status' }>['code']): StatusError {
  if (code === 503) return serviceUnavailable('the server is currently unable to handle the request');
  if (code === 504) return timeout();
  return internalError('etcdserver: leader changed');
}

/** The request is handled as usual, but its answer never leaves: the connection drops instead. */
function loseAnswer(req: IncomingMessage, res: ServerResponse): void {
  const drop = (): ServerResponse => {
    req.socket.destroy();
    return res;
  };
  res.write = drop as unknown as ServerResponse['write'];
  res.end = drop as unknown as ServerResponse['end'];
}

interface ResourceTarget {
  def: ResourceDefinition;
  version: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  /** Decoded path after `/proxy` (an escaped `%2F` is a slash there too, as in the API server). */
  proxyPath: string;
  tail: string[];
  /** Reached through the legacy `/watch/` prefix (`/api/v1/watch/namespaces/{ns}/services`). */
  legacyWatch: boolean;
}

/** Answers one HTTP request the way the Kubernetes API server would. */
export async function routeRequest(
  parts: RouterParts,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://kubernetes.default.svc');
  const record: RecordedRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    contentType: req.headers['content-type'],
    accept: req.headers.accept,
    status: 0,
  };
  parts.requests.push(record);
  res.on('finish', () => {
    record.status = res.statusCode;
  });
  // A watch usually ends with the client hanging up, which never finishes the response.
  res.on('close', () => {
    if (record.status === 0 && res.headersSent) record.status = res.statusCode;
  });
  try {
    if (parts.faults.latencyMs > 0) await sleep(parts.faults.latencyMs, undefined, { ref: false });
    if (parts.faults.failAll === 'reset') {
      req.socket.destroy();
      return;
    }
    if (parts.faults.failAll === 'unavailable') {
      throw serviceUnavailable('the server is currently unable to handle the request');
    }
    if (req.headers.authorization !== `Bearer ${parts.token}`) throw unauthorized();
    const fault = parts.faults.policy?.(faultRequest(record)) ?? null;
    if (fault) {
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'status') throw statusFault(fault.code);
      if (fault.kind === 'conflict') injectedConflicts.add(req);
      if (fault.kind === 'lostAnswer') loseAnswer(req, res);
    }
    await dispatch(parts, req, res, url);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof StatusError) sendStatus(res, error.status);
    else sendStatus(res, internalError((error as Error).message ?? String(error)).status);
  }
}

async function dispatch(
  parts: RouterParts,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodePathSegment);
  const method = req.method ?? 'GET';
  const [root, second, third, ...rest] = segments;
  const readOnly = (): void => {
    if (method !== 'GET') throw methodNotAllowed();
  };
  if (root === 'version' && second === undefined) {
    readOnly();
    return sendJson(res, 200, discovery.versionInfo());
  }
  if ((root === 'healthz' || root === 'readyz' || root === 'livez') && second === undefined) {
    return sendText(res, 200, 'ok');
  }
  if (root === 'api') {
    if (second === undefined) {
      readOnly();
      return sendJson(res, 200, discovery.coreVersions(parts.serverAddress()));
    }
    if (second !== 'v1') throw resourceNotServed();
    const tail = third === undefined ? [] : [third, ...rest];
    return groupVersion(parts, req, res, url, '', 'v1', tail);
  }
  if (root === 'apis') {
    if (second === undefined) {
      readOnly();
      return sendJson(res, 200, discovery.groupList(parts.catalog, [METRICS_DISCOVERY]));
    }
    if (third === undefined) {
      readOnly();
      const doc = discovery.group(parts.catalog, [METRICS_DISCOVERY], second);
      if (doc === null) throw resourceNotServed(second);
      return sendJson(res, 200, doc);
    }
    if (second === METRICS_GROUP && third === METRICS_VERSION && rest.length > 0) {
      return parts.metrics.handle(method, rest, url.searchParams, url.pathname, res);
    }
    return groupVersion(parts, req, res, url, second, third, rest);
  }
  if (root === 'openapi' && second === 'v3') {
    readOnly();
    if (third === undefined) return sendJson(res, 200, openApiRoot(parts.catalog));
    const [group, version] = third === 'api' ? ['', rest[0]] : [rest[0], rest[1]];
    const doc = version === undefined ? null : openApiGroupVersion(parts.catalog, group ?? '', version);
    if (doc === null) throw resourceNotServed();
    return sendJson(res, 200, doc);
  }
  // `/openapi/v2` included: kubectl uses v3 when it has it.
  throw resourceNotServed();
}

async function groupVersion(
  parts: RouterParts,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  group: string,
  version: string,
  segments: string[],
): Promise<void> {
  if (segments.length === 0) {
    if (req.method !== 'GET') throw methodNotAllowed();
    const doc = discovery.resourceList(parts.catalog, [METRICS_DISCOVERY], group, version);
    if (doc === null) throw resourceNotServed(group);
    return sendJson(res, 200, doc);
  }
  if (!parts.catalog.servesVersion(group, version)) throw resourceNotServed(group);
  const legacyWatch = segments[0] === 'watch' && segments.length > 1;
  const target = resolveTarget(parts.catalog, group, version, legacyWatch ? segments.slice(1) : segments);
  if (legacyWatch) {
    if (target.subresource !== undefined || target.tail.length > 0) throw resourceNotServed(group);
    return resourceVerb(parts, req, res, url, { ...target, legacyWatch });
  }
  if (
    target.subresource === 'proxy' &&
    group === '' &&
    target.def.plural === 'services' &&
    target.name !== undefined
  ) {
    const body = await readBody(req);
    const { authorization: _credentials, ...headers } = req.headers;
    return parts.proxy.handle(
      target.namespace ?? '',
      target.name,
      {
        method: req.method ?? 'GET',
        path: target.proxyPath,
        query: url.searchParams,
        headers,
        body: body.toString('utf8'),
      },
      res,
    );
  }
  if (target.tail.length > 0) throw resourceNotServed(group);
  return resourceVerb(parts, req, res, url, target);
}

function resolveTarget(
  catalog: ResourceCatalog,
  group: string,
  version: string,
  segments: string[],
): ResourceTarget {
  const [first, second, third] = segments;
  const namespacedPlural =
    first === 'namespaces' &&
    third !== undefined &&
    catalog.byPlural(group, version, third)?.namespaced === true;
  const offset = namespacedPlural ? 2 : 0;
  const plural = segments[offset] ?? '';
  const def = catalog.byPlural(group, version, plural);
  if (def === undefined) throw resourceNotServed(group);
  const namespace = namespacedPlural ? second : undefined;
  const name = segments[offset + 1];
  if (def.namespaced && namespace === undefined && name !== undefined) throw resourceNotServed(group);
  const subresource = segments[offset + 2];
  const proxyPath = subresource === 'proxy' ? `/${segments.slice(offset + 3).join('/')}` : '';
  return {
    def,
    version,
    namespace,
    name,
    subresource,
    proxyPath,
    tail: segments.slice(offset + 3),
    legacyWatch: false,
  };
}

async function resourceVerb(
  parts: RouterParts,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  target: ResourceTarget,
): Promise<void> {
  const { def, version, name, subresource } = target;
  const namespace = target.namespace ?? '';
  const method = req.method ?? 'GET';
  const query = url.searchParams;
  const warnings: string[] = [];
  const options: WriteOptions = {
    ...(query.get('dryRun') === 'All' ? { dryRun: true } : {}),
    fieldValidation: parseFieldValidation(query.get('fieldValidation')),
    // Warnings arrive before the answer is written, so they can still become headers.
    warn: (message) => {
      warnings.push(`299 - ${JSON.stringify(message)}`);
      res.setHeader('Warning', warnings);
    },
  };
  // `?watch` on a list path streams events; on one object the API server ignores it and answers a get.
  const watch = target.legacyWatch || (name === undefined && isTrue(query.get('watch')));
  if (watch) {
    if (method !== 'GET' || !def.verbs.includes('watch')) throw methodNotAllowed();
    const scope = def.namespaced ? target.namespace : undefined;
    return serveWatch(parts.store, { def, version, namespace: scope, name }, query, req.headers.accept, res);
  }
  const tableVersion = requestedTableVersion(req.headers.accept);
  const answer = (code: number, objects: unknown, single: boolean): void => {
    if (tableVersion !== null && !subresource) {
      const items = (single ? [objects] : (objects as { items: unknown[] }).items) as Parameters<
        typeof toTable
      >[1];
      const resourceVersion = single
        ? undefined
        : (objects as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      const table = toTable(def, items, {
        version: tableVersion,
        includeObject: parseIncludeObject(query.get('includeObject')),
        resourceVersion,
      });
      sendJson(res, code, table, tableContentType(tableVersion));
      return;
    }
    sendJson(res, code, objects);
  };

  const verb = VERB_BY_METHOD[method];
  if (
    subresource === undefined &&
    (verb === undefined || !def.verbs.includes(name === undefined && verb === 'get' ? 'list' : verb))
  ) {
    throw methodNotAllowed();
  }

  if (name === undefined) {
    if (method === 'GET') {
      const matches = parseLabelSelector(query.get('labelSelector'));
      const scope = def.namespaced ? target.namespace : undefined;
      const selected = parseFieldSelector(query.get('fieldSelector'));
      const list = parts.operations.list(def, version, scope, matches);
      // Items are needed with apiVersion/kind to print a table; the list alone strips them for built-ins.
      if (tableVersion !== null) {
        const items = parts.operations.items(def, version, scope, matches).filter(selected);
        return answer(200, { ...list, items }, false);
      }
      return sendJson(res, 200, { ...list, items: (list.items as KubeObject[]).filter(selected) });
    }
    if (method === 'POST' && (target.namespace !== undefined || !def.namespaced)) {
      const created = parts.operations.create(def, version, namespace, await readJson(req), options);
      return answer(201, created, true);
    }
    throw methodNotAllowed();
  }

  const isWrite = method === 'PUT' || method === 'PATCH';
  if (
    isWrite &&
    (injectedConflicts.has(req) ||
      (CONFLICT_FAULT_RESOURCES.has(`${def.group}/${def.plural}`) && parts.faults.takeConflict()))
  ) {
    throw conflict(def, name);
  }

  const objectName = name;
  // GET, PUT and PATCH of one object, or of its status or scale subresource: the same verbs on other operations.
  const getPutPatch = async (
    verbs: ObjectVerbs,
    writeOptions: WriteOptions,
    send: (object: KubeObject) => void,
  ): Promise<void> => {
    switch (method) {
      case 'GET':
        return send(verbs.get(def, version, namespace, objectName));
      case 'PUT':
        return send(verbs.update(def, version, namespace, objectName, await readJson(req), writeOptions));
      case 'PATCH': {
        const raw = await readBody(req);
        return send(
          verbs.patch(def, version, namespace, objectName, req.headers['content-type'], raw, writeOptions),
        );
      }
      default:
        throw methodNotAllowed();
    }
  };

  if (subresource === undefined) {
    if (method === 'DELETE') {
      await readBody(req);
      return sendJson(res, 200, parts.operations.delete(def, version, namespace, name));
    }
    return getPutPatch(parts.operations, options, (object) => answer(200, object, true));
  }
  const plain = (object: KubeObject): void => sendJson(res, 200, object);
  if (subresource === 'status' && def.statusSubresource) {
    return getPutPatch(parts.operations, { ...options, subresource: 'status' }, plain);
  }
  if (subresource === 'scale' && def.scaleSubresource) return getPutPatch(parts.scale, options, plain);
  throw resourceNotServed(def.group);
}

/** What both the object operations and the scale subresource offer for one named object. */
type ObjectVerbs = Pick<ResourceOperations, 'get' | 'update' | 'patch'>;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`malformed escape in path segment "${segment}"`);
  }
}

/** Query booleans as Go's strconv.ParseBool reads them (`watch=1`, `watch=true`). */
const isTrue = (value: string | null): boolean =>
  value !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);

function parseFieldValidation(value: string | null): WriteOptions['fieldValidation'] {
  if (value === null || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(
    `fieldValidation: Unsupported value: "${value}": supported values: "Ignore", "Strict", "Warn"`,
  );
}
