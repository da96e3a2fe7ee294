import type { AviaryConfig, ResolvedFleet, ResolvedTarget } from '../model/config.js';
import type { Policy } from '../model/policy.js';

/*
 * Lookups in a parsed configuration. Apart from the loader (load-config.ts) so that code that only reads a
 * configuration (the engine, the webhooks) never bundles the YAML parser.
 */

export function resolveTarget(config: AviaryConfig, name: string): ResolvedTarget | null {
  if (!Object.hasOwn(config.targets, name)) return null;
  const target = config.targets[name];
  return target ? { ...target, name } : null;
}

/** The policy a target names. Throws for an unknown target; a parsed config always has the policy. */
export function policyFor(config: AviaryConfig, targetName: string): Policy {
  const target = resolveTarget(config, targetName);
  if (!target) throw new Error(`unknown target "${targetName}"`);
  const policy = Object.hasOwn(config.policies, target.policy) ? config.policies[target.policy] : undefined;
  if (!policy) throw new Error(`target "${targetName}" names unknown policy "${target.policy}"`);
  return policy;
}

/** Targets a GitHub deployment to `environment` rolls out to, in configuration order. */
export function targetsForGithubEnvironment(config: AviaryConfig, environment: string): ResolvedTarget[] {
  return Object.entries(config.targets)
    .filter(([, target]) => target.githubEnvironments.includes(environment))
    .map(([name, target]) => ({ ...target, name }));
}

/** Fleets a GitHub deployment to `environment` starts, in configuration order. */
export function fleetsForGithubEnvironment(config: AviaryConfig, environment: string): string[] {
  return Object.entries(config.fleets)
    .filter(([, fleet]) => fleet.githubEnvironments.includes(environment))
    .map(([name]) => name);
}

/** The fleet of that name with its name, or null. */
export function resolveFleet(config: AviaryConfig, name: string): ResolvedFleet | null {
  if (!Object.hasOwn(config.fleets, name)) return null;
  const fleet = config.fleets[name];
  return fleet ? { ...fleet, name } : null;
}

/** Who may approve a fleet's waves or unfreeze it: its own approvers, else the approvers of its targets. */
export function fleetApprovers(config: AviaryConfig, fleet: ResolvedFleet): string[] {
  if (fleet.approvers.length > 0) return fleet.approvers;
  const all = fleet.waves.flatMap((w) => w.targets.flatMap((t) => resolveTarget(config, t)?.approvers ?? []));
  return [...new Set(all)];
}
