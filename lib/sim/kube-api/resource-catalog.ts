import { splitApiVersion } from './kube-object.js';
import type { ResourceDefinition } from './resource-definition.js';
import { byVersionPriority } from './version-priority.js';

export interface ServedGroup {
  name: string;
  /** Most preferred first. */
  versions: string[];
}

/** The resources this API server serves, looked up the ways requests and the in-process API name them. */
export class ResourceCatalog {
  constructor(readonly definitions: readonly ResourceDefinition[]) {}

  /** API groups other than the core group, each with its served versions. */
  groups(): ServedGroup[] {
    const versions = new Map<string, Set<string>>();
    for (const def of this.definitions) {
      if (def.group === '') continue;
      const set = versions.get(def.group) ?? new Set<string>();
      for (const v of def.versions) set.add(v);
      versions.set(def.group, set);
    }
    return [...versions].map(([name, set]) => ({ name, versions: byVersionPriority([...set]) }));
  }

  servesVersion(group: string, version: string): boolean {
    return this.definitions.some((d) => d.group === group && d.versions.includes(version));
  }

  inGroupVersion(group: string, version: string): ResourceDefinition[] {
    return this.definitions.filter((d) => d.group === group && d.versions.includes(version));
  }

  byPlural(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.inGroupVersion(group, version).find((d) => d.plural === plural);
  }

  byKind(apiVersion: string, kind: string): { definition: ResourceDefinition; version: string } | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    const definition = this.inGroupVersion(group, version).find((d) => d.kind === kind);
    return definition === undefined ? undefined : { definition, version };
  }
}
