import { z } from 'zod';
import { CommandSchema } from '../model/rollout.js';
import type { SlackRequest } from './slack-request.js';

export const SLASH_VERBS = [
  'approve',
  'reject',
  'pause',
  'resume',
  'abort',
  'promote',
  'unfreeze',
  'retry',
  'status',
] as const;

export const SLASH_USAGE = [
  'Usage: `/aviary <approve|reject|pause|resume|abort|promote|retry|unfreeze|status> <rollout-id, target or fleet> [reason]`',
  '• `/aviary promote podinfo-3 hotfix for INC-42` promotes at once, skipping the remaining steps (reason required).',
  "• `/aviary retry podinfo-3` starts a failed rollout's revision and image again.",
  "• `/aviary status` lists recent rollouts; `/aviary status podinfo` shows the target's latest.",
  '• `/aviary approve podinfo-3 looks good` approves the pending gate of rollout podinfo-3 (or the waiting wave of a fleet rollout).',
  '• `/aviary unfreeze podinfo-3 security fix` lets podinfo-3 go on during a freeze; the reason is required and audited.',
].join('\n');

/** The fields of a slash-command POST that Aviary reads. */
const SlashFormSchema = z.object({
  command: z.string().regex(/^\/\S+$/, 'must be a slash command like /aviary'),
  team_id: z.string().optional(),
  enterprise_id: z.string().optional(),
  api_app_id: z.string().optional(),
  text: z.string().default(''),
  user_id: z.string().min(1),
  channel_id: z.string().optional(),
  response_url: z.string().optional(),
});

/** The one command Aviary answers: another command of the same app sent here is not Aviary's to act on. */
export const SLASH_COMMAND = '/aviary';

/** Rollout ids are `<target>-<seq>`, targets DNS labels (63 characters at most): bounded, as it becomes a key. */
const REF = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_REF = 80;
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
  if (fields.data.command !== SLASH_COMMAND) {
    return {
      kind: 'invalid',
      message: `Aviary answers ${SLASH_COMMAND} only, not ${fields.data.command.slice(0, 40)}`,
    };
  }
  const origin = {
    ...(fields.data.team_id ? { teamId: fields.data.team_id } : {}),
    ...(fields.data.enterprise_id ? { enterpriseId: fields.data.enterprise_id } : {}),
    ...(fields.data.api_app_id ? { appId: fields.data.api_app_id } : {}),
  };
  const [verbWord, ref, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  if (!verbWord || verbWord.toLowerCase() === 'help') return usage('Aviary commands:');
  const verb = verbWord.toLowerCase();
  if (!(SLASH_VERBS as readonly string[]).includes(verb)) return usage(`Unknown command \`${verbWord}\`.`);
  if (ref !== undefined && (ref.length > MAX_REF || !REF.test(ref))) {
    const shown = ref.length > MAX_REF ? `${ref.slice(0, 20)}…` : ref;
    return usage(
      `\`${shown}\` is not a rollout id or target name (up to ${MAX_REF} lowercase letters, digits and "-").`,
    );
  }
  if (verb === 'status') return { kind: 'status', ref: ref ?? null, actor, origin };
  if (ref === undefined) return usage(`\`${verb}\` needs a rollout id or a target.`);
  const reason = rest.join(' ');
  if (verb === 'unfreeze' && !reason)
    return usage('`unfreeze` needs a reason: it is kept in the audit history.');
  if (reason.length > MAX_REASON) return usage(`The reason is longer than ${MAX_REASON} characters.`);
  if (verb === 'retry') return { kind: 'retry', ref, actor, origin, ...(responseUrl ? { responseUrl } : {}) };
  if (verb === 'promote' && !reason)
    return usage('`promote` skips the remaining steps and analysis: give a reason after the rollout id.');
  const command = CommandSchema.parse({
    kind: verb,
    actor,
    ...(reason ? { reason } : {}),
  });
  return { kind: 'command', via: 'slash', ref, command, origin, ...(responseUrl ? { responseUrl } : {}) };
}
