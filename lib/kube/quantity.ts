/**
 * Kubernetes quantities (`resource.Quantity`) as numbers: SMI v1alpha1 weights and every SMI metric value
 * are quantities on the wire (`"10m"`, `"28580m"`, `"2k"`, `"1Mi"`, `"1e3"`), or plain JSON numbers.
 *
 * Grammar (k8s.io/apimachinery/pkg/api/resource):
 *   quantity        ::= signedNumber suffix
 *   signedNumber    ::= number | "+" number | "-" number
 *   number          ::= digits | digits "." digits | digits "." | "." digits
 *   suffix          ::= binarySI | decimalSI | decimalExponent
 *   binarySI        ::= Ki | Mi | Gi | Ti | Pi | Ei
 *   decimalSI       ::= n | u | m | "" | k | M | G | T | P | E
 *   decimalExponent ::= ("e" | "E") signedDigits
 */
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

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

export class QuantityError extends Error {
  override name = 'QuantityError';
}

/** The value of a quantity (string or JSON number); throws QuantityError naming `what` on anything else. */
export function parseQuantity(value: unknown, what = 'quantity'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new QuantityError(`${what}: ${value} is not a finite number`);
    return value;
  }
  if (typeof value !== 'string') {
    throw new QuantityError(
      `${what}: expected a Kubernetes quantity (string or number), got ${describe(value)}`,
    );
  }
  const match = QUANTITY.exec(value);
  if (!match) {
    throw new QuantityError(
      `${what}: ${JSON.stringify(value)} is not a Kubernetes quantity (examples: "90", "500m", "1.5", "2k", "1Mi", "1e3")`,
    );
  }
  const [, sign = '', digits = '', suffix, exponent] = match;
  let result: number;
  if (suffix !== undefined && suffix in BINARY_POWER) {
    // Powers of two are exact in binary floating point, so plain multiplication loses nothing.
    result = Number(digits) * 1024 ** (BINARY_POWER[suffix] ?? 0);
  } else {
    const power = suffix !== undefined ? (DECIMAL_EXPONENT[suffix] ?? 0) : Number(exponent ?? 0);
    // One decimal-to-binary conversion of the exact decimal value: "296875m" → 296.875, "28580m" → 28.58,
    // where 28580 * 0.001 would give 28.580000000000002.
    result = Number(`${digits}e${power}`);
  }
  if (!Number.isFinite(result)) throw new QuantityError(`${what}: ${JSON.stringify(value)} is out of range`);
  return sign === '-' && result !== 0 ? -result : result;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
