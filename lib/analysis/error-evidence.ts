import { bernoulliLogLikelihoodRatio, oddsOf } from './sprt.js';
import { oddsRatioLogLikelihoodRatios } from './hypergeometric.js';

export interface Counts {
  requests: number;
  failures: number;
}

export interface ErrorEvidenceInput {
  canary: Counts;
  /** This window's primary; null when the primary had no data. */
  primary: Counts | null;
  /** The primary's counts over the rollout's earlier windows. */
  primaryHistory: Counts;
  /** Absolute error-rate increase that counts as a regression. */
  margin: number;
  /** Error rate the guard-rail allows (1 − minSuccessRate): the assumed primary rate when it has no data. */
  budget: number;
  /** Alternatives, as multiples of the margin. */
  scales: readonly number[];
}

export interface ErrorEvidence {
  /** ln likelihood ratio of each alternative against "as good as the primary", for this window. */
  logLikelihoodRatios: number[];
  /** The primary error rate the alternatives were built on. */
  reference: number;
  /** `paired`: exact conditional test against this window's primary; `prior`: the primary had no data. */
  basis: 'paired' | 'prior';
}

const MAX_RATE = 0.999;

/**
 * One window's evidence that the canary fails more often than the primary.
 *
 * With primary data the test is conditional on the window's total failures (see hypergeometric.ts), so its null
 * is exact whatever the shared error rate does. The alternatives are "the canary's error rate is the primary's
 * plus c × margin"; the primary's rate they start from is estimated from the earlier windows and the window's
 * pooled failures, both of which the conditional law does not depend on, so the estimate cannot bias the test.
 *
 * Without primary data, the canary's own failures are compared with a primary assumed to sit on the guard-rail.
 */
export function errorEvidence(input: ErrorEvidenceInput): ErrorEvidence {
  const { canary, primary, primaryHistory: history, margin, budget, scales } = input;
  if (primary && primary.requests > 0) {
    const failures = Math.round(canary.failures) + Math.round(primary.failures);
    const requests = canary.requests + primary.requests;
    const reference = (history.failures + failures + 0.5) / (history.requests + requests + 1);
    const oddsRatios = scales.map((c) => oddsOf(Math.min(reference + c * margin, MAX_RATE)) / oddsOf(reference));
    const logLikelihoodRatios = oddsRatioLogLikelihoodRatios(
      {
        canaryFailures: Math.round(canary.failures),
        canaryRequests: Math.round(canary.requests),
        primaryRequests: Math.round(primary.requests),
        totalFailures: failures,
      },
      oddsRatios,
    );
    return { logLikelihoodRatios, reference, basis: 'paired' };
  }
  const observed = history.requests > 0 ? (history.failures + 0.5) / (history.requests + 1) : budget;
  const reference = Math.max(Math.min(observed, budget), 1e-6);
  const successes = canary.requests - canary.failures;
  const logLikelihoodRatios = scales.map((c) =>
    bernoulliLogLikelihoodRatio(canary.failures, successes, reference, Math.min(reference + c * margin, MAX_RATE)),
  );
  return { logLikelihoodRatios, reference, basis: 'prior' };
}
