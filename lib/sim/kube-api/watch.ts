import type { ServerResponse } from 'node:http';
import type { StoreEvent, StoreEventType } from './event-log.js';
import { parseFieldSelector } from './field-selector.js';
import { groupVersion, type KubeObject } from './kube-object.js';
import { parseLabelSelector } from './label-selector.js';
import type { ObjectStore } from './object-store.js';
import { type ResourceDefinition, resourceKey } from './resource-definition.js';
import { badRequest, invalid, type KubeStatus, resourceExpired } from './status.js';
import { parseIncludeObject, requestedTableVersion, toTable } from './table.js';

/** The API server's `--min-request-timeout`: a watch without `timeoutSeconds` lasts 1 to 2 times this. */
const MIN_REQUEST_TIMEOUT_SECONDS = 1800;
const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

export interface WatchTarget {
  def: ResourceDefinition;
  version: string;
  /** Undefined watches every namespace (and is the only choice for cluster-scoped resources). */
  namespace: string | undefined;
  /** Set by the legacy `/watch/.../{name}` path: one object. */
  name: string | undefined;
}

type WireEvent = { type: StoreEventType | 'ERROR' | 'BOOKMARK'; object: unknown };

interface WatchOptions {
  /** Undefined: start with the current objects as ADDED events (the request had no or a "0" resourceVersion). */
  fromRevision: number | undefined;
  sendInitialEvents: boolean | undefined;
  allowBookmarks: boolean;
  timeoutMs: number;
  matches: (labels: Record<string, string> | undefined) => boolean;
  encode: (object: KubeObject) => unknown;
}

/**
 * Serves `?watch=true` on a list path: a chunked stream of JSON watch events, one a line, from the store's
 * event log. Everything that can be refused is checked before the 200 is written, as the API server does;
 * after that, problems (an expired resourceVersion) arrive as an ERROR event that ends the stream.
 */
export function serveWatch(
  store: ObjectStore,
  target: WatchTarget,
  query: URLSearchParams,
  accept: string | undefined,
  res: ServerResponse,
): void {
  const options = watchOptions(target, query, accept);
  const key = resourceKey(target.def);
  const selected = parseFieldSelector(query.get('fieldSelector'));
  const inScope = (object: KubeObject): boolean =>
    (target.namespace === undefined || (object.metadata.namespace ?? '') === target.namespace) &&
    (target.name === undefined || object.metadata.name === target.name) &&
    selected(object);

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  // Clients (client-go, client-node) wait for the headers before they read events.
  res.flushHeaders();
  const send = (event: WireEvent): void => {
    if (!res.destroyed && !res.writableEnded) res.write(`${JSON.stringify(event)}\n`);
  };
  const sendStored = (type: StoreEventType, object: KubeObject): void =>
    send({ type, object: options.encode(object) });

  // Where the stream starts: the current state as ADDED events (no or a "0" resourceVersion, or a streaming
  // list), the log after a resourceVersion, or (sendInitialEvents=false without one) just what comes next.
  const initialState =
    options.sendInitialEvents === true ||
    (options.sendInitialEvents === undefined && options.fromRevision === undefined);
  let after = Number(store.currentResourceVersion());
  let backlog: StoreEvent[] = [];
  if (initialState) {
    for (const object of store.list(key, target.namespace)) {
      if (inScope(object) && options.matches(object.metadata.labels)) sendStored('ADDED', object);
    }
    if (options.sendInitialEvents === true && options.allowBookmarks) {
      send({ type: 'BOOKMARK', object: bookmark(target, String(after)) });
    }
  } else if (options.fromRevision !== undefined) {
    const found = store.events.since(options.fromRevision);
    if (!Array.isArray(found)) {
      const expired: KubeStatus = resourceExpired(
        `too old resource version: ${options.fromRevision} (${found.expiredBefore})`,
      );
      send({ type: 'ERROR', object: expired });
      res.end();
      return;
    }
    backlog = found;
    // A resourceVersion in the future skips events up to it, as the watch cache does.
    after = options.fromRevision;
  }

  const deliver = (event: StoreEvent): void => {
    if (event.resource !== key || event.revision <= after || !inScope(event.object)) return;
    const now = event.type !== 'DELETED' && options.matches(event.object.metadata.labels);
    const before = event.previous !== undefined && options.matches(event.previous.metadata.labels);
    // A write that moves an object into or out of the selector is an ADDED or a DELETED to this watch;
    // the DELETED shows the object as it last matched, at the write's resourceVersion.
    if (now) sendStored(before ? 'MODIFIED' : 'ADDED', event.object);
    else if (before && event.previous !== undefined) {
      const last = structuredClone(event.previous);
      last.metadata.resourceVersion = String(event.revision);
      sendStored('DELETED', last);
    }
  };
  for (const event of backlog) deliver(event);
  // A client gone before the watch began (during injected latency) would never signal 'close' again.
  if (res.destroyed) return;
  const unsubscribe = store.events.subscribe(deliver);
  const stop = (): void => {
    clearTimeout(timer);
    unsubscribe();
  };
  // Unsubscribed before the end is written, so a client that sees the end finds the watch gone.
  const timer = setTimeout(
    () => {
      stop();
      res.end();
    },
    Math.max(0, options.timeoutMs),
  );
  timer.unref();
  // A client hanging up, or the double closing every connection.
  res.on('close', stop);
}

