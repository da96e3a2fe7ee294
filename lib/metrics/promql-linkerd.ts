/**
 * PromQL over the series Linkerd's proxies export (the same series Flagger's Linkerd provider reads):
 * `response_total` counted by `classification` and the `response_latency_ms` histogram, on the serving side
 * (`direction="inbound"`), selected by the `namespace` and `deployment` labels Linkerd's Prometheus adds.
 */
export interface LinkerdWorkload {
  namespace: string;
  deployment: string;
}

/** Requests that completed in the window, one sample per `classification` (`success`, `failure`). */
export function responseCountQuery(workload: LinkerdWorkload, windowSeconds: number): string {
  return `sum by (classification) (increase(response_total${selector(workload)}[${range(windowSeconds)}]))`;
}

/** A latency quantile (0.5, 0.99) in milliseconds over the window. */
export function latencyQuantileQuery(
  workload: LinkerdWorkload,
  quantile: number,
  windowSeconds: number,
): string {
  if (!(quantile > 0 && quantile < 1)) throw new Error(`quantile must be between 0 and 1, got ${quantile}`);
  return `histogram_quantile(${quantile}, sum by (le) (rate(response_latency_ms_bucket${selector(workload)}[${range(windowSeconds)}])))`;
}

/**
 * Requests per latency bucket over the window, one sample per `le` (cumulative, as Prometheus histograms are:
 * the `le="50"` sample counts every request that took at most 50 ms, `le="+Inf"` all of them).
 */
export function latencyBucketQuery(workload: LinkerdWorkload, windowSeconds: number): string {
  return `sum by (le) (increase(response_latency_ms_bucket${selector(workload)}[${range(windowSeconds)}]))`;
}

function selector({ namespace, deployment }: LinkerdWorkload): string {
  return `{namespace=${quote(namespace)},deployment=${quote(deployment)},direction="inbound"}`;
}

function range(windowSeconds: number): string {
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
    throw new Error(`window must be a whole number of seconds, at least 1, got ${windowSeconds}`);
  }
  return `${windowSeconds}s`;
}

/** A PromQL double-quoted string literal. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
