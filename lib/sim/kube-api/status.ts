/** Kubernetes `Status` objects: the body of every API error, built the way the API server builds them. */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Thrown anywhere below the router; the router answers with its `status`. */
export class StatusError extends Error {
  override name = 'StatusError';
  constructor(readonly status: KubeStatus) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
  }
}

/** A resource as named in messages: `trafficsplits.split.smi-spec.io`, or `services` for the core group. */
export interface GroupResource {
  group: string;
  plural: string;
}

export const qualifiedResource = (r: GroupResource): string =>
  r.group ? `${r.plural}.${r.group}` : r.plural;

function failure(code: number, reason: string, message: string, details: StatusDetails = {}): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  });
}

export const success = (details: StatusDetails): KubeStatus => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Success',
  details,
  code: 200,
});

export const unauthorized = (): StatusError => failure(401, 'Unauthorized', 'Unauthorized');

export const notFound = (resource: GroupResource, name: string): StatusError =>
  failure(404, 'NotFound', `${qualifiedResource(resource)} "${name}" not found`, {
    name,
    group: resource.group,
    kind: resource.plural,
  });

/** What the API server says for a path it does not serve: unknown group, version or resource. */
export const resourceNotServed = (group = ''): StatusError =>
  failure(404, 'NotFound', 'the server could not find the requested resource', {
    ...(group ? { group } : {}),
    causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }],
  });

export const alreadyExists = (resource: GroupResource, name: string): StatusError =>
  failure(409, 'AlreadyExists', `${qualifiedResource(resource)} "${name}" already exists`, {
    name,
    group: resource.group,
    kind: resource.plural,
  });

export const conflict = (resource: GroupResource, name: string): StatusError =>
  failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource)} "${name}": the object has been modified; ` +
      'please apply your changes to the latest version and try again',
    { name, group: resource.group, kind: resource.plural },
  );

/** 422: `Kind.group "name" is invalid: field: message` (several causes are listed in brackets). */
export function invalid(
  target: { group: string; kind: string; name: string },
  causes: StatusCause[],
): StatusError {
  const groupKind = target.group ? `${target.kind}.${target.group}` : target.kind;
  const rendered = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const summary = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  return failure(422, 'Invalid', `${groupKind} "${target.name}" is invalid: ${summary}`, {
    name: target.name,
    group: target.group,
    kind: target.kind,
    causes,
  });
}

export const badRequest = (message: string): StatusError => failure(400, 'BadRequest', message);

export const methodNotAllowed = (): StatusError =>
  failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const unsupportedMediaType = (contentType: string, accepted: string[]): StatusError =>
  failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    { causes: [{ reason: 'UnexpectedServerResponse', message: `unsupported media type "${contentType}"` }] },
  );

export const requestEntityTooLarge = (limitBytes: number): StatusError =>
  failure(413, 'RequestEntityTooLarge', `the request body exceeds the limit of ${limitBytes} bytes`);

export const serviceUnavailable = (message: string): StatusError =>
  failure(503, 'ServiceUnavailable', message);

export const internalError = (message: string): StatusError =>
  failure(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ reason: 'UnexpectedServerResponse', message }],
  });

/** 422 for a patch that parses but cannot be applied (a failed JSON-patch `test`, a missing path). */
export const patchNotApplicable = (message: string): StatusError => failure(422, 'Invalid', message);

/** 410 for a watch from a resourceVersion the history no longer reaches; no details, as the API server sends it. */
export const resourceExpired = (message: string): KubeStatus => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason: 'Expired',
  code: 410,
});

/** 504 as the API server answers when storage does not answer in time; the request may or may not have been applied. */
export const timeout = (): StatusError =>
  failure(
    504,
    'Timeout',
    'Timeout: request did not complete within requested timeout - context deadline exceeded',
  );
