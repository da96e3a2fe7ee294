import type { KubeObject } from './kube-object.js';
import type { ResourceDefinition } from './resource-definition.js';
import { badRequest } from './status.js';

export type TableVersion = 'v1' | 'v1beta1';
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/**
 * The Table version an `Accept` header asks for (`application/json;as=Table;v=v1;g=meta.k8s.io`, as
 * `kubectl get` sends), or null for a plain object.
 */
export function requestedTableVersion(accept: string | undefined): TableVersion | null {
  for (const range of (accept ?? '').split(',')) {
    const params = new Map(
      range
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string?])
        .map(([k, v]) => [k.toLowerCase(), (v ?? '').trim()]),
    );
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io') {
      const version = params.get('v');
      if (version === 'v1' || version === 'v1beta1') return version;
    }
  }
  return null;
}

export const tableContentType = (version: TableVersion): string =>
  `application/json;as=Table;v=${version};g=meta.k8s.io`;

export function parseIncludeObject(value: string | null): IncludeObject {
  if (value === null || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw badRequest(
    `includeObject: Unsupported value: "${value}": supported values: "Metadata", "None", "Object"`,
  );
}

/** A `meta.k8s.io` Table of `objects` (already encoded in the requested version). */
export function toTable(
  def: ResourceDefinition,
  objects: KubeObject[],
  options: { version: TableVersion; includeObject: IncludeObject; resourceVersion?: string; nowMs?: number },
): Record<string, unknown> {
  const nowMs = options.nowMs ?? Date.now();
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata: options.resourceVersion === undefined ? {} : { resourceVersion: options.resourceVersion },
    columnDefinitions: def.table.columns,
    rows: objects.map((object) => ({
      cells: def.table.cells(object, nowMs),
      ...rowObject(object, options.includeObject, options.version),
    })),
  };
}

function rowObject(object: KubeObject, include: IncludeObject, version: TableVersion): { object?: unknown } {
  switch (include) {
    case 'None':
      return {};
    case 'Object':
      return { object };
    case 'Metadata':
      return {
        object: {
          kind: 'PartialObjectMetadata',
          apiVersion: `meta.k8s.io/${version}`,
          metadata: object.metadata,
        },
      };
  }
}
