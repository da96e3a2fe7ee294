/** One HTTP request the double answered, so tests can assert on what a client actually sent. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  contentType: string | undefined;
  accept: string | undefined;
  /** 0 when the connection was reset without an answer. */
  status: number;
}
