import type { FunctionSecrets } from './app.js';

/**
 * A function's composition for the container's life, rebuilt only when one of its secrets changed. `setup`
 * (configuration, clients, the secrets loader) runs once; a failure is retried on the next invocation. The
 * secrets are loaded on every invocation: the loader's cache makes that free until their `maxAge` passes, and a
 * rotated secret then takes effect without a cold start.
 */
export function composeOnSecretChange<P, S extends FunctionSecrets, A>(
  setup: () => Promise<P> | P,
  loadSecrets: (parts: P) => Promise<S>,
  compose: (parts: P, secrets: S) => A,
): () => Promise<A> {
  let parts: Promise<P> | undefined;
  let current: { secrets: S; app: A } | undefined;
  return async () => {
    parts ??= Promise.resolve()
      .then(setup)
      .catch((error: unknown) => {
        parts = undefined;
        throw error;
      });
    const ready = await parts;
    const secrets = await loadSecrets(ready);
    if (!current || !sameSecrets(current.secrets, secrets))
      current = { secrets, app: compose(ready, secrets) };
    return current.app;
  };
}

function sameSecrets(a: FunctionSecrets, b: FunctionSecrets): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof FunctionSecrets)[]);
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
