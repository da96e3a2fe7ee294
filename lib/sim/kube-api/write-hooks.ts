import type { KubeObject } from './kube-object.js';
import type { ResourceDefinition } from './resource-definition.js';

/** A simulated controller's view of writes: it may set fields it owns before an object is stored. */
export interface WriteHooks {
  /** `subresource` is `'status'` for `/status` writes, which controllers leave alone. */
  beforeStore(
    def: ResourceDefinition,
    next: KubeObject,
    previous: KubeObject | undefined,
    subresource?: string,
  ): KubeObject;
  afterStore(def: ResourceDefinition, stored: KubeObject): void;
  afterDelete(def: ResourceDefinition, deleted: KubeObject): void;
}
