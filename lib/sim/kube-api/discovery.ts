import { groupVersion } from './kube-object.js';
import type { ResourceCatalog } from './resource-catalog.js';
import type { ResourceDefinition } from './resource-definition.js';

/**
 * Legacy discovery documents (`/api`, `/apis`, `/apis/{group}`, `/apis/{group}/{version}`). Aggregated
 * discovery is not offered: these answer `application/json`, and kubectl falls back to them.
 */

/** Served alongside the catalog's groups: an API group owned by another server (an APIService). */
export interface ExtraGroup {
  name: string;
  version: string;
  resources: Record<string, unknown>[];
}

export const versionInfo = (): Record<string, string> => ({
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T00:00:00Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
});

export const coreVersions = (serverAddress: string): Record<string, unknown> => ({
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
});

function groupDocument(name: string, versions: string[]): Record<string, unknown> {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

export const groupList = (catalog: ResourceCatalog, extra: ExtraGroup[]): Record<string, unknown> => ({
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: [
    ...catalog.groups().map((g) => groupDocument(g.name, g.versions)),
    ...extra.map((g) => groupDocument(g.name, [g.version])),
  ],
});

export function group(
  catalog: ResourceCatalog,
  extra: ExtraGroup[],
  name: string,
): Record<string, unknown> | null {
  const served = catalog.groups().find((g) => g.name === name);
  const other = extra.find((g) => g.name === name);
  const versions = served?.versions ?? (other === undefined ? undefined : [other.version]);
  if (versions === undefined) return null;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(name, versions) };
}

export function resourceList(
  catalog: ResourceCatalog,
  extra: ExtraGroup[],
  groupName: string,
  version: string,
): Record<string, unknown> | null {
  const other = extra.find((g) => g.name === groupName && g.version === version);
  const definitions = catalog.inGroupVersion(groupName, version);
  if (other === undefined && definitions.length === 0) return null;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(groupName, version),
    resources: other?.resources ?? definitions.flatMap(resourceEntries),
  };
}

function resourceEntries(def: ResourceDefinition): Record<string, unknown>[] {
  const main = {
    name: def.plural,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: def.verbs,
    ...(def.shortNames.length > 0 ? { shortNames: def.shortNames } : {}),
    ...(def.categories.length > 0 ? { categories: def.categories } : {}),
  };
  const subresources: Record<string, unknown>[] = [];
  if (def.statusSubresource) {
    subresources.push({
      name: `${def.plural}/status`,
      singularName: '',
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (def.scaleSubresource) {
    subresources.push({
      name: `${def.plural}/scale`,
      singularName: '',
      namespaced: def.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (def.group === '' && def.plural === 'services') {
    subresources.push({
      name: 'services/proxy',
      singularName: '',
      namespaced: true,
      kind: 'ServiceProxyOptions',
      verbs: ['create', 'delete', 'get', 'patch', 'update'],
    });
  }
  return [main, ...subresources];
}
