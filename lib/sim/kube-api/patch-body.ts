import { parse as parseYaml } from 'yaml';
import { applyJsonPatch } from './json-patch.js';
import { isPlainObject, type KubeObject } from './kube-object.js';
import { applyMergePatch } from './merge-patch.js';
import type { ResourceDefinition } from './resource-definition.js';
import { badRequest, unsupportedMediaType } from './status.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

/** What decides how a resource is patched. */
export type PatchTarget = Pick<ResourceDefinition, 'custom' | 'mergeKeys'>;

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** Patch types a resource accepts: custom resources have no strategic merge (no Go struct tags to drive it). */
export const acceptedPatchTypes = (def: PatchTarget): string[] =>
  def.custom
    ? [JSON_PATCH, MERGE_PATCH, APPLY_PATCH]
    : [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];

export const mediaTypeOf = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** Refuses a patch type the resource does not accept, before anything else is looked at. */
export function checkPatchType(def: PatchTarget, contentType: string | undefined): string {
  const mediaType = mediaTypeOf(contentType);
  const accepted = acceptedPatchTypes(def);
  if (!accepted.includes(mediaType)) throw unsupportedMediaType(mediaType, accepted);
  return mediaType;
}

/**
 * `current` with the patch applied. Server-side apply is approximated by a merge patch of the applied
 * configuration (no field ownership is tracked).
 */
export function applyPatch(
  def: PatchTarget,
  mediaType: string,
  current: KubeObject | undefined,
  raw: Buffer,
): unknown {
  const text = raw.toString('utf8');
  switch (mediaType) {
    case JSON_PATCH:
      return applyJsonPatch(current, parseJson(text));
    case MERGE_PATCH:
      return applyMergePatch(current, requireObject(parseJson(text)));
    case STRATEGIC_MERGE_PATCH:
      return applyStrategicMergePatch(current, requireObject(parseJson(text)), def.mergeKeys ?? {});
    case APPLY_PATCH:
      return applyMergePatch(current ?? {}, requireObject(parseApplyConfiguration(text)));
    default:
      throw unsupportedMediaType(mediaType, acceptedPatchTypes(def));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
}

function parseApplyConfiguration(text: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
}

function requireObject(patch: unknown): Record<string, unknown> {
  if (!isPlainObject(patch)) throw badRequest('the patch must be a JSON object');
  return patch;
}
