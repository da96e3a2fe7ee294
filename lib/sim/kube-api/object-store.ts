import { EventLog } from './event-log.js';
import type { KubeObject } from './kube-object.js';

/** How many writes a watch can start behind the newest, as a default (the API server's cache is similar). */
export const DEFAULT_WATCH_HISTORY = 10_000;

/**
 * Every stored object, in its resource's storage version, keyed by resource then `namespace/name`.
 * One counter hands out every resourceVersion, as etcd's revision does for a real API server. Every write,
 * whoever makes it (a client, the in-process API, a simulated controller), is recorded in `events` for watches.
 */
export class ObjectStore {
  private revision = 0;
  private readonly resources = new Map<string, Map<string, KubeObject>>();
  readonly events: EventLog;

  constructor(watchHistory = DEFAULT_WATCH_HISTORY) {
    this.events = new EventLog(watchHistory);
  }

  /** The resourceVersion a list answers with: the latest revision written. */
  currentResourceVersion(): string {
    return String(this.revision);
  }

  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    const found = this.resources.get(resource)?.get(objectKey(namespace, name));
    return found === undefined ? undefined : structuredClone(found);
  }

  /** Objects of one resource, in one namespace or all, ordered by namespace then name like the API server. */
  list(resource: string, namespace?: string): KubeObject[] {
    const objects = [...(this.resources.get(resource)?.entries() ?? [])]
      .filter(([, o]) => namespace === undefined || (o.metadata.namespace ?? '') === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return objects.map(([, o]) => structuredClone(o));
  }

  /** Stores `object` under a new resourceVersion and returns what was stored. */
  put(resource: string, object: KubeObject): KubeObject {
    this.revision += 1;
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(this.revision);
    let objects = this.resources.get(resource);
    if (objects === undefined) {
      objects = new Map();
      this.resources.set(resource, objects);
    }
    const key = objectKey(stored.metadata.namespace ?? '', stored.metadata.name ?? '');
    const previous = objects.get(key);
    objects.set(key, stored);
    this.events.record({
      type: previous === undefined ? 'ADDED' : 'MODIFIED',
      resource,
      revision: this.revision,
      object: structuredClone(stored),
      previous,
    });
    return structuredClone(stored);
  }

  delete(resource: string, namespace: string, name: string): KubeObject | undefined {
    const objects = this.resources.get(resource);
    const key = objectKey(namespace, name);
    const found = objects?.get(key);
    if (found === undefined) return undefined;
    objects?.delete(key);
    this.revision += 1;
    // A watch sees the deleted object at the deletion's revision, as etcd reports it.
    const object = structuredClone(found);
    object.metadata.resourceVersion = String(this.revision);
    this.events.record({ type: 'DELETED', resource, revision: this.revision, object, previous: found });
    return found;
  }
}

const objectKey = (namespace: string, name: string): string => `${namespace}/${name}`;
