import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/errors.js';
import { assertNotForeignOwned, foreignOwner } from '../../lib/router/foreign-owner.js';

const owned = (apiVersion: string, kind: string, name: string) => ({
  metadata: { name: 'web', ownerReferences: [{ apiVersion, kind, name, uid: '1', controller: true }] },
});

describe('foreign owners', () => {
  it('names Flagger and Argo Rollouts owners', () => {
    expect(foreignOwner(owned('flagger.app/v1beta1', 'Canary', 'podinfo'))).toBe('Flagger (Canary podinfo)');
    expect(foreignOwner(owned('argoproj.io/v1alpha1', 'Rollout', 'web'))).toBe('Argo Rollouts (Rollout web)');
  });

  it('accepts objects without owners or with other owners', () => {
    expect(foreignOwner({ metadata: { name: 'web' } })).toBeNull();
    expect(foreignOwner(owned('apps/v1', 'Deployment', 'web'))).toBeNull();
    expect(foreignOwner(owned('v1', 'Service', 'web'))).toBeNull();
    // A group that merely ends like Flagger's is someone else.
    expect(foreignOwner(owned('notflagger.app/v1', 'Canary', 'x'))).toBeNull();
    expect(foreignOwner(null)).toBeNull();
  });

  it('refuses a foreign-owned object with a configuration error that says what to do', () => {
    const refuse = () =>
      assertNotForeignOwned(owned('flagger.app/v1beta1', 'Canary', 'web'), 'TrafficSplit prod/web');
    expect(refuse).toThrow(ConfigurationError);
    expect(refuse).toThrow(/^configuration error: TrafficSplit prod\/web is owned by Flagger \(Canary web\)/);
    expect(() => assertNotForeignOwned({ metadata: { name: 'web' } }, 'TrafficSplit prod/web')).not.toThrow();
  });
});
