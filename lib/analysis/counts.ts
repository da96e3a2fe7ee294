/** Requests and failures, of one window or accumulated over several. */
export interface Counts {
  requests: number;
  failures: number;
}
