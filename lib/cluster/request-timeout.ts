import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

/**
 * A KubeConfig whose API calls (clients from `makeApiClient`) give up after `requestTimeoutMs`: one unreachable
 * cluster must fail fast instead of holding a Lambda until its own timeout. Watches and other streaming calls go
 * through `applyToFetchOptions` and are left alone.
 */
export class TimeoutKubeConfig extends KubeConfig {
  constructor(readonly requestTimeoutMs: number) {
    super();
    if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0) {
      throw new Error(`request timeout must be a positive number of milliseconds, got ${requestTimeoutMs}`);
    }
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
  }
}

/** The same clusters, users and contexts, with a per-request timeout. Custom authenticators are not carried over. */
export function withRequestTimeout(source: KubeConfig, timeoutMs: number): TimeoutKubeConfig {
  const kc = new TimeoutKubeConfig(timeoutMs);
  kc.loadFromOptions({
    clusters: source.getClusters(),
    users: source.getUsers(),
    contexts: source.getContexts(),
    currentContext: source.getCurrentContext(),
  });
  return kc;
}
