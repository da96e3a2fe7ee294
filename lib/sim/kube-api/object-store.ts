import type { KubeObject } from './kube-object.js';

/**
 * Every stored object, in its resource's storage version, keyed by resource then `namespace/name`.
 * One counter hands out every resourceVersion, as etcd's revision does for a real API server.
 */
export class ObjectStore {
  private revision = 0;
  private readonly resources = new Map<string, Map<string, KubeObject>>();

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
    objects.set(objectKey(stored.metadata.namespace ?? '', stored.metadata.name ?? ''), stored);
    return structuredClone(stored);
  }

  delete(resource: string, namespace: string, name: string): KubeObject | undefined {
    const objects = this.resources.get(resource);
    const key = objectKey(namespace, name);
    const found = objects?.get(key);
    if (found === undefined) return undefined;
    objects?.delete(key);
    this.revision += 1;
    return found;
  }
}

const objectKey = (namespace: string, name: string): string => `${namespace}/${name}`;
