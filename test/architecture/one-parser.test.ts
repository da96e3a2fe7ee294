import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSources } from './import-graph.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sources = readSources(ROOT, ['lib', 'functions', 'bin', 'bench']);

/** The files whose text matches `pattern` (comments included: a copied table is a copy wherever it sits). */
const filesMatching = (pattern: RegExp) =>
  [...sources].filter(([, text]) => pattern.test(text)).map(([file]) => file);

describe('one implementation of each wire format', () => {
  it('reads Kubernetes quantities only in lib/kube/quantity.ts', () => {
    // The binary SI suffixes (Ki … Ei) are what a quantity parser must know and nothing else uses.
    expect(filesMatching(/\bKi\b[^\n]*\bMi\b[^\n]*\bGi\b/)).toEqual(['lib/kube/quantity.ts']);
  });

  it('reads Go durations only in lib/metrics/go-duration.ts', () => {
    // Go's unit set (ns, us, µs, ms, s, m, h) in a pattern or a table.
    expect(filesMatching(/\bns\b[^\n]*\bus\b[^\n]*\bms\b|\bns:\s*1e-9/)).toEqual([
      'lib/metrics/go-duration.ts',
    ]);
  });

  it('signs AWS requests only through the SDK signer (@smithy/signature-v4): no hand-written SigV4 ships', () => {
    // The local AWS doubles check signatures; what Lambda runs never computes one by hand.
    const handSigned = filesMatching(/AWS4-HMAC-SHA256|aws4_request|`AWS4\$\{/).filter(
      (file) => !/^lib\/(sim|local)\//.test(file),
    );
    expect(handSigned).toEqual([]);
    expect(sources.get('lib/cluster/eks-token.ts')).toContain("from '@smithy/signature-v4'");
    expect(sources.get('lib/cluster/eks-connector.ts')).toContain('fromTemporaryCredentials(');
  });
});
