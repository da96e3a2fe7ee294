import { describe, expect, it } from 'vitest';
import { mergePatchDiff } from '../../lib/kube/merge-patch-diff.js';

/** RFC 7386 MergePatch, to check that applying the diff really yields the target. */
function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

describe('mergePatchDiff', () => {
  it('is undefined when nothing differs, whatever the key order', () => {
    expect(mergePatchDiff({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBeUndefined();
  });

  it('nulls members the target lacks, and diffs nested objects member by member', () => {
    const from = { a: 1, gone: true, nested: { keep: 1, drop: 2, change: 'x' } };
    const to = { a: 1, nested: { keep: 1, change: 'y', add: 3 } };
    const patch = mergePatchDiff(from, to);
    expect(patch).toEqual({ gone: null, nested: { drop: null, change: 'y', add: 3 } });
    expect(applyMergePatch(from, patch)).toEqual(to);
  });

  it('replaces arrays whole', () => {
    const from = {
      containers: [
        { name: 'app', image: 'a:1' },
        { name: 'sidecar', image: 's:1' },
      ],
    };
    const to = { containers: [{ name: 'app', image: 'a:2' }] };
    const patch = mergePatchDiff(from, to);
    expect(patch).toEqual({ containers: [{ name: 'app', image: 'a:2' }] });
    expect(applyMergePatch(from, patch)).toEqual(to);
  });

  it('turns a realistic primary pod spec into the canary one', () => {
    const primary = {
      containers: [{ name: 'app', image: 'web:1', env: [{ name: 'A', value: '1' }] }],
      securityContext: { runAsUser: 2, fsGroup: 3 },
      nodeSelector: { pool: 'general' },
      terminationGracePeriodSeconds: 30,
    };
    const canary = {
      containers: [{ name: 'app', image: 'web:2', env: [{ name: 'A', value: '2' }] }],
      securityContext: { runAsUser: 1 },
      terminationGracePeriodSeconds: 30,
      serviceAccountName: 'web',
    };
    expect(applyMergePatch(primary, mergePatchDiff(primary, canary))).toEqual(canary);
  });

  it('replaces a scalar with an object and the other way round', () => {
    expect(mergePatchDiff({ a: 1 }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
    expect(mergePatchDiff({ a: { b: 1 } }, { a: 1 })).toEqual({ a: 1 });
  });
});
