/**
 * Kubernetes quantities (`resource.Quantity`, k8s.io/apimachinery/pkg/api/resource): SMI v1alpha1 weights and
 * every SMI metric value are quantities on the wire (`"10m"`, `"28580m"`, `"2k"`, `"1Mi"`, `"1e3"`), or plain
 * JSON numbers. The one parser of them in the repository, for the product and the Kubernetes API double alike:
 * it is the API machinery both sides of the wire share in Go too, and it is table-tested against the spec.
 *
 * Grammar:
 *   quantity        ::= signedNumber suffix
 *   signedNumber    ::= number | "+" number | "-" number
 *   number          ::= digits | digits "." digits | digits "." | "." digits
 *   suffix          ::= binarySI | decimalSI | decimalExponent
 *   binarySI        ::= Ki | Mi | Gi | Ti | Pi | Ei
 *   decimalSI       ::= n | u | m | "" | k | M | G | T | P | E
 *   decimalExponent ::= ("e" | "E") signedDigits
 *
 * Values are exact (`mantissa × 10^exponent`, never a float), as `resource.Quantity` keeps them, with its two
 * rules on parsing: precision down to the nano only, a finer non-zero value rounded away from zero (`"0.9n"` is
 * `1n`), and binary quantities capped at 2^63-1 (`"9Ei"`). Go's scanner also lets through strings outside the
 * grammar (`"m"`, `"."`, `"-"` read as zero); they are refused here, as the grammar says.
 */
export interface Quantity {
  /** value = mantissa × 10^exponent; normalised (no trailing zeros in the mantissa; zero is 0 × 10^0). */
  mantissa: bigint;
  exponent: number;
}

const QUANTITY =
  /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/;

const DECIMAL_EXPONENT: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_POWER: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

/** The finest step a quantity keeps: 10^-9 (nano). */
const NANO_EXPONENT = -9;
/** The cap on a binary-suffixed quantity (the largest int64). */
const MAX_BINARY = 2n ** 63n - 1n;
/** Exponents beyond an int32 are refused (Go would wrap them around silently). */
const MAX_EXPONENT = 2 ** 31 - 1;

export class QuantityError extends Error {
  override name = 'QuantityError';
}

/**
 * The exact value of a quantity given as a string or a JSON number (as the API server reads a number: its
 * JSON text); null when it is not a quantity.
 */
export function quantityOf(input: string | number): Quantity | null {
  if (typeof input === 'number' && !Number.isFinite(input)) return null;
  const match = QUANTITY.exec(typeof input === 'number' ? String(input) : input);
  if (match === null) return null;
  const [, sign = '', number = '', suffix, exponentText] = match;
  const [whole = '', fraction = ''] = number.split('.');
  let magnitude = BigInt(`${whole}${fraction}` || '0');
  // (0 rather than -0 when there is no fraction: -0 would compare unequal under Object.is)
  let exponent = fraction.length === 0 ? 0 : -fraction.length;
  const binary = suffix !== undefined && suffix in BINARY_POWER;
  if (binary) {
    magnitude *= 1024n ** BigInt(BINARY_POWER[suffix] ?? 0);
  } else if (suffix !== undefined) {
    exponent += DECIMAL_EXPONENT[suffix] ?? 0;
  } else if (exponentText !== undefined) {
    const power = Number(exponentText);
    if (Math.abs(power) > MAX_EXPONENT) return null;
    exponent += power;
  }
  let quantity = normalise(magnitude, exponent);
  quantity = roundUpToNano(quantity);
  if (binary && exceeds(quantity, MAX_BINARY)) quantity = normalise(MAX_BINARY, 0);
  return sign === '-' ? { mantissa: -quantity.mantissa, exponent: quantity.exponent } : quantity;
}

/** The nearest number to an exact quantity (one correctly rounded decimal-to-binary conversion). */
export function quantityToNumber(quantity: Quantity): number {
  // "28580m" → 28.58 exactly as the literal 28.58, where 28580 * 0.001 would give 28.580000000000002.
  return Number(`${quantity.mantissa}e${quantity.exponent}`);
}

/** The value of a quantity (string or JSON number) as a number; throws QuantityError naming `what` otherwise. */
export function parseQuantity(value: unknown, what = 'quantity'): number {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new QuantityError(`${what}: ${value} is not a finite number`);
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new QuantityError(
      `${what}: expected a Kubernetes quantity (string or number), got ${describe(value)}`,
    );
  }
  const quantity = quantityOf(value);
  if (quantity === null) {
    throw new QuantityError(
      `${what}: ${JSON.stringify(value)} is not a Kubernetes quantity (examples: "90", "500m", "1.5", "2k", "1Mi", "1e3")`,
    );
  }
  const result = quantityToNumber(quantity);
  if (!Number.isFinite(result)) throw new QuantityError(`${what}: ${JSON.stringify(value)} is out of range`);
  return result;
}

function normalise(mantissa: bigint, exponent: number): Quantity {
  if (mantissa === 0n) return { mantissa: 0n, exponent: 0 };
  let m = mantissa;
  let e = exponent;
  while (m % 10n === 0n) {
    m /= 10n;
    e += 1;
  }
  return { mantissa: m, exponent: e };
}

/** A non-negative quantity finer than a nano, rounded up to the next nano (so a tiny request is never zero). */
function roundUpToNano(quantity: Quantity): Quantity {
  if (quantity.exponent >= NANO_EXPONENT) return quantity;
  const shift = NANO_EXPONENT - quantity.exponent;
  const digits = quantity.mantissa.toString().length;
  // Below one nano altogether: the result is one nano (and the power of ten below is never built).
  if (shift > digits) return { mantissa: 1n, exponent: NANO_EXPONENT };
  const divisor = 10n ** BigInt(shift);
  const rounded = (quantity.mantissa + divisor - 1n) / divisor;
  return normalise(rounded, NANO_EXPONENT);
}

/** Whether a non-negative quantity is greater than `limit`. */
function exceeds(quantity: Quantity, limit: bigint): boolean {
  if (quantity.exponent >= 0) {
    // Past 19 digits any value exceeds an int64 limit, so the power of ten stays small.
    return quantity.exponent > 19 || quantity.mantissa * 10n ** BigInt(quantity.exponent) > limit;
  }
  return quantity.mantissa > limit * 10n ** BigInt(-quantity.exponent);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
