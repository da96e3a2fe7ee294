import { createHash } from 'node:crypto';
import { groupVersion } from './kube-object.js';
import { APPLY_PATCH, JSON_PATCH, MERGE_PATCH } from './patch-body.js';
import type { ResourceCatalog } from './resource-catalog.js';
import type { ResourceDefinition } from './resource-definition.js';

/**
 * A minimal OpenAPI v3 discovery: one document per served group version, listing each resource's paths and
 * operations with `x-kubernetes-group-version-kind` and the `fieldValidation` parameter. That is what
 * kubectl reads to learn that the server validates fields itself, so `kubectl create`/`apply` work without
 * client-side schemas. No schemas are published (`kubectl explain` has nothing to show).
 */

const pathOf = (group: string, version: string): string =>
  group === '' ? `api/${version}` : `apis/${group}/${version}`;

export function openApiRoot(catalog: ResourceCatalog): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const groupVersions = [
    { group: '', versions: ['v1'] },
    ...catalog.groups().map((g) => ({ group: g.name, versions: g.versions })),
  ];
  for (const { group, versions } of groupVersions) {
    for (const version of versions) {
      const path = pathOf(group, version);
      const hash = createHash('sha512')
        .update(JSON.stringify(openApiGroupVersion(catalog, group, version)))
        .digest('hex');
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash.slice(0, 128).toUpperCase()}` };
    }
  }
  return { paths };
}

export function openApiGroupVersion(
  catalog: ResourceCatalog,
  group: string,
  version: string,
): Record<string, unknown> | null {
  const definitions = catalog.inGroupVersion(group, version);
  if (definitions.length === 0) return null;
  const paths: Record<string, unknown> = {};
  for (const def of definitions) {
    const base = `/${pathOf(group, version)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.plural}`;
    const gvk = { group, version, kind: def.kind };
    paths[base] = {
      get: operation(def, gvk, 'list', []),
      post: operation(def, gvk, 'post', ['fieldValidation', 'dryRun', 'fieldManager'], ['application/json']),
    };
    paths[`${base}/{name}`] = {
      get: operation(def, gvk, 'get', []),
      put: operation(def, gvk, 'put', ['fieldValidation', 'dryRun', 'fieldManager'], ['application/json']),
      // Built-in types leave strategic merge out: kubectl then builds it from its own compiled-in types.
      patch: operation(
        def,
        gvk,
        'patch',
        ['fieldValidation', 'dryRun', 'fieldManager', 'force'],
        [JSON_PATCH, MERGE_PATCH, APPLY_PATCH],
      ),
      delete: operation(def, gvk, 'delete', []),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}

function operation(
  def: ResourceDefinition,
  gvk: { group: string; version: string; kind: string },
  action: string,
  queryParameters: string[],
  requestTypes?: string[],
): Record<string, unknown> {
  return {
    operationId: `${action}${def.kind}`,
    parameters: queryParameters.map((name) => ({
      name,
      in: 'query',
      schema: { type: name === 'force' ? 'boolean' : 'string' },
    })),
    ...(requestTypes === undefined
      ? {}
      : {
          requestBody: {
            content: Object.fromEntries(requestTypes.map((t) => [t, { schema: { type: 'object' } }])),
          },
        }),
    responses: {
      '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
    },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    'x-kubernetes-api-version': groupVersion(gvk.group, gvk.version),
  };
}
