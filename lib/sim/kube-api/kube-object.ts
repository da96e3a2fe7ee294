import { z } from 'zod';

const stringMap = z.record(z.string(), z.string());

/** The client-writable part of `metadata`; system fields are set by the store and ignored when sent. */
export const ObjectMetaSchema = z.looseObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  ownerReferences: z
    .array(
      z.looseObject({
        apiVersion: z.string(),
        kind: z.string(),
        name: z.string(),
        uid: z.string(),
        controller: z.boolean().optional(),
        blockOwnerDeletion: z.boolean().optional(),
      }),
    )
    .optional(),
  finalizers: z.array(z.string()).optional(),
  resourceVersion: z.string().optional(),
  uid: z.string().optional(),
  generation: z.number().optional(),
  creationTimestamp: z.string().nullable().optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;

/** Any API object as JSON: apiVersion, kind, metadata and whatever its resource adds. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `apiVersion` for a group and version: `v1` for the core group, `group/version` otherwise. */
export const groupVersion = (group: string, version: string): string =>
  group ? `${group}/${version}` : version;

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** RFC 3339 at second precision, as `metav1.Time` serialises. */
export const kubeTimestamp = (date: Date = new Date()): string =>
  date.toISOString().replace(/\.\d{3}Z$/, 'Z');
