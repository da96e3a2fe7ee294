import { isDeepStrictEqual } from 'node:util';
import { renderValue } from '../field-causes.js';
import { FieldValidationError, validateWith } from '../field-validation.js';
import type { KubeObject } from '../kube-object.js';
import { READ_WRITE_VERBS, type ResourceDefinition } from '../resource-definition.js';
import type { StatusCause } from '../status.js';
import { AGE_COLUMN, ageCell, column, NAME_COLUMN, nameCell } from '../table-columns.js';
import { DeploymentSchema, type DeploymentSpec, type DeploymentStatus } from './deployment-schema.js';

export const APPS_GROUP = 'apps';

/** `apps/v1` Deployment, with `/scale` and `/status`; its status is written by the simulated controller. */
export function deploymentDefinition(): ResourceDefinition {
  return {
    group: APPS_GROUP,
    kind: 'Deployment',
    listKind: 'DeploymentList',
    plural: 'deployments',
    singular: 'deployment',
    shortNames: ['deploy'],
    categories: ['all'],
    namespaced: true,
    versions: ['v1'],
    storageVersion: 'v1',
    verbs: [...READ_WRITE_VERBS, 'deletecollection', 'watch'],
    custom: false,
    statusSubresource: true,
    scaleSubresource: true,
    mergeKeys: {
      'metadata.ownerReferences': 'uid',
      'spec.template.spec.containers': 'name',
      'spec.template.spec.initContainers': 'name',
      'spec.template.spec.containers[].env': 'name',
      'spec.template.spec.containers[].ports': 'containerPort',
      'spec.template.spec.containers[].volumeMounts': 'mountPath',
      'spec.template.spec.initContainers[].env': 'name',
      'spec.template.spec.volumes': 'name',
      'spec.template.spec.imagePullSecrets': 'name',
      'status.conditions': 'type',
    },
    decode(object) {
      const { spec } = validateWith(DeploymentSchema, object, 'builtin');
      const causes = selectorCauses(spec);
      if (causes.length > 0) throw new FieldValidationError(causes);
      const { status } = object;
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: object.metadata,
        spec,
        ...(status === undefined ? {} : { status }),
      };
    },
    encode: (stored) => ({ ...stored, apiVersion: 'apps/v1', kind: 'Deployment' }),
    validateUpdate(next, previous) {
      const selector = (next.spec as DeploymentSpec).selector;
      const before = (previous.spec as DeploymentSpec).selector;
      if (isDeepStrictEqual(selector, before)) return [];
      return [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${renderValue(selector)}: field is immutable`,
          field: 'spec.selector',
        },
      ];
    },
    table: {
      columns: [
        NAME_COLUMN,
        column('Ready', 'Number of the pod with ready state'),
        column(
          'Up-to-date',
          'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
          { type: 'integer' },
        ),
        column(
          'Available',
          'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
          { type: 'integer' },
        ),
        AGE_COLUMN,
        // As the real API server: these three only show with `kubectl get -o wide`.
        column('Containers', 'Names of each container in the template.', { priority: 1 }),
        column('Images', 'Images referenced by each container in the template.', { priority: 1 }),
        column(
          'Selector',
          'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
          { priority: 1 },
        ),
      ],
      cells: (object: KubeObject, nowMs: number) => {
        const spec = object.spec as DeploymentSpec;
        const status = (object.status ?? {}) as DeploymentStatus;
        const containers = spec.template.spec.containers;
        const selector = Object.entries(spec.selector?.matchLabels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        return [
          nameCell(object),
          `${status.readyReplicas ?? 0}/${spec.replicas}`,
          status.updatedReplicas ?? 0,
          status.availableReplicas ?? 0,
          ageCell(object, nowMs),
          containers.map((c) => c.name).join(','),
          containers.map((c) => c.image).join(','),
          selector,
        ];
      },
    },
  };
}

function selectorCauses(spec: DeploymentSpec): StatusCause[] {
  const matchLabels = spec.selector.matchLabels ?? {};
  const expressions = spec.selector.matchExpressions ?? [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
    return [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${renderValue(spec.selector)}: empty selector is invalid for deployment`,
        field: 'spec.selector',
      },
    ];
  }
  const labels = spec.template.metadata.labels ?? {};
  const matches =
    Object.entries(matchLabels).every(([k, v]) => labels[k] === v) &&
    expressions.every((e) => expressionHolds(e, labels));
  if (matches) return [];
  return [
    {
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${renderValue(labels)}: \`selector\` does not match template \`labels\``,
      field: 'spec.template.metadata.labels',
    },
  ];
}

const k8sIn = (value: string | undefined, values: string[] = []): boolean =>
  value !== undefined && values.includes(value);

type Expression = NonNullable<DeploymentSpec['selector']['matchExpressions']>[number];

function expressionHolds(e: Expression, labels: Record<string, string>): boolean {
  switch (e.operator) {
    case 'In':
      return k8sIn(labels[e.key], e.values);
    case 'NotIn':
      return !k8sIn(labels[e.key], e.values);
    case 'Exists':
      return e.key in labels;
    case 'DoesNotExist':
      return !(e.key in labels);
  }
}
