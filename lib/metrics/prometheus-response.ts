import { z } from 'zod';
import { UnavailableError } from '../errors.js';

/** `[<unix seconds>, "<value>"]`: Prometheus sends sample values as strings so NaN and ±Inf survive JSON. */
export const PrometheusSampleSchema = z.tuple([z.number(), z.string()]);

export const PrometheusVectorSchema = z.object({
  resultType: z.literal('vector'),
  result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: PrometheusSampleSchema })),
});
export type PrometheusVector = z.infer<typeof PrometheusVectorSchema>;

/** The envelope of every Prometheus HTTP API answer (and of Amazon Managed Prometheus's). */
export const PrometheusResponseSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({ resultType: z.string(), result: z.unknown() }),
    warnings: z.array(z.string()).optional(),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);
export type PrometheusResponse = z.infer<typeof PrometheusResponseSchema>;

/** One series of an instant vector; `value` is null for NaN and ±Inf (no data), never 0. */
export interface VectorSample {
  metric: Record<string, string>;
  value: number | null;
}

/**
 * Reads an instant-query answer. Prometheus errors (`status: "error"`), HTTP errors and unreadable bodies all
 * become UnavailableError carrying the server's own text: the rollout holds and says why.
 */
export function parseVectorResponse(httpStatus: number, body: string, what: string): VectorSample[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const detail = body.trim().slice(0, 300) || '(empty body)';
    throw new UnavailableError(`${what}: HTTP ${httpStatus}: ${detail}`);
  }
  const envelope = PrometheusResponseSchema.safeParse(json);
  if (!envelope.success) {
    // Not Prometheus talking: typically a Kubernetes Status from the API server's service proxy.
    const message = (json as { message?: unknown } | null)?.message;
    const detail = typeof message === 'string' ? message : body.trim().slice(0, 300);
    throw new UnavailableError(`${what}: HTTP ${httpStatus}: ${detail}`);
  }
  const answer = envelope.data;
  if (answer.status === 'error') {
    throw new UnavailableError(
      `${what}: prometheus ${answer.errorType} error (HTTP ${httpStatus}): ${answer.error}`,
    );
  }
  if (httpStatus < 200 || httpStatus > 299) throw new UnavailableError(`${what}: HTTP ${httpStatus}`);
  const vector = PrometheusVectorSchema.safeParse(answer.data);
  if (!vector.success) {
    throw new UnavailableError(
      `${what}: expected an instant vector, got resultType "${answer.data.resultType}"`,
    );
  }
  return vector.data.result.map(({ metric, value }) => ({ metric, value: sampleValue(value[1]) }));
}

/** Go's ParseFloat spellings, as Prometheus prints them: "NaN", "+Inf", "-Inf", decimals, exponents. */
export function sampleValue(text: string): number | null {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) return null;
  return n;
}
