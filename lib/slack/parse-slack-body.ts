import { parseInteraction } from './interaction.js';
import type { SlackRequest } from './slack-request.js';
import { parseSlashCommand } from './slash-command.js';

/**
 * Reads a (verified) form body from Slack: interactivity posts `payload=<json>`, slash commands post their
 * fields directly; Slack's certificate check posts `ssl_check=1`.
 */
export function parseSlackBody(rawBody: string): SlackRequest {
  const form = new URLSearchParams(rawBody);
  if (form.get('ssl_check') === '1') return { kind: 'ignored', reason: 'ssl_check' };
  const payload = form.get('payload');
  if (payload !== null) return parseInteraction(payload);
  if (form.has('command')) return parseSlashCommand(form);
  return { kind: 'invalid', message: 'neither an interaction payload nor a slash command' };
}
