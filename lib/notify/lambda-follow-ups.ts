import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { type FollowUp, FollowUpSchema, type FollowUps } from './follow-up.js';

/** The event a function sends itself: only a direct Invoke (IAM) can produce it, never an HTTP request. */
export const FOLLOW_UP_EVENT_KEY = 'aviaryFollowUp';

/** A self-invocation event's work, or null when the event is something else (an HTTP request). */
export function followUpOf(event: unknown): FollowUp | null {
  if (typeof event !== 'object' || event === null || !(FOLLOW_UP_EVENT_KEY in event)) return null;
  const parsed = FollowUpSchema.safeParse((event as Record<string, unknown>)[FOLLOW_UP_EVENT_KEY]);
  return parsed.success ? parsed.data : null;
}

/**
 * Follow-ups on Lambda, as Bolt's lazy listeners do: the function invokes itself asynchronously
 * (`InvocationType: Event`, answered by Lambda with 202 as soon as the event is queued) and answers Slack;
 * the second invocation does the Slack work. Lambda retries a failed asynchronous invocation twice.
 */
export function createLambdaFollowUps(options: { client: LambdaClient; functionName: string }): FollowUps {
  return {
    async enqueue(work) {
      await options.client.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify({ [FOLLOW_UP_EVENT_KEY]: work })),
        }),
      );
    },
  };
}

/**
 * The running function's own follow-ups: it invokes itself (its name, from the runtime; its role may invoke only
 * itself). Undefined outside Lambda, where the work is done inline.
 */
export function selfInvokedFollowUps(
  client: LambdaClient,
  env: Record<string, string | undefined> = process.env,
): FollowUps | undefined {
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME;
  return functionName ? createLambdaFollowUps({ client, functionName }) : undefined;
}
