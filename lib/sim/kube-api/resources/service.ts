import { z } from 'zod';
import { validateWith } from '../field-validation.js';
import { isPlainObject, type KubeObject } from '../kube-object.js';
import { READ_WRITE_VERBS, type ResourceDefinition } from '../resource-definition.js';
import { AGE_COLUMN, ageCell, column, NAME_COLUMN, nameCell } from '../table-columns.js';

const ServicePort = z.looseObject({
  name: z.string().optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
  port: z.number().int().min(1).max(65535),
  targetPort: z.union([z.number().int().min(1).max(65535), z.string().min(1)]).optional(),
});

const ServiceSchema = z.object({
  spec: z
    .looseObject({
      type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).default('ClusterIP'),
      selector: z.record(z.string(), z.string()).optional(),
      ports: z.array(ServicePort).optional(),
      clusterIP: z.string().optional(),
      sessionAffinity: z.enum(['None', 'ClientIP']).default('None'),
    })
    .default({ type: 'ClusterIP', sessionAffinity: 'None' }),
});

type ServiceSpec = z.infer<typeof ServiceSchema>['spec'];

/** Core `v1` Service. The service proxy in front of registered handlers resolves named ports through it. */
export function serviceDefinition(): ResourceDefinition {
  let allocated = 0;
  const nextClusterIp = (): string => {
    allocated += 1;
    return `10.96.${Math.floor(allocated / 250)}.${(allocated % 250) + 1}`;
  };
  return {
    group: '',
    kind: 'Service',
    listKind: 'ServiceList',
    plural: 'services',
    singular: 'service',
    shortNames: ['svc'],
    categories: ['all'],
    namespaced: true,
    versions: ['v1'],
    storageVersion: 'v1',
    verbs: [...READ_WRITE_VERBS, 'watch'],
    custom: false,
    statusSubresource: true,
    scaleSubresource: false,
    mergeKeys: { 'spec.ports': 'port', 'metadata.ownerReferences': 'uid' },
    decode(object, _version, previous) {
      const { spec } = validateWith(ServiceSchema, object, 'builtin');
      const previousIp = isPlainObject(previous?.spec)
        ? (previous.spec.clusterIP as string | undefined)
        : undefined;
      const clusterIP =
        spec.type === 'ExternalName' ? undefined : (spec.clusterIP ?? previousIp ?? nextClusterIp());
      const ports = spec.ports?.map((p) => ({ ...p, targetPort: p.targetPort ?? p.port }));
      return {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: object.metadata,
        spec: {
          ...spec,
          ...(ports === undefined ? {} : { ports }),
          ...(clusterIP === undefined ? {} : { clusterIP, clusterIPs: [clusterIP] }),
        },
        status: object.status ?? { loadBalancer: {} },
      };
    },
    encode: (stored) => ({ ...stored, apiVersion: 'v1', kind: 'Service' }),
    table: {
      columns: [
        NAME_COLUMN,
        column('Type', 'The type of the service.'),
        column('Cluster-IP', 'The cluster IP of the service.'),
        column('External-IP', 'The external IP of the service.'),
        column('Port(s)', 'The ports of the service.'),
        AGE_COLUMN,
      ],
      cells: (object: KubeObject, nowMs: number) => {
        const spec = object.spec as ServiceSpec;
        const ports = (spec.ports ?? []).map((p) => `${p.port}/${p.protocol}`).join(',');
        return [
          nameCell(object),
          spec.type,
          spec.clusterIP ?? 'None',
          '<none>',
          ports || '<none>',
          ageCell(object, nowMs),
        ];
      },
    },
  };
}
