import { validateWith } from '../field-validation.js';
import { groupVersion, type KubeObject } from '../kube-object.js';
import { READ_WRITE_VERBS, type ResourceDefinition } from '../resource-definition.js';
import { AGE_COLUMN, ageCell, column, NAME_COLUMN, nameCell } from '../table-columns.js';
import { HttpRouteSchema, type HttpRouteSpec, type HttpRouteVersion } from './http-route-schema.js';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** Gateway API HTTPRoute, a CRD with a status subresource; v1 and v1beta1 share one schema. */
export function httpRouteDefinition(servedVersions: HttpRouteVersion[]): ResourceDefinition {
  const withVersion = (object: KubeObject, version: string): KubeObject => {
    const { apiVersion: _apiVersion, kind: _kind, metadata, spec, status } = object;
    return {
      apiVersion: groupVersion(GATEWAY_GROUP, version),
      kind: 'HTTPRoute',
      metadata,
      spec,
      ...(status === undefined ? {} : { status }),
    };
  };
  return {
    group: GATEWAY_GROUP,
    kind: 'HTTPRoute',
    listKind: 'HTTPRouteList',
    plural: 'httproutes',
    singular: 'httproute',
    shortNames: [],
    categories: ['gateway-api'],
    namespaced: true,
    versions: servedVersions,
    storageVersion: 'v1',
    verbs: [...READ_WRITE_VERBS, 'deletecollection', 'watch'],
    custom: true,
    statusSubresource: true,
    scaleSubresource: false,
    decode(object) {
      const { spec } = validateWith(HttpRouteSchema, object);
      return withVersion({ ...object, spec }, 'v1');
    },
    encode: withVersion,
    table: {
      columns: [
        NAME_COLUMN,
        column('Hostnames', 'The hostnames the route matches.'),
        column('Backends', 'Backend references with their weights.'),
        AGE_COLUMN,
      ],
      cells: (object: KubeObject, nowMs: number) => {
        const spec = object.spec as Partial<HttpRouteSpec> | undefined;
        const backends = (spec?.rules ?? [])
          .flatMap((rule) => rule.backendRefs ?? [])
          .map((ref) => `${ref.name}=${ref.weight ?? 1}`)
          .join(',');
        return [nameCell(object), JSON.stringify(spec?.hostnames ?? []), backends, ageCell(object, nowMs)];
      },
    },
  };
}
