import { z } from 'zod';
import { StringMapSchema } from './string-map.js';

/**
 * The part of an API Gateway HTTP API payload 2.0 event the routes read. Deliberately lenient about the
 * rest (authorizers, certificates...) so that a new field from AWS never breaks a webhook.
 */
export const HttpApiEventSchema = z.object({
  version: z.literal('2.0'),
  routeKey: z.string(),
  rawPath: z.string(),
  rawQueryString: z.string().default(''),
  headers: StringMapSchema.default({}),
  queryStringParameters: StringMapSchema.optional(),
  pathParameters: StringMapSchema.nullish(),
  requestContext: z.object({
    requestId: z.string(),
    http: z.object({ method: z.string(), path: z.string(), sourceIp: z.string().optional() }),
    /** Set by API Gateway on routes with the `aws_iam` authorizer: who signed the request. */
    authorizer: z
      .object({ iam: z.object({ userArn: z.string().optional() }).nullish() })
      .nullish()
      .catch(undefined),
  }),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().default(false),
});
export type HttpApiEvent = z.infer<typeof HttpApiEventSchema>;
