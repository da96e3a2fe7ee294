import { groupVersion, type KubeObject } from '../kube-object.js';
import { READ_WRITE_VERBS, type ResourceDefinition } from '../resource-definition.js';
import { AGE_COLUMN, ageCell, column, NAME_COLUMN, nameCell } from '../table-columns.js';
import { specFromStorage, specToStorage } from './traffic-split-conversion.js';
import type { StoredTrafficSplitSpec, TrafficSplitVersion } from './traffic-split-schema.js';

export const TRAFFIC_SPLIT_GROUP = 'split.smi-spec.io';
const STORAGE_VERSION: TrafficSplitVersion = 'v1alpha1';

/** SMI TrafficSplit as Linkerd's SMI extension installs it: a CRD, stored as v1alpha1. */
export function trafficSplitDefinition(servedVersions: TrafficSplitVersion[]): ResourceDefinition {
  return {
    group: TRAFFIC_SPLIT_GROUP,
    kind: 'TrafficSplit',
    listKind: 'TrafficSplitList',
    plural: 'trafficsplits',
    singular: 'trafficsplit',
    shortNames: ['ts'],
    categories: [],
    namespaced: true,
    versions: servedVersions,
    storageVersion: STORAGE_VERSION,
    verbs: [...READ_WRITE_VERBS, 'deletecollection', 'watch'],
    custom: true,
    statusSubresource: false,
    scaleSubresource: false,
    decode(object, version) {
      const spec = specToStorage(object, version as TrafficSplitVersion);
      // Fields outside the schema are pruned, as for any structural CRD.
      return {
        apiVersion: groupVersion(TRAFFIC_SPLIT_GROUP, STORAGE_VERSION),
        kind: 'TrafficSplit',
        metadata: object.metadata,
        spec,
      };
    },
    encode(stored, version) {
      const spec = specFromStorage(stored.spec as StoredTrafficSplitSpec, version as TrafficSplitVersion);
      return {
        apiVersion: groupVersion(TRAFFIC_SPLIT_GROUP, version),
        kind: 'TrafficSplit',
        metadata: stored.metadata,
        spec,
      };
    },
    table: {
      columns: [
        NAME_COLUMN,
        column('Service', 'The apex service being split.'),
        column('Backends', 'Backend services with their weights.'),
        AGE_COLUMN,
      ],
      cells: (object: KubeObject, nowMs: number) => {
        const spec = object.spec as Partial<StoredTrafficSplitSpec> | undefined;
        const backends = (spec?.backends ?? []).map((b) => `${b.service}=${b.weight}`).join(',');
        return [nameCell(object), spec?.service ?? '', backends, ageCell(object, nowMs)];
      },
    },
  };
}
