import type { ServerResponse } from 'node:http';
import { goDurationSeconds } from '../../metrics/go-duration.js';
import type { ExtraGroup } from './discovery.js';
import { sendJson, sendText } from './http-exchange.js';
import { badRequest, methodNotAllowed, resourceNotServed } from './status.js';
import {
  METRICS_GROUP,
  METRICS_VERSION,
  type MetricsProvider,
  type MetricsShape,
  type TrafficQuery,
  trafficMetrics,
  trafficMetricsList,
} from './traffic-metrics.js';

const DEFAULT_WINDOW_SECONDS = 30;

/** How discovery lists the metrics group, which a real cluster gets from the smi-metrics APIService. */
export const METRICS_DISCOVERY: ExtraGroup = {
  name: METRICS_GROUP,
  version: METRICS_VERSION,
  resources: [
    {
      name: 'deployments',
      singularName: '',
      namespaced: true,
      kind: 'TrafficMetrics',
      verbs: ['get', 'list'],
    },
  ],
};

/** `metrics.smi-spec.io/v1alpha1` for Deployments: one workload, its edges, or all in a namespace. */
export class MetricsApi {
  private provider: MetricsProvider = () => null;

  constructor(
    private readonly shape: MetricsShape,
    private readonly deploymentsIn: (namespace: string) => string[],
  ) {}

  setProvider(provider: MetricsProvider): void {
    this.provider = provider;
  }

  /** `segments` follow `/apis/metrics.smi-spec.io/v1alpha1`. */
  async handle(
    method: string,
    segments: string[],
    query: URLSearchParams,
    selfLink: string,
    res: ServerResponse,
  ): Promise<void> {
    const [namespacesWord, namespace, resource, name, edges, ...rest] = segments;
    if (
      namespacesWord !== 'namespaces' ||
      namespace === undefined ||
      resource !== 'deployments' ||
      rest.length > 0
    ) {
      throw resourceNotServed(METRICS_GROUP);
    }
    if (edges !== undefined && edges !== 'edges') throw resourceNotServed(METRICS_GROUP);
    if (method !== 'GET') throw methodNotAllowed();
    const windowSeconds = parseWindow(query.get('window'));
    if (name === undefined) {
      const items = [];
      for (const deployment of this.deploymentsIn(namespace)) {
        const ref = { kind: 'Deployment' as const, namespace, name: deployment };
        const sample = await this.provider({ ...ref, windowSeconds });
        if (sample !== null)
          items.push(trafficMetrics(this.shape, ref, windowSeconds, sample, `${selfLink}/${deployment}`));
      }
      sendJson(res, 200, trafficMetricsList({ kind: 'Deployment', namespace }, selfLink, items));
      return;
    }
    const ref = { kind: 'Deployment' as const, namespace, name };
    const traffic: TrafficQuery = { ...ref, windowSeconds };
    const sample = await this.provider(traffic);
    if (sample === null) {
      // smi-metrics answers an empty Prometheus result with a bare 500, not a Kubernetes Status.
      sendText(
        res,
        500,
        `no metrics found for deployment ${namespace}/${name} in the last ${query.get('window') ?? '30s'}\n`,
      );
      return;
    }
    const item = trafficMetrics(this.shape, ref, windowSeconds, sample, selfLink);
    sendJson(res, 200, edges === undefined ? item : trafficMetricsList(ref, selfLink, [item]));
  }
}

function parseWindow(text: string | null): number {
  if (text === null || text === '') return DEFAULT_WINDOW_SECONDS;
  const seconds = goDurationSeconds(text);
  if (seconds === null || seconds <= 0)
    throw badRequest(`invalid window "${text}": must be a duration like 30s or 1m`);
  return seconds;
}
