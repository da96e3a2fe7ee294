/** Answers one Slack interaction privately through its `response_url`. Never throws. */
export type SlackResponder = (responseUrl: string, text: string) => Promise<void>;

export interface SlackResponderOptions {
  /** Origins a response_url may point at; anything else is dropped (the URL comes from a request body). */
  allowedOrigins?: string[];
  /** Slack wants the interaction answered within 3 s; this leaves room for the rest of the request. */
  timeoutMs?: number;
  log?: (level: 'warn', message: string, data?: Record<string, unknown>) => void;
}

const SLACK_HOOKS = 'https://hooks.slack.com';

/**
 * Tells the person who clicked or typed why nothing happened (not an approver, an approval for an old
 * revision...), visible only to them, instead of leaving them with Slack's generic "the app did not respond".
 */
export function createSlackResponder(options: SlackResponderOptions = {}): SlackResponder {
  const allowed = new Set(options.allowedOrigins ?? [SLACK_HOOKS]);
  const timeoutMs = options.timeoutMs ?? 1_500;
  return async (responseUrl, text) => {
    let url: URL;
    try {
      url = new URL(responseUrl);
    } catch {
      options.log?.('warn', 'slack response_url is not a URL; not answered');
      return;
    }
    if (!allowed.has(url.origin)) {
      options.log?.('warn', 'slack response_url outside the allowed origins; not answered', {
        origin: url.origin,
      });
      return;
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok)
        options.log?.('warn', 'slack response_url refused the answer', { status: response.status });
    } catch (error) {
      options.log?.('warn', 'slack response_url unreachable', { error: String(error) });
    }
  };
}
