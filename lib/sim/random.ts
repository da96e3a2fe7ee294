import { lnGamma } from '../analysis/log-gamma.js';

/** A seeded source of random draws: the same seed gives the same sequence on every platform. */
export interface Random {
  /** Uniform on [0, 1), 53 bits. */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  poisson(mean: number): number;
  /** Gamma with scale 1. */
  gamma(shape: number): number;
  beta(a: number, b: number): number;
  /** Successes in `trials` independent trials of probability `p`. */
  binomial(trials: number, p: number): number;
}

/** xoshiro128** seeded through splitmix32: small, fast, and good enough for Monte Carlo. */
export function createRandom(seed: number): Random {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let mix = (seed ^ Math.floor(seed / 2 ** 32) ^ 0x5bd1e995) | 0;
  const splitmix = (): number => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const uniform = (): number => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    // Marsaglia's polar method: two normals per accepted pair.
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        spare = v * f;
        return u * f;
      }
    }
  };
  const gamma = (shape: number): number => {
    if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
    if (shape < 1) return gamma(shape + 1) * uniform() ** (1 / shape);
    // Marsaglia & Tsang (2000).
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const t = 1 + c * x;
      if (t <= 0) continue;
      const v = t * t * t;
      const u = uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };
  const beta = (a: number, b: number): number => {
    const x = gamma(a);
    const y = gamma(b);
    return x / (x + y);
  };
  const poisson = (mean: number): number => {
    if (!(mean >= 0) || !Number.isFinite(mean))
      throw new RangeError(`Poisson mean must be finite and ≥ 0, got ${mean}`);
    if (mean === 0) return 0;
    if (mean < 10) {
      // Knuth: count uniforms until their product drops below e^−mean.
      const limit = Math.exp(-mean);
      let k = 0;
      let product = uniform();
      while (product > limit) {
        k += 1;
        product *= uniform();
      }
      return k;
    }
    return poissonPtrs(mean, uniform);
  };
  const binomial = (trials: number, p: number): number => {
    if (!(Number.isInteger(trials) && trials >= 0))
      throw new RangeError(`trials must be a whole number ≥ 0, got ${trials}`);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
    // Devroye's recursion through order statistics: the k-th of n uniforms is Beta(k, n + 1 − k); the trials on
    // either side of it are again binomial. Exact, and O(log n) draws instead of n.
    let n = trials;
    let q = p;
    let count = 0;
    while (n > 32 && q > 0 && q < 1) {
      const k = Math.floor((n + 1) / 2);
      const u = beta(k, n + 1 - k);
      if (u < q) {
        count += k;
        n -= k;
        q = (q - u) / (1 - u);
      } else {
        n = k - 1;
        q /= u;
      }
    }
    if (q <= 0) return count;
    if (q >= 1) return count + n;
    for (let i = 0; i < n; i++) if (uniform() < q) count += 1;
    return count;
  };
  return { uniform, normal, poisson, gamma, beta, binomial };
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** Hörmann's transformed rejection with squeeze (PTRS, 1993): exact, O(1) for any mean ≥ 10. */
function poissonPtrs(mean: number, uniform: () => number): number {
  const slam = Math.sqrt(mean);
  const logLam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = uniform() - 0.5;
    const v = uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -mean + k * logLam - lnGamma(k + 1))
      return k;
  }
}
