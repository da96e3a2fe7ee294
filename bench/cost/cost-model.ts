/**
 * The arithmetic of `npm run bench:cost`: measured quantities times list prices. Pure, so it is table-tested;
 * the quantities come from real runs on the local stack and the prices from the AWS pricing pages (cited in
 * docs/cost.md).
 */

/** Everything Aviary is billed for, in the unit AWS prices it in. */
export const ITEMS = {
  lambdaRequests: 'Lambda requests',
  lambdaGbSeconds: 'Lambda GB-seconds (arm64)',
  dynamoReadUnits: 'DynamoDB read request units',
  dynamoWriteUnits: 'DynamoDB write request units',
  dynamoStorageGbMonths: 'DynamoDB storage GB-months',
  sqsRequests: 'SQS FIFO requests (64 KB chunks)',
  httpApiRequests: 'API Gateway HTTP API requests',
  eventBridgeEvents: 'EventBridge custom events',
  logIngestGb: 'CloudWatch Logs ingested GB',
  customMetricMonths: 'CloudWatch custom metric-months',
  alarmMonths: 'CloudWatch standard alarm-months',
  xrayTraces: 'X-Ray traces recorded',
} as const;

export type Item = keyof typeof ITEMS;
export type Usage = Partial<Record<Item, number>>;
export type Prices = Record<Item, number>;

/**
 * us-east-1 list prices (USD per unit), free tiers ignored. Lambda arm64 first tier; DynamoDB on-demand after
 * the November 2024 reduction; SQS FIFO first tier; HTTP API first 300 million; CloudWatch first 10,000 metrics.
 */
export const US_EAST_1: Prices = {
  lambdaRequests: 0.2 / 1e6,
  lambdaGbSeconds: 0.0000133334,
  dynamoReadUnits: 0.125 / 1e6,
  dynamoWriteUnits: 0.625 / 1e6,
  dynamoStorageGbMonths: 0.25,
  sqsRequests: 0.5 / 1e6,
  httpApiRequests: 1.0 / 1e6,
  eventBridgeEvents: 1.0 / 1e6,
  logIngestGb: 0.5,
  customMetricMonths: 0.3,
  alarmMonths: 0.1,
  xrayTraces: 5.0 / 1e6,
};

export interface CostLine {
  item: Item;
  quantity: number;
  usd: number;
}

/** One line per item used, in the order of ITEMS. */
export function costLines(usage: Usage, prices: Prices): CostLine[] {
  const lines: CostLine[] = [];
  for (const item of Object.keys(ITEMS) as Item[]) {
    const quantity = usage[item];
    if (quantity === undefined || quantity === 0) continue;
    if (!Number.isFinite(quantity) || quantity < 0) throw new Error(`${item}: not a quantity: ${quantity}`);
    lines.push({ item, quantity, usd: quantity * prices[item] });
  }
  return lines;
}

export const totalUsd = (lines: readonly CostLine[]): number => lines.reduce((sum, l) => sum + l.usd, 0);

export function addUsage(...usages: Usage[]): Usage {
  const sum: Usage = {};
  for (const usage of usages)
    for (const [item, quantity] of Object.entries(usage) as [Item, number][])
      sum[item] = (sum[item] ?? 0) + quantity;
  return sum;
}

export function scaleUsage(usage: Usage, factor: number): Usage {
  const scaled: Usage = {};
  for (const [item, quantity] of Object.entries(usage) as [Item, number][]) scaled[item] = quantity * factor;
  return scaled;
}

/** `a - b`, item by item, never below zero (a measured difference of two runs must not go negative). */
export function subtractUsage(a: Usage, b: Usage): Usage {
  const out: Usage = {};
  for (const [item, quantity] of Object.entries(a) as [Item, number][])
    out[item] = Math.max(0, quantity - (b[item] ?? 0));
  return out;
}

/**
 * Lambda bills each invocation's duration rounded up to the millisecond, times the configured memory. Answers
 * GB-seconds and requests for a list of measured durations.
 */
export function lambdaUsage(durationsMs: readonly number[], memoryMb: number): Usage {
  if (!Number.isFinite(memoryMb) || memoryMb < 128)
    throw new Error(`memory must be ≥ 128 MB, got ${memoryMb}`);
  let billedMs = 0;
  for (const ms of durationsMs) {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`not a duration: ${ms}`);
    billedMs += Math.max(1, Math.ceil(ms));
  }
  return { lambdaRequests: durationsMs.length, lambdaGbSeconds: (billedMs / 1000) * (memoryMb / 1024) };
}

/**
 * SQS bills each API call per 64 KB chunk of its payload: a batch of up to 10 messages is one request per 64 KB
 * of the batch. Answers the requests for sending `bodies` (byte sizes) in batches of 10, receiving them in
 * batches of `receiveBatch`, and deleting each received batch in one call.
 */
export function sqsRequests(bodies: readonly number[], receiveBatch: number): number {
  if (!Number.isInteger(receiveBatch) || receiveBatch < 1 || receiveBatch > 10)
    throw new Error(`receive batch must be 1..10, got ${receiveBatch}`);
  const chunked = (batch: readonly number[]) =>
    Math.max(1, Math.ceil(batch.reduce((sum, bytes) => sum + bytes, 0) / 65_536));
  let requests = 0;
  for (let i = 0; i < bodies.length; i += 10) requests += chunked(bodies.slice(i, i + 10));
  for (let i = 0; i < bodies.length; i += receiveBatch) {
    requests += chunked(bodies.slice(i, i + receiveBatch));
    requests += 1;
  }
  return requests;
}
