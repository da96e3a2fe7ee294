/** Errors the adapters raise so the engine and the HTTP layer can tell them apart. */

/** A conditional write lost a race (stale version, or the target already has an active rollout). */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/**
 * The cluster is set up in a way Aviary must not touch: an object owned by another controller (Flagger, Argo
 * Rollouts), a TrafficSplit and an HTTPRoute on the same apex, backends that are not the target's two services.
 * The rollout holds and says why; it is not rolled back.
 */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** The cluster (or a metric source) could not be reached in time. Rollouts hold; they are not rolled back. */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
}
