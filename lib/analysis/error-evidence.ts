import { burstTemperingFactor, temperedSplitLogLikelihoodRatio } from './burst-tempering.js';
import type { Counts } from './counts.js';
import { oddsRatioLogLikelihoodRatios } from './hypergeometric.js';
import { primaryRateEstimate } from './primary-rate.js';
import { bernoulliLogLikelihoodRatio, oddsOf } from './sprt.js';

export interface ErrorEvidenceInput {
  canary: Counts;
  /** This window's primary; null when the primary had no data. */
  primary: Counts | null;
  /** The primary's counts over the rollout's earlier windows (not this one). */
  primaryHistory: Counts;
  /** Absolute error-rate increase that counts as a regression. */
  margin: number;
  /** Error rate the guard-rail allows (1 − minSuccessRate): the assumed primary rate when it has no data. */
  budget: number;
  /** Alternatives, as multiples of the margin. */
  scales: readonly number[];
  /**
   * Upper estimate of the mean burst size of failures (failure-dispersion.ts), from earlier windows only. 1: failures
   * are independent and the exact hypergeometric test applies; above 1: the burst-tempered test.
   */
  burstMean?: number;
}

export interface ErrorEvidence {
  /** ln likelihood ratio of each alternative against "as good as the primary", for this window. */
  logLikelihoodRatios: number[];
  /** The primary error rate the alternatives were built on. */
  reference: number;
  /** `paired`: exact conditional test against this window's primary; `prior`: the primary had no data. */
  basis: 'paired' | 'prior';
  /** The power 1/φ the window's ratios were raised to for bursts, per alternative (1: none). */
  temperingFactors: number[];
}

const MAX_RATE = 0.999;

/**
 * One window's evidence that the canary fails more often than the primary.
 *
 * With primary data the test is conditional on the window's total failures (see hypergeometric.ts), so its null
 * is exact whatever the shared error rate does. The alternatives are "the canary's error rate is the primary's
 * plus c × margin"; the primary's rate they start from is estimated from the earlier windows and this window's
 * totals. Not from this window's primary failures alone: given the total, those are the canary's count in
 * disguise, and building the alternative from them would bias the test.
 *
 * Without primary data, the canary's own failures are compared with a primary assumed to sit on the guard-rail
 * (the most the policy tolerates, so the fallback errs toward not rolling back).
 */
export function errorEvidence(input: ErrorEvidenceInput): ErrorEvidence {
  const { canary, primary, primaryHistory: history, margin, budget, scales } = input;
  if (primary && primary.requests > 0) {
    const failures = Math.round(canary.failures) + Math.round(primary.failures);
    const requests = canary.requests + primary.requests;
    // Each alternative starts from the primary rate that, were it true, explains the window's pooled failures
    // (those the alternative does not attribute to the canary): a function of the window's totals, which the
    // conditional law does not depend on, so it cannot bias the test.
    const references = scales.map((c) =>
      primaryRateEstimate(history, budget, {
        requests,
        failures: Math.max(0, failures - canary.requests * c * margin),
      }),
    );
    const reference = references[0] ?? primaryRateEstimate(history, budget);
    const burstMean = input.burstMean ?? 1;
    if (burstMean > 1) {
      // Bursts: the canary's share of the window's failures, each burst landing on one side as a whole. Given
      // the window's total, a Poisson count splits binomially with the canary's share of requests π₀ under the
      // null (a fixed-count, hypergeometric split is less spread, so the bound only gets safer: Hoeffding 1963).
      const share = canary.requests / requests;
      const factors: number[] = [];
      const logLikelihoodRatios = scales.map((c, k) => {
        const base = references[k] ?? reference;
        const p1 = Math.min(base + c * margin, MAX_RATE);
        const pi1 = (canary.requests * p1) / (canary.requests * p1 + primary.requests * base);
        const factor = burstTemperingFactor(share, pi1, burstMean);
        factors.push(factor);
        return temperedSplitLogLikelihoodRatio(Math.round(canary.failures), failures, share, pi1, factor);
      });
      return { logLikelihoodRatios, reference, basis: 'paired', temperingFactors: factors };
    }
    const oddsRatios = scales.map((c, k) => {
      const base = references[k] ?? reference;
      return oddsOf(Math.min(base + c * margin, MAX_RATE)) / oddsOf(base);
    });
    const logLikelihoodRatios = oddsRatioLogLikelihoodRatios(
      {
        canaryFailures: Math.round(canary.failures),
        canaryRequests: Math.round(canary.requests),
        primaryRequests: Math.round(primary.requests),
        totalFailures: failures,
      },
      oddsRatios,
    );
    return { logLikelihoodRatios, reference, basis: 'paired', temperingFactors: scales.map(() => 1) };
  }
  const reference = Math.max(budget, 1e-6);
  const successes = canary.requests - canary.failures;
  const logLikelihoodRatios = scales.map((c) =>
    bernoulliLogLikelihoodRatio(
      canary.failures,
      successes,
      reference,
      Math.min(reference + c * margin, MAX_RATE),
    ),
  );
  return { logLikelihoodRatios, reference, basis: 'prior', temperingFactors: scales.map(() => 1) };
}
