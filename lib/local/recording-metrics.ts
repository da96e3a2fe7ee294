import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Powertools Metrics that keeps each published EMF document instead of printing it: `npm start` stays readable
 * and the end-to-end tests can look at what CloudWatch would have received.
 */
export class RecordingMetrics extends Metrics {
  readonly published: ReturnType<Metrics['serializeMetrics']>[] = [];

  override publishStoredMetrics(): this {
    try {
      if (this.hasStoredMetrics()) this.published.push(this.serializeMetrics());
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
    return this;
  }
}
