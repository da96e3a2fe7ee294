import { z } from 'zod';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api';

/** Slack answered `ok: false` (or not at all): `error` is Slack's code, e.g. `channel_not_found`. */
export class SlackApiError extends Error {
  override name = 'SlackApiError';

  constructor(
    readonly method: string,
    readonly error: string,
  ) {
    super(`Slack ${method} failed: ${error}`);
  }
}

const SlackResponseSchema = z.looseObject({
  ok: z.boolean(),
  error: z.string().optional(),
  channel: z.string().optional(),
  ts: z.string().optional(),
});
export type SlackResponse = z.infer<typeof SlackResponseSchema>;

export interface SlackWebApiOptions {
  token: string;
  apiUrl?: string;
  timeoutMs?: number;
}

export interface SlackWebApi {
  /** Calls a Web API method with a JSON body; resolves only when Slack says `ok: true`. */
  call(method: string, args: Record<string, unknown>): Promise<SlackResponse>;
}

export function createSlackWebApi(options: SlackWebApiOptions): SlackWebApi {
  const base = (options.apiUrl ?? DEFAULT_SLACK_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    async call(method, args) {
      let response: Response;
      try {
        response = await fetch(`${base}/${method}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.token}`,
            'content-type': 'application/json; charset=utf-8',
          },
          body: JSON.stringify(args),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        throw new SlackApiError(method, `request_failed (${e instanceof Error ? e.name : 'error'})`);
      }
      if (response.status === 429) {
        throw new SlackApiError(
          method,
          `ratelimited (retry after ${response.headers.get('retry-after') ?? '?'} s)`,
        );
      }
      const parsed = SlackResponseSchema.safeParse(await response.json().catch(() => null));
      if (!parsed.success) throw new SlackApiError(method, `unexpected_response (HTTP ${response.status})`);
      if (!parsed.data.ok) throw new SlackApiError(method, parsed.data.error ?? 'unknown_error');
      return parsed.data;
    },
  };
}
