import type { KubeObject } from '../kube-object.js';
import type { ResourceDefinition } from '../resource-definition.js';
import { AGE_COLUMN, ageCell, column, NAME_COLUMN, nameCell } from '../table-columns.js';

/** Core `v1` Namespace. Namespaces also come into being when an object is first written into one. */
export function namespaceDefinition(): ResourceDefinition {
  return {
    group: '',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    plural: 'namespaces',
    singular: 'namespace',
    shortNames: ['ns'],
    categories: [],
    namespaced: false,
    versions: ['v1'],
    storageVersion: 'v1',
    verbs: ['create', 'get', 'list', 'watch'],
    custom: false,
    // The API server itself sets `status.phase`; clients cannot write it.
    statusSubresource: false,
    scaleSubresource: false,
    decode: (object) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        ...object.metadata,
        labels: { ...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name ?? '' },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    }),
    encode: (stored) => ({ ...stored, apiVersion: 'v1', kind: 'Namespace' }),
    table: {
      columns: [NAME_COLUMN, column('Status', 'The status of the namespace'), AGE_COLUMN],
      cells: (object: KubeObject, nowMs: number) => [
        nameCell(object),
        (object.status as { phase?: string } | undefined)?.phase ?? 'Active',
        ageCell(object, nowMs),
      ],
    },
  };
}
