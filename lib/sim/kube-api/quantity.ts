import type { Quantity } from '../../kube/quantity.js';

/** The API server's own wording when a quantity does not parse. */
export const QUANTITY_FORMAT_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/**
 * Integers with the same ratios as `quantities`: whole numbers stay as they are; fractional ones are
 * all scaled by the same power of 1000 (`"500m"`, `"1500m"` → 500, 1500).
 */
export function toProportionalIntegers(quantities: Quantity[]): number[] {
  const smallest = Math.min(0, ...quantities.map((q) => q.exponent));
  const scale = smallest < 0 ? Math.ceil(-smallest / 3) * 3 : 0;
  return quantities.map((q) => Number(q.mantissa * 10n ** BigInt(q.exponent + scale)));
}

const SUFFIX_BY_EXPONENT: Record<number, string> = {
  [-9]: 'n',
  [-6]: 'u',
  [-3]: 'm',
  0: '',
  3: 'k',
  6: 'M',
  9: 'G',
  12: 'T',
  15: 'P',
  18: 'E',
};

/**
 * The canonical DecimalSI text of `value` rounded to `10^-fractionDigits` (3 = milli, as smi-metrics uses):
 * the largest SI suffix that keeps the number whole (`28.58` → `"28580m"`, `2000` → `"2k"`).
 */
export function formatDecimalQuantity(value: number, fractionDigits: 3 | 6 | 9 = 3): string {
  let mantissa = BigInt(Math.round(value * 10 ** fractionDigits));
  if (mantissa === 0n) return '0';
  let exponent = -fractionDigits;
  while (mantissa % 1000n === 0n && exponent < 18) {
    mantissa /= 1000n;
    exponent += 3;
  }
  return `${mantissa}${SUFFIX_BY_EXPONENT[exponent] ?? ''}`;
}
