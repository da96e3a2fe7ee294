import { z } from 'zod';

/**
 * One side's failure counts in blocks of about `BLOCK_EXPECTED_FAILURES` expected failures (consecutive windows
 * pooled until then), for Pearson's dispersion statistic. Blocks rather than windows: with well under one expected
 * failure per window, single failures would look like over-dispersion.
 */
export const DispersionStateSchema = z.object({
  /** Closed blocks. */
  blocks: z.number().int().min(0),
  requests: z.number().min(0),
  failures: z.number().min(0),
  /** Σ failures² / requests over closed blocks. */
  squares: z.number().min(0),
  /** The block being filled. */
  openRequests: z.number().min(0),
  openFailures: z.number().min(0),
});
export type DispersionState = z.infer<typeof DispersionStateSchema>;

export const emptyDispersion = (): DispersionState => ({
  blocks: 0,
  requests: 0,
  failures: 0,
  squares: 0,
  openRequests: 0,
  openFailures: 0,
});

export const BLOCK_EXPECTED_FAILURES = 2;

/** Over-dispersion is declared when Pearson's χ² exceeds its degrees of freedom by this many standard deviations. */
const SIGNIFICANCE_SDS = 1.5;
/**
 * No estimate above this: the largest burst mean the false-rollback bound is claimed for. A shared incident (the
 * error rate of both sides jumping together) looks to this per-side statistic like huge bursts; the paired test
 * needs no tempering for it (its null is conditional on the window's total), and tempering it for bursts of 15
 * only kept healthy canaries from ever being accepted.
 */
const MAX_BURST_MEAN = 5;

/** Adds one window of a side; `rate` is that side's estimated error rate, which sets the block size. */
export function addWindow(
  state: DispersionState,
  requests: number,
  failures: number,
  rate: number,
): DispersionState {
  const next = {
    ...state,
    openRequests: state.openRequests + requests,
    openFailures: state.openFailures + failures,
  };
  if (next.openRequests * Math.max(rate, 1e-9) < BLOCK_EXPECTED_FAILURES || next.openRequests === 0)
    return next;
  return {
    blocks: next.blocks + 1,
    requests: next.requests + next.openRequests,
    failures: next.failures + next.openFailures,
    squares: next.squares + (next.openFailures * next.openFailures) / next.openRequests,
    openRequests: 0,
    openFailures: 0,
  };
}

/**
 * An upper estimate of the mean burst size of the failures, from each side's blocks (Pearson's χ² against the
 * side's own rate, summed over sides with their degrees of freedom). Under "canary as good as the primary" both
 * sides fail the same way, and when the canary serves most of the traffic the primary alone sees too few failures
 * to show its bursts. For failures in bursts of geometric size
 * with mean m arriving as a Poisson process, a block's count has variance (2m − 1) times its mean, so Pearson's
 * χ² over k blocks is about (k − 1)(2m − 1). With no significant over-dispersion the failures are taken as
 * independent (m = 1: the exact test); otherwise m comes from the dispersion inflated by its own sampling error
 * (a factor 1 + √(2/df)), so a short history errs toward burstier. Before two blocks there is nothing to go on,
 * and the failures are taken as independent: what protects the rollback test then is the cap on what one window
 * may contribute (aviary-judge.ts), and the guard-rails assume bursts anyway (guard-rails.ts).
 */
export function burstMeanBound(...sides: DispersionState[]): number {
  let chiSquare = 0;
  let df = 0;
  for (const side of sides) {
    if (side.blocks < 2 || side.failures <= 0) continue;
    chiSquare += side.squares / (side.failures / side.requests) - side.failures;
    df += side.blocks - 1;
  }
  if (df < 1) return 1;
  if (chiSquare <= df + SIGNIFICANCE_SDS * Math.sqrt(2 * df)) return 1;
  const dispersion = (chiSquare / df) * (1 + Math.sqrt(2 / df));
  return Math.min(MAX_BURST_MEAN, (dispersion + 1) / 2);
}
