import { describe, expect, it } from 'vitest';
import { deploymentImage } from '../../lib/github/deployment-image.js';
import { deploymentStatusFor, shortDescription } from '../../lib/github/deployment-status.js';
import { pendingRollout } from '../functions/fixtures.js';

const base = { sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e', ref: 'main', environment: 'production' };

describe('deploymentImage: payload.image, else the target imageTemplate, else refused', () => {
  it.each([
    [{ image: 'ghcr.io/acme/app:1.2.3' }, undefined, 'ghcr.io/acme/app:1.2.3'],
    ['{"image":"ghcr.io/acme/app:1.2.4"}', undefined, 'ghcr.io/acme/app:1.2.4'],
    [{ image: 'ghcr.io/acme/app:9' }, 'ghcr.io/acme/app:{sha}', 'ghcr.io/acme/app:9'],
    [{}, 'ghcr.io/acme/app:{sha}', `ghcr.io/acme/app:${base.sha}`],
    [
      null,
      'registry.local:5000/acme/app:{environment}-{ref}',
      'registry.local:5000/acme/app:production-main',
    ],
  ])('payload %j with template %s → %s', (payload, template, image) => {
    expect(deploymentImage({ ...base, payload, template })).toEqual({
      ok: true,
      image,
      from:
        typeof payload === 'object' && payload && 'image' in payload
          ? 'payload'
          : typeof payload === 'string'
            ? 'payload'
            : 'template',
    });
  });

  it.each<[unknown, string | undefined, RegExp, Partial<typeof base>?]>([
    [{}, undefined, /no image/],
    [{ image: 42 }, 'ghcr.io/acme/app:{sha}', /not an image reference/],
    [{ image: 'UPPER/case:1' }, undefined, /not an image reference/],
    [{}, 'ghcr.io/acme/app:{ref}', /not an image reference/, { ref: 'feature/x' }],
    [{}, 'ghcr.io/acme/app:{sha}', /needs \{sha\}/, { sha: '' }],
  ])('refuses payload %j with template %s', (payload, template, message, patch = {}) => {
    const result = deploymentImage({ ...base, ...patch, payload, template });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(message);
  });
});

describe('deploymentStatusFor: the state a transition reports', () => {
  const started = pendingRollout();
  const at = (patch: Record<string, unknown>) =>
    pendingRollout({
      lastDecision: { ...(started.lastDecision as NonNullable<typeof started.lastDecision>), ...patch },
    });
  it.each([
    [started, 'in_progress'],
    [at({ action: 'complete', fromPhase: 'promoting', toPhase: 'succeeded', reason: 'promoted' }), 'success'],
    [
      at({ action: 'rollback', fromPhase: 'progressing', toPhase: 'rolling_back', reason: 'errors' }),
      'failure',
    ],
    [at({ action: 'complete', fromPhase: 'rolling_back', toPhase: 'failed', reason: 'rolled back' }), null],
    [
      at({ action: 'supersede', fromPhase: 'progressing', toPhase: 'superseded', reason: 'superseded by x' }),
      'inactive',
    ],
    [at({ action: 'advance', fromPhase: 'progressing', toPhase: 'progressing', reason: 'ok' }), null],
  ])('%#: %s', (rollout, state) => {
    expect(deploymentStatusFor(rollout, 'https://x/rollouts/1')?.state ?? null).toBe(state);
  });

  it('keeps descriptions within GitHub 140 characters', () => {
    const long = shortDescription('x'.repeat(500));
    expect([...long].length).toBe(140);
    expect(shortDescription(' a \n b ')).toBe('a b');
  });
});
