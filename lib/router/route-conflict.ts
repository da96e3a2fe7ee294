import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { ConfigurationError } from '../errors.js';
import { toKubeError } from '../kube/api-error.js';
import { chooseVersion, servedVersions } from '../kube/api-group-versions.js';
import { HTTPROUTE_VERSIONS, type ResolvedTarget, SMI_SPLIT_VERSIONS } from '../model/config.js';
import { GATEWAY_GROUP } from './gateway-httproute.js';
import { SMI_SPLIT_GROUP } from './smi-trafficsplit.js';

interface Listed {
  metadata?: { name?: string };
  spec?: { service?: unknown; parentRefs?: unknown };
}

/**
 * Refuses a target whose apex Service is routed by both a TrafficSplit and an HTTPRoute: the mesh applies
 * one of them, so Aviary could move weights on the one that has no effect. The other kind is looked up
 * by what it routes, not by name: TrafficSplits whose `spec.service` is the apex; HTTPRoutes attached to
 * the apex Service (a GAMMA `parentRef`). An HTTPRoute attached only to a Gateway is ingress routing, which
 * the mesh's split does not compete with.
 */
export async function assertSingleRoute(kubeConfig: KubeConfig, target: ResolvedTarget): Promise<void> {
  const configured =
    target.router.kind === 'smi'
      ? `TrafficSplit ${target.namespace}/${target.router.name ?? target.service}`
      : `HTTPRoute ${target.namespace}/${target.router.name ?? target.service}`;
  const others =
    target.router.kind === 'smi'
      ? await apexHttpRoutes(kubeConfig, target)
      : await apexTrafficSplits(kubeConfig, target);
  if (others.length > 0) {
    throw new ConfigurationError(
      `configuration error: both ${configured} and ${others.join(', ')} route service ${target.namespace}/${target.service}; ` +
        `the target uses router kind "${target.router.kind}": delete the other one (or fix router.kind)`,
    );
  }
}

async function apexTrafficSplits(kubeConfig: KubeConfig, target: ResolvedTarget): Promise<string[]> {
  const items = await listIfServed(
    kubeConfig,
    target,
    SMI_SPLIT_GROUP,
    'TrafficSplit',
    'trafficsplits',
    SMI_SPLIT_VERSIONS,
  );
  return items
    .filter((item) => item.spec?.service === target.service)
    .map((item) => `TrafficSplit ${target.namespace}/${item.metadata?.name ?? '?'}`);
}

async function apexHttpRoutes(kubeConfig: KubeConfig, target: ResolvedTarget): Promise<string[]> {
  const items = await listIfServed(
    kubeConfig,
    target,
    GATEWAY_GROUP,
    'HTTPRoute',
    'httproutes',
    HTTPROUTE_VERSIONS,
  );
  return items
    .filter((item) => attachesToService(item.spec?.parentRefs, target))
    .map((item) => `HTTPRoute ${target.namespace}/${item.metadata?.name ?? '?'}`);
}

function attachesToService(parentRefs: unknown, target: ResolvedTarget): boolean {
  if (!Array.isArray(parentRefs)) return false;
  return parentRefs.some((ref: { name?: unknown; kind?: unknown; group?: unknown; namespace?: unknown }) => {
    const group = ref?.group ?? '';
    return (
      ref?.kind === 'Service' &&
      (group === '' || group === 'core') &&
      ref.name === target.service &&
      (ref.namespace ?? target.namespace) === target.namespace
    );
  });
}

/**
 * The other kind's objects in the target's namespace; none when its API group is not installed, or when
 * Aviary may not list it (403): a permission for a kind the target does not use is not required.
 */
async function listIfServed(
  kubeConfig: KubeConfig,
  target: ResolvedTarget,
  group: string,
  kind: string,
  plural: string,
  supported: readonly string[],
): Promise<Listed[]> {
  const served = await servedVersions(kubeConfig, group);
  if (served === null || !supported.some((v) => served.versions.includes(v))) return [];
  const version = await chooseVersion(kubeConfig, { group, kind, supported });
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  try {
    const list = (await api.listNamespacedCustomObject({
      group,
      version,
      namespace: target.namespace,
      plural,
    })) as {
      items?: Listed[];
    };
    return Array.isArray(list?.items) ? list.items : [];
  } catch (error) {
    if (error instanceof ApiException && error.code === 403) return [];
    throw toKubeError(error, `list ${kind}s in ${target.namespace}`);
  }
}
