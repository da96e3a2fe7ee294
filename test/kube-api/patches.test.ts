import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../../lib/sim/kube-api/json-patch.js';
import { applyMergePatch } from '../../lib/sim/kube-api/merge-patch.js';
import { StatusError } from '../../lib/sim/kube-api/status.js';
import { applyStrategicMergePatch } from '../../lib/sim/kube-api/strategic-merge-patch.js';

const statusCode = (run: () => unknown): number => {
  try {
    run();
  } catch (error) {
    if (error instanceof StatusError) return error.status.code;
    throw error;
  }
  throw new Error('expected a StatusError');
};

describe('JSON merge patch (RFC 7386)', () => {
  it('merges objects, removes nulls and replaces everything else', () => {
    const target = { a: 'b', c: { d: 'e', f: 'g' }, list: [1, 2] };
    expect(applyMergePatch(target, { a: 'z', c: { f: null }, list: [3] })).toEqual({
      a: 'z',
      c: { d: 'e' },
      list: [3],
    });
    expect(target).toEqual({ a: 'b', c: { d: 'e', f: 'g' }, list: [1, 2] });
    expect(applyMergePatch({ a: 1 }, { b: { c: null } })).toEqual({ a: 1, b: {} });
  });
});

describe('JSON patch (RFC 6902)', () => {
  const doc = {
    spec: {
      backends: [
        { service: 'a', weight: 90 },
        { service: 'b', weight: 10 },
      ],
    },
    metadata: { 'a/b': 1 },
  };

  it('applies add, remove, replace, move, copy and test', () => {
    const result = applyJsonPatch(doc, [
      { op: 'test', path: '/spec/backends/0/service', value: 'a' },
      { op: 'replace', path: '/spec/backends/0/weight', value: 50 },
      { op: 'add', path: '/spec/backends/-', value: { service: 'c', weight: 0 } },
      { op: 'add', path: '/spec/backends/0', value: { service: 'first', weight: 1 } },
      { op: 'remove', path: '/metadata/a~1b' },
      { op: 'copy', from: '/spec/backends/1', path: '/spec/copied' },
      { op: 'move', from: '/spec/copied', path: '/spec/moved' },
    ]);
    expect(result).toEqual({
      spec: {
        backends: [
          { service: 'first', weight: 1 },
          { service: 'a', weight: 50 },
          { service: 'b', weight: 10 },
          { service: 'c', weight: 0 },
        ],
        moved: { service: 'a', weight: 50 },
      },
      metadata: {},
    });
    expect(doc.spec.backends[0]?.weight).toBe(90);
  });

  it('answers 400 for a malformed patch and 422 for one that does not apply', () => {
    expect(statusCode(() => applyJsonPatch(doc, { op: 'add' }))).toBe(400);
    expect(statusCode(() => applyJsonPatch(doc, [{ op: 'frobnicate', path: '/a' }]))).toBe(400);
    expect(statusCode(() => applyJsonPatch(doc, [{ op: 'add', path: '/a' }]))).toBe(400);
    expect(
      statusCode(() => applyJsonPatch(doc, [{ op: 'test', path: '/spec/backends/0/weight', value: 1 }])),
    ).toBe(422);
    expect(statusCode(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/nothing', value: 1 }]))).toBe(
      422,
    );
    expect(statusCode(() => applyJsonPatch(doc, [{ op: 'remove', path: '/spec/backends/7' }]))).toBe(422);
  });
});

describe('strategic merge patch', () => {
  const keys = { 'spec.containers': 'name', 'spec.containers[].env': 'name' };
  const original = {
    metadata: { labels: { app: 'x', tier: 'web' } },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'app:1',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
        },
        { name: 'sidecar', image: 'proxy:1' },
      ],
      tolerations: [{ key: 'a' }],
    },
  };

  it('merges keyed lists element by element and replaces the others', () => {
    const result = applyStrategicMergePatch(
      original,
      {
        metadata: { labels: { tier: null, team: 'a' } },
        spec: {
          containers: [
            { name: 'app', image: 'app:2', env: [{ name: 'B', value: '3' }] },
            { name: 'new', image: 'n:1' },
          ],
          tolerations: [{ key: 'b' }],
        },
      },
      keys,
    );
    expect(result).toEqual({
      metadata: { labels: { app: 'x', team: 'a' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app:2',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '3' },
            ],
          },
          { name: 'sidecar', image: 'proxy:1' },
          { name: 'new', image: 'n:1' },
        ],
        tolerations: [{ key: 'b' }],
      },
    });
  });

  it('honours $patch delete and replace directives and drops $setElementOrder', () => {
    const result = applyStrategicMergePatch(
      original,
      {
        metadata: { labels: { $patch: 'replace', only: 'this' } },
        spec: {
          containers: [{ name: 'sidecar', $patch: 'delete' }],
          '$setElementOrder/containers': [{ name: 'app' }],
        },
      },
      keys,
    );
    expect(result).toEqual({
      metadata: { labels: { only: 'this' } },
      spec: { containers: [original.spec.containers[0]], tolerations: [{ key: 'a' }] },
    });
  });

  it('answers 400 for a keyed list element without its key', () => {
    expect(
      statusCode(() => applyStrategicMergePatch(original, { spec: { containers: [{ image: 'x' }] } }, keys)),
    ).toBe(400);
  });
});
