import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * What a running `npm start` tells the CLI in another terminal: where the API is and the secrets it signs
 * with. Written owner-only under `.aviary/`, removed on exit; the secrets are random per run.
 */
export const LocalSessionSchema = z.object({
  url: z.string().url(),
  pid: z.number().int(),
  deploySecret: z.string().min(1),
  slackSigningSecret: z.string().min(1),
  githubWebhookSecret: z.string().min(1),
  kubeconfig: z.string().nullable(),
  /** The local EventBridge recorder: the events Aviary put on the bus (`GET /events?rollout=`). */
  eventsUrl: z.string().url().optional(),
});
export type LocalSession = z.infer<typeof LocalSessionSchema>;

export const LOCAL_SESSION_FILE = path.join('.aviary', 'session.json');

export function writeLocalSession(session: LocalSession, file = LOCAL_SESSION_FILE): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
}

/** The session of a running `npm start`, or null with the reason when there is none. */
export function readLocalSession(
  file: string = LOCAL_SESSION_FILE,
): { session: LocalSession } | { error: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { error: `no ${file}: is \`npm start\` running in this directory?` };
  }
  const parsed = LocalSessionSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return { error: `${file} is not a session file: ${z.prettifyError(parsed.error)}` };
  return { session: parsed.data };
}
