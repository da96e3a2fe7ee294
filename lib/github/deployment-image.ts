/**
 * A container image reference as a registry accepts it: `[host[:port]/]path[:tag][@digest]`. Checked after
 * the template is filled in, because a ref like `feature/x` makes no valid tag.
 */
const IMAGE_REFERENCE =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const MAX_IMAGE = 512;

export interface DeploymentImageInput {
  /** `deployment.payload`: an object, or the JSON string some clients send. */
  payload: unknown;
  /** The target's `imageTemplate`. */
  template: string | undefined;
  sha: string | undefined;
  ref: string | undefined;
  environment: string;
}

export type DeploymentImage =
  | { ok: true; image: string; from: 'payload' | 'template' }
  | { ok: false; reason: string };

export function isImageReference(image: string): boolean {
  return image.length <= MAX_IMAGE && IMAGE_REFERENCE.test(image);
}

/**
 * The image a GitHub deployment rolls out: `payload.image` when given, else the target's `imageTemplate`
 * filled in. Never a guess: without either, the deployment is refused rather than restarting the canary with
 * whatever pod template it last ran (a rolled-back bad build, say).
 */
export function deploymentImage(input: DeploymentImageInput): DeploymentImage {
  const payload = payloadObject(input.payload);
  const named = payload?.image;
  if (named !== undefined) {
    if (typeof named !== 'string' || !isImageReference(named))
      return {
        ok: false,
        reason: 'deployment.payload.image is not an image reference like ghcr.io/acme/app:1.2.3',
      };
    return { ok: true, image: named, from: 'payload' };
  }
  if (!input.template) {
    return {
      ok: false,
      reason:
        'no image: set deployment.payload.image, or an imageTemplate (e.g. ghcr.io/acme/app:{sha}) on the target',
    };
  }
  const values: Record<string, string | undefined> = {
    sha: input.sha,
    ref: input.ref,
    environment: input.environment,
  };
  let missing: string | undefined;
  const image = input.template.replace(/\{([a-z]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') missing ??= name;
    return value ?? '';
  });
  if (missing)
    return { ok: false, reason: `imageTemplate needs {${missing}}, which the deployment does not have` };
  if (!isImageReference(image))
    return {
      ok: false,
      reason: `imageTemplate gives "${image.slice(0, 200)}", which is not an image reference`,
    };
  return { ok: true, image, from: 'template' };
}

function payloadObject(payload: unknown): Record<string, unknown> | null {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
