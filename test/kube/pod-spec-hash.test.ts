import { describe, expect, it } from 'vitest';
import { canonicalJson, podSpecHash } from '../../lib/cluster/pod-spec-hash.js';

const spec = {
  containers: [
    {
      name: 'app',
      image: 'web:1',
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      resources: { limits: { cpu: '500m' } },
    },
  ],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
};

describe('podSpecHash', () => {
  it('does not depend on key order at any depth', () => {
    const reordered = {
      terminationGracePeriodSeconds: 30,
      restartPolicy: 'Always',
      containers: [
        {
          resources: { limits: { cpu: '500m' } },
          ports: [{ protocol: 'TCP', containerPort: 8080 }],
          image: 'web:1',
          name: 'app',
        },
      ],
    };
    expect(podSpecHash(reordered)).toBe(podSpecHash(spec));
  });

  it('changes with any value, and with list order', () => {
    const base = podSpecHash(spec);
    expect(podSpecHash({ ...spec, terminationGracePeriodSeconds: 31 })).not.toBe(base);
    expect(podSpecHash({ ...spec, containers: [{ ...spec.containers[0], image: 'web:2' }] })).not.toBe(base);
    const two = [
      { name: 'a', image: 'a' },
      { name: 'b', image: 'b' },
    ];
    expect(podSpecHash({ containers: two })).not.toBe(podSpecHash({ containers: [...two].reverse() }));
  });

  it('is a short hex digest, the same on every call', () => {
    expect(podSpecHash(spec)).toMatch(/^[0-9a-f]{16}$/);
    expect(podSpecHash(structuredClone(spec))).toBe(podSpecHash(spec));
  });

  it('ignores undefined members like JSON does', () => {
    expect(podSpecHash({ ...spec, hostname: undefined })).toBe(podSpecHash(spec));
    expect(canonicalJson({ b: 1, a: [1, 'x', null], c: undefined })).toBe('{"a":[1,"x",null],"b":1}');
  });
});
