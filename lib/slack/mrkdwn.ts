/** Slack's three control characters; user-supplied text (reasons, revisions) must not form links or mentions. */
export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A timestamp each reader sees in their own time zone, with a UTC fallback for old clients. */
export const slackDate = (ms: number): string =>
  `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;
