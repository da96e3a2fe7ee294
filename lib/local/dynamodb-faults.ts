import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What a DynamoDB fault policy is shown of each attempt (every retry of the SDK is one attempt). */
export interface DynamoDbCall {
  /** `UpdateItemCommand`, `TransactWriteItemsCommand`, `QueryCommand`… */
  command: string;
  /** The request as sent (attribute values marshalled: `{ pk: { S: 'ROLLOUT#…' } }`). */
  input: Record<string, unknown>;
  write: boolean;
}

/**
 * One attempt's fault, as DynamoDB answers under load or failure:
 * - `throttle`: 400 ProvisionedThroughputExceededException (or ThrottlingException); nothing written. The SDK
 *   backs off and retries it as it would against AWS.
 * - `internal`: 500 InternalServerError before anything is written; retried by the SDK.
 * - `lostAnswer`: the request is applied, then answered 500: the caller cannot tell it was written (its retry of
 *   a conditional write then finds the condition no longer holds).
 * - `ackWithoutWrite`: answered 200 but nothing is written. No real DynamoDB does this: crash tests use it to
 *   stand for a writer that died before its write, while everything it did next still happens.
 * - `crash`: the attempt never leaves the process (its caller died); the call fails.
 */
export type DynamoDbFault =
  | 'throttle'
  | 'throttleAlt'
  | 'internal'
  | 'lostAnswer'
  | 'ackWithoutWrite'
  | 'crash';

export type DynamoDbFaultPolicy = (call: DynamoDbCall) => DynamoDbFault | null;

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

const ERROR_BODIES: Record<'throttle' | 'throttleAlt' | 'internal', { status: number; body: string }> = {
  throttle: {
    status: 400,
    body: JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message:
        'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    }),
  },
  throttleAlt: {
    status: 400,
    body: JSON.stringify({
      __type: 'com.amazon.coral.availability#ThrottlingException',
      message: 'Rate of requests exceeds the allowed throughput.',
    }),
  },
  internal: {
    status: 500,
    body: JSON.stringify({
      __type: 'com.amazon.coral.service#InternalServerError',
      message: 'Internal server error',
    }),
  },
};

/** The error a crashed caller's further calls fail with. */
export class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}

const NAME = 'aviaryFaultInjection';

/**
 * Adds a middleware to the client's stack, below the SDK's retries and just above the HTTP handler, so that an
 * injected answer goes through the SDK's own deserializer, error classes and retry strategy exactly as a real one
 * would. Returns a function that removes it. For the local stack and the chaos runs only.
 */
export function injectDynamoDbFaults(client: DynamoDBClient, policy: DynamoDbFaultPolicy): () => void {
  const stack = client.middlewareStack as unknown as MiddlewareStackLike;
  stack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const fault = policy({ command, input: args.input ?? {}, write: WRITES.has(command) });
      if (fault === null) return next(args);
      switch (fault) {
        case 'crash':
          throw new SimulatedCrash(`${command}: the caller crashed before sending it`);
        case 'ackWithoutWrite':
          return { response: httpResponse(200, '{}'), output: undefined };
        case 'lostAnswer': {
          await next(args);
          return { response: httpResponse(500, ERROR_BODIES.internal.body), output: undefined };
        }
        default: {
          const { status, body } = ERROR_BODIES[fault];
          return { response: httpResponse(status, body), output: undefined };
        }
      }
    },
    // `deserialize` with a low priority runs inside the deserializer: what it returns is parsed as DynamoDB's answer.
    { step: 'deserialize', priority: 'low', name: NAME, override: true },
  );
  return () => {
    stack.remove(NAME);
  };
}

let injected = 0;

function httpResponse(statusCode: number, body: string) {
  return {
    statusCode,
    reason: statusCode === 200 ? 'OK' : 'Error',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': `AVIARYFAULT${String(++injected).padStart(10, '0')}`,
    },
    body: new TextEncoder().encode(body),
  };
}

interface MiddlewareStackLike {
  add(
    middleware: (
      next: (args: { input?: Record<string, unknown> }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input?: Record<string, unknown> }) => Promise<unknown>,
    options: { step: string; priority: string; name: string; override: boolean },
  ): void;
  remove(name: string): boolean;
}
