import type { KubeObject } from './kube-object.js';
import type { StatusCause } from './status.js';
import type { MergeKeys } from './strategic-merge-patch.js';

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0 for the default view; 1 for `-o wide` only. */
  priority: number;
}

/** Server-side printing of one resource for `kubectl get` (a `meta.k8s.io/v1` Table). */
export interface TablePrinter {
  columns: TableColumn[];
  /** One row's cells for `object` as encoded in the requested version. */
  cells(object: KubeObject, nowMs: number): unknown[];
}

/** One served resource: its names for discovery and its schema, conversion and printing. */
export interface ResourceDefinition {
  group: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  /** Served versions, most preferred first. */
  versions: string[];
  storageVersion: string;
  verbs: string[];
  /**
   * Defined by a CustomResourceDefinition: strategic merge patch is refused, an update must carry a
   * resourceVersion, and a delete answers with the deleted object.
   */
  custom: boolean;
  /** Writes to the main resource leave `status` alone; `/status` writes only `status`. */
  statusSubresource: boolean;
  /** Has `/scale` (autoscaling/v1 Scale over `spec.replicas`). */
  scaleSubresource: boolean;
  /** Lists a strategic merge patch merges element-wise (built-in types only). */
  mergeKeys?: MergeKeys;
  /**
   * Validates `object` as written in `version`, applies defaults and converts it to the storage version.
   * `previous` is the stored object an update replaces. Throws FieldValidationError.
   */
  decode(object: KubeObject, version: string, previous?: KubeObject): KubeObject;
  /** The stored object as `version` shows it. */
  encode(stored: KubeObject, version: string): KubeObject;
  /** Rules that compare an update with the stored object (immutable fields). */
  validateUpdate?(next: KubeObject, previous: KubeObject): StatusCause[];
  table: TablePrinter;
}

export const resourceKey = (def: Pick<ResourceDefinition, 'group' | 'plural'>): string =>
  `${def.group}/${def.plural}`;

export const READ_WRITE_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update'];
