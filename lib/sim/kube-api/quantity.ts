/**
 * Kubernetes resource quantities (`"500m"`, `"90"`, `"2k"`, `"1Ki"`, `90`), held exactly as
 * `mantissa × 10^exponent` so conversions between TrafficSplit versions lose nothing.
 */
export interface Quantity {
  mantissa: bigint;
  exponent: number;
}

/** The API server's own wording when a quantity does not parse. */
export const QUANTITY_FORMAT_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const QUANTITY =
  /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;
const DECIMAL_SUFFIX: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIX: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

/** Parses a quantity given as a string or a JSON number; null when it is not one. */
export function parseQuantity(input: string | number): Quantity | null {
  if (typeof input === 'number' && !Number.isFinite(input)) return null;
  const text = typeof input === 'number' ? String(input) : input;
  const match = QUANTITY.exec(text);
  if (match === null) return null;
  const [, sign = '', number = '', suffix = ''] = match;
  const [whole = '', fraction = ''] = number.split('.');
  let mantissa = BigInt(`${whole}${fraction}` || '0');
  let exponent = fraction.length === 0 ? 0 : -fraction.length;
  if (suffix in BINARY_SUFFIX) {
    mantissa *= 1024n ** BigInt(BINARY_SUFFIX[suffix] ?? 0);
  } else if (suffix in DECIMAL_SUFFIX) {
    exponent += DECIMAL_SUFFIX[suffix] ?? 0;
  } else {
    exponent += Number(suffix.slice(1));
  }
  if (sign === '-') mantissa = -mantissa;
  return normalise({ mantissa, exponent });
}

function normalise(q: Quantity): Quantity {
  if (q.mantissa === 0n) return { mantissa: 0n, exponent: 0 };
  let { mantissa, exponent } = q;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent += 1;
  }
  return { mantissa, exponent };
}

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
