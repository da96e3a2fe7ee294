import { describe, expect, it } from 'vitest';
import {
  type Deployment,
  deploymentView,
  isRolledOut,
  parseDeployment,
} from '../../lib/cluster/deployment-view.js';
import { podSpecHash } from '../../lib/cluster/pod-spec-hash.js';

const deployment = (
  spec: { replicas?: number; generation?: number },
  status: Record<string, number> | undefined,
): Deployment =>
  parseDeployment(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'prod', generation: spec.generation ?? 2, resourceVersion: '7' },
      spec: {
        ...(spec.replicas === undefined ? {} : { replicas: spec.replicas }),
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'web:1' }] },
        },
      },
      ...(status === undefined ? {} : { status }),
    },
    'Deployment prod/web',
  );

const settled = {
  observedGeneration: 2,
  replicas: 3,
  updatedReplicas: 3,
  readyReplicas: 3,
  availableReplicas: 3,
};

describe('isRolledOut', () => {
  it('is true once the latest generation runs on every replica', () => {
    expect(isRolledOut(deployment({ replicas: 3 }, settled))).toBe(true);
  });

  it('is false while the controller has not seen the latest spec', () => {
    expect(isRolledOut(deployment({ replicas: 3, generation: 3 }, settled))).toBe(false);
  });

  it('is false while replicas are being updated or becoming available', () => {
    expect(isRolledOut(deployment({ replicas: 3 }, { ...settled, updatedReplicas: 2 }))).toBe(false);
    expect(isRolledOut(deployment({ replicas: 3 }, { ...settled, availableReplicas: 2 }))).toBe(false);
  });

  it('is false while old replicas are still terminating (surge)', () => {
    expect(isRolledOut(deployment({ replicas: 3 }, { ...settled, replicas: 4 }))).toBe(false);
  });

  it('is false for a Deployment scaled to zero: it serves nothing', () => {
    const zero = {
      observedGeneration: 2,
      replicas: 0,
      updatedReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
    };
    expect(isRolledOut(deployment({ replicas: 0 }, zero))).toBe(false);
  });

  it('is false without a status, and counts an unset spec.replicas as 1', () => {
    expect(isRolledOut(deployment({ replicas: 1 }, undefined))).toBe(false);
    const one = {
      observedGeneration: 2,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    };
    expect(isRolledOut(deployment({}, one))).toBe(true);
  });
});

describe('deploymentView', () => {
  it('reports a missing Deployment with zeros', () => {
    expect(deploymentView('web-canary', null)).toEqual({
      name: 'web-canary',
      exists: false,
      image: null,
      podSpecHash: null,
      replicas: 0,
      readyReplicas: 0,
      updatedReplicas: 0,
      availableReplicas: 0,
      available: false,
    });
  });

  it('reports image, counts and the pod spec hash', () => {
    const d = deployment({ replicas: 3 }, { ...settled, readyReplicas: 2, availableReplicas: 2 });
    expect(deploymentView('web', d)).toEqual({
      name: 'web',
      exists: true,
      image: 'web:1',
      podSpecHash: podSpecHash({ containers: [{ name: 'app', image: 'web:1' }] }),
      replicas: 3,
      readyReplicas: 2,
      updatedReplicas: 3,
      availableReplicas: 2,
      available: false,
    });
  });

  it('rejects an object that is not a Deployment', () => {
    expect(() => parseDeployment({ metadata: { name: 'x' }, spec: {} }, 'Deployment prod/x')).toThrow(
      'Deployment prod/x is not a valid apps/v1 Deployment',
    );
  });
});
