import { type ResolvedTarget, TargetSchema } from '../../lib/model/config.js';

/** A target as config loading resolves it: apex `web`, primary `web-primary`, canary `web-canary`, in `prod`. */
export function webTarget(overrides: Record<string, unknown> = {}): ResolvedTarget {
  const config = TargetSchema.parse({
    cluster: 'sim',
    namespace: 'prod',
    service: 'web',
    primary: { service: 'web-primary', deployment: 'web-primary' },
    canary: { service: 'web-canary', deployment: 'web-canary' },
    ...overrides,
  });
  return { ...config, name: 'web' };
}
