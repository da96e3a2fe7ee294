import { z } from 'zod';
import { CommandSchema } from '../model/rollout.js';
import type { SlackRequest } from './slack-request.js';

export const SLASH_VERBS = ['approve', 'reject', 'pause', 'resume', 'abort', 'unfreeze', 'status'] as const;

export const SLASH_USAGE = [
  'Usage: `/aviary <approve|reject|pause|resume|abort|unfreeze|status> <rollout-id, target or fleet> [reason]`',
  "• `/aviary status` lists recent rollouts; `/aviary status podinfo` shows the target's latest.",
  '• `/aviary approve podinfo-3 looks good` approves the pending gate of rollout podinfo-3 (or the waiting wave of a fleet rollout).',
  '• `/aviary unfreeze podinfo-3 security fix` lets podinfo-3 go on during a freeze; the reason is required and audited.',
].join('\n');

/** The fields of a slash-command POST that Aviary reads. */
const SlashFormSchema = z.object({
  command: z.string().regex(/^\/\S+$/, 'must be a slash command like /aviary'),
  text: z.string().default(''),
  user_id: z.string().min(1),
  channel_id: z.string().optional(),
  response_url: z.string().optional(),
});

/** Rollout ids are `<target>-<seq>`, targets DNS labels. */
const REF = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_REASON = 500;

const usage = (problem: string): SlackRequest => ({ kind: 'usage', text: `${problem}\n${SLASH_USAGE}` });

/** `/aviary <verb> <ref> [reason]` from a slash-command form body. */
export function parseSlashCommand(form: URLSearchParams): SlackRequest {
  const fields = SlashFormSchema.safeParse(Object.fromEntries(form));
  if (!fields.success) {
    return {
      kind: 'invalid',
      message: 'not a slash command request',
      details: fields.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    };
  }
  const { text, user_id: actor, response_url: responseUrl } = fields.data;
  const [verbWord, ref, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  if (!verbWord || verbWord.toLowerCase() === 'help') return usage('Aviary commands:');
  const verb = verbWord.toLowerCase();
  if (!(SLASH_VERBS as readonly string[]).includes(verb)) return usage(`Unknown command \`${verbWord}\`.`);
  if (ref !== undefined && !REF.test(ref)) {
    return usage(`\`${ref}\` is not a rollout id or target name (lowercase letters, digits and "-").`);
  }
  if (verb === 'status') return { kind: 'status', ref: ref ?? null, actor };
  if (ref === undefined) return usage(`\`${verb}\` needs a rollout id or a target.`);
  const reason = rest.join(' ');
  if (verb === 'unfreeze' && !reason)
    return usage('`unfreeze` needs a reason: it is kept in the audit history.');
  if (reason.length > MAX_REASON) return usage(`The reason is longer than ${MAX_REASON} characters.`);
  const command = CommandSchema.parse({
    kind: verb,
    actor,
    ...(reason ? { reason } : {}),
  });
  return { kind: 'command', via: 'slash', ref, command, ...(responseUrl ? { responseUrl } : {}) };
}
