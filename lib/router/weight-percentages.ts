import { ConfigurationError } from '../errors.js';
import type { Weights } from '../model/observation.js';

/**
 * Two backends' raw weights (any scale: 9/1, 900m/100m, 90/10) as percentages summing to 100. Both zero
 * sends everything to the primary, which is what a router does with no canary weight.
 */
export function toPercentages(primary: number, canary: number, what: string): Weights {
  for (const [side, value] of [
    ['primary', primary],
    ['canary', canary],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new ConfigurationError(
        `configuration error: ${what}: the ${side} weight ${value} is not a number ≥ 0`,
      );
    }
  }
  const total = primary + canary;
  if (total === 0) return { primary: 100, canary: 0 };
  // Rounded to a millionth so 900m/100m reads as exactly 90/10, while 1/2 still reads as 33.333333/66.666667.
  const canaryPercent = Math.round((canary / total) * 100 * 1e6) / 1e6;
  return { primary: Math.round((100 - canaryPercent) * 1e6) / 1e6, canary: canaryPercent };
}

/** The integer weights to write for requested percentages (normalised to 100, canary rounded). */
export function toIntegerWeights(weights: Weights): Weights {
  const { primary, canary } = weights;
  if (
    !Number.isFinite(primary) ||
    !Number.isFinite(canary) ||
    primary < 0 ||
    canary < 0 ||
    primary + canary <= 0
  ) {
    throw new Error(`weights must be two numbers ≥ 0 with a positive sum, got ${JSON.stringify(weights)}`);
  }
  const canaryInt = Math.round((canary / (primary + canary)) * 100);
  return { primary: 100 - canaryInt, canary: canaryInt };
}

export function sameWeights(a: Weights, b: Weights): boolean {
  return a.primary === b.primary && a.canary === b.canary;
}
