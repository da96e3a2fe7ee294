import type { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { ConfigurationError, NotFoundError } from '../errors.js';
import { callKube } from './api-error.js';
import { getJson } from './get-json.js';

/** `GET /apis/{group}`: the versions of one API group the cluster serves. */
const ApiGroupSchema = z.object({
  name: z.string(),
  versions: z.array(z.object({ groupVersion: z.string(), version: z.string() })),
  preferredVersion: z.object({ groupVersion: z.string(), version: z.string() }).optional(),
});

export interface ServedVersions {
  /** Served versions, in the order the API server lists them. */
  versions: string[];
  preferred: string | null;
}

/** CRDs change rarely; a few minutes keeps discovery off the hot path of every tick. */
const CACHE_TTL_MS = 5 * 60_000;
const cache = new Map<string, { expiresAt: number; served: ServedVersions | null }>();

/** Served versions of `group`, or null when the cluster does not serve the group at all. Cached per server. */
export async function servedVersions(
  kubeConfig: KubeConfig,
  group: string,
  now = Date.now(),
): Promise<ServedVersions | null> {
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  const key = `${server} ${group}`;
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.served;
  let served: ServedVersions | null;
  try {
    const body = await callKube(`discover API group ${group}`, () => getJson(kubeConfig, `/apis/${group}`));
    const parsed = ApiGroupSchema.safeParse(body);
    if (!parsed.success)
      throw new Error(`discover API group ${group}: unexpected answer: ${parsed.error.message}`);
    served = {
      versions: parsed.data.versions.map((v) => v.version),
      preferred: parsed.data.preferredVersion?.version ?? null,
    };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    served = null;
  }
  cache.set(key, { expiresAt: now + CACHE_TTL_MS, served });
  return served;
}

/** Forgets every discovery answer (tests that change what a server serves). */
export function clearApiGroupVersionCache(): void {
  cache.clear();
}

export interface VersionChoice {
  group: string;
  /** The resource, for messages: `TrafficSplit`, `HTTPRoute`. */
  kind: string;
  /** Versions Aviary can work with, most wanted first. */
  supported: readonly string[];
  /** A version the configuration pins (`router.apiVersion`). */
  pinned?: string | undefined;
}

/**
 * The version to talk to: the pinned one (checked against what is served, so a typo or an uninstalled
 * version fails with a message instead of a bare 404), else the group's preferred version when Aviary
 * supports it, else the first supported version that is served.
 */
export async function chooseVersion(kubeConfig: KubeConfig, choice: VersionChoice): Promise<string> {
  const { group, kind, supported, pinned } = choice;
  const served = await servedVersions(kubeConfig, group);
  if (served === null || served.versions.length === 0) {
    throw new ConfigurationError(
      `configuration error: the cluster does not serve the API group ${group}, so there is no ${kind} to route with (is its CRD installed?)`,
    );
  }
  if (pinned !== undefined) {
    if (served.versions.includes(pinned)) return pinned;
    throw new ConfigurationError(
      `configuration error: router.apiVersion pins ${group}/${pinned}, which the cluster does not serve (served: ${served.versions.join(', ')})`,
    );
  }
  if (
    served.preferred !== null &&
    supported.includes(served.preferred) &&
    served.versions.includes(served.preferred)
  ) {
    return served.preferred;
  }
  const usable = supported.find((v) => served.versions.includes(v));
  if (usable === undefined) {
    throw new ConfigurationError(
      `configuration error: the cluster serves ${group} ${served.versions.join(', ')}, none of which Aviary supports (${supported.join(', ')})`,
    );
  }
  return usable;
}