function watchOptions(target: WatchTarget, query: URLSearchParams, accept: string | undefined): WatchOptions {
  const { def, version } = target;
  const fromRevision = parseResourceVersion(def, query.get('resourceVersion'));
  const sendInitialEvents = parseBoolean('sendInitialEvents', query.get('sendInitialEvents'));
  const allowBookmarks = parseBoolean('allowWatchBookmarks', query.get('allowWatchBookmarks')) === true;
  checkWatchListOptions(sendInitialEvents, query.get('resourceVersionMatch') ?? '');
  const matches = parseLabelSelector(query.get('labelSelector'));
  const tableVersion = requestedTableVersion(accept);
  const includeObject = parseIncludeObject(query.get('includeObject'));
  const encode = (stored: KubeObject): unknown => {
    const object = def.encode(stored, version);
    if (tableVersion === null) return object;
    // Server-side printing: every event carries a one-row Table, at the object's resourceVersion.
    return toTable(def, [object], {
      version: tableVersion,
      includeObject,
      resourceVersion: object.metadata.resourceVersion,
    });
  };
  return {
    fromRevision,
    sendInitialEvents,
    allowBookmarks,
    timeoutMs: timeoutSeconds(query.get('timeoutSeconds')) * 1000,
    matches,
    encode,
  };
}

/** `""` and `"0"` mean "any": the watch starts with the current state. */
function parseResourceVersion(def: ResourceDefinition, value: string | null): number | undefined {
  if (value === null || value === '' || value === '0') return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  throw invalid({ group: def.group, kind: def.plural, name: '' }, [
    {
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${value}": strconv.ParseUint: parsing "${value}": invalid syntax`,
      field: 'resourceVersion',
    },
  ]);
}

function parseBoolean(name: string, value: string | null): boolean | undefined {
  if (value === null || value === '') return undefined;
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(value)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(value)) return false;
  throw badRequest(`${name}: strconv.ParseBool: parsing "${value}": invalid syntax`);
}

function timeoutSeconds(value: string | null): number {
  if (value !== null && value !== '') {
    if (!/^-?\d+$/.test(value))
      throw badRequest(`timeoutSeconds: strconv.ParseInt: parsing "${value}": invalid syntax`);
    const seconds = Number(value);
    if (seconds !== 0) return seconds;
  }
  return MIN_REQUEST_TIMEOUT_SECONDS * (1 + Math.random());
}

/** The API server's validation of the streaming-list options (the WatchList feature, on in 1.32). */
function checkWatchListOptions(sendInitialEvents: boolean | undefined, match: string): void {
  const causes = [];
  if (sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    causes.push({
      reason: 'FieldValueForbidden',
      message: 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
      field: 'resourceVersionMatch',
    });
  }
  if (match !== '') {
    if (sendInitialEvents === undefined) {
      causes.push({
        reason: 'FieldValueForbidden',
        message:
          'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
        field: 'resourceVersionMatch',
      });
    }
    if (match !== 'NotOlderThan') {
      causes.push({
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: "${match}": supported values: "NotOlderThan"`,
        field: 'resourceVersionMatch',
      });
    }
  }
  if (causes.length > 0) throw invalid({ group: 'meta.k8s.io', kind: 'ListOptions', name: '' }, causes);
}

/** The BOOKMARK that ends a streaming list's initial events: the kind, a resourceVersion and the mark. */
function bookmark(target: WatchTarget, resourceVersion: string): KubeObject {
  return {
    apiVersion: groupVersion(target.def.group, target.version),
    kind: target.def.kind,
    metadata: { resourceVersion, annotations: { [INITIAL_EVENTS_END]: 'true' } },
  };
}
