import { z } from 'zod';
import { FieldValidationError, validateWith } from './field-validation.js';
import { isPlainObject, type KubeObject } from './kube-object.js';
import { applyPatch, checkPatchType, type PatchTarget } from './patch-body.js';
import type { ResourceDefinition } from './resource-definition.js';
import type { ResourceOperations, WriteOptions } from './resource-operations.js';
import type { DeploymentSpec } from './resources/deployment-schema.js';
import { badRequest, invalid } from './status.js';

const ScaleSchema = z.object({
  metadata: z
    .looseObject({ name: z.string().optional(), resourceVersion: z.string().optional() })
    .default({}),
  spec: z.looseObject({ replicas: z.number().int().min(0).default(0) }).default({ replicas: 0 }),
});

const SCALE: PatchTarget = { custom: false, mergeKeys: {} };

/** `autoscaling/v1` Scale over a Deployment's `spec.replicas`. */
export class ScaleSubresource {
  constructor(private readonly operations: ResourceOperations) {}

  get(def: ResourceDefinition, version: string, namespace: string, name: string): KubeObject {
    return toScale(this.operations.get(def, version, namespace, name));
  }

  update(
    def: ResourceDefinition,
    version: string,
    namespace: string,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    if (!isPlainObject(body)) throw badRequest('the body of the request must be a JSON object');
    if (body.kind !== undefined && body.kind !== 'Scale') {
      throw badRequest(
        `the kind in the data (${String(body.kind)}) does not match the expected kind (Scale)`,
      );
    }
    let scale: z.infer<typeof ScaleSchema>;
    try {
      scale = validateWith(ScaleSchema, body, 'builtin');
    } catch (error) {
      if (error instanceof FieldValidationError)
        throw invalid({ group: 'autoscaling', kind: 'Scale', name }, error.causes);
      throw error;
    }
    if (scale.metadata.name !== undefined && scale.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${scale.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const current = this.operations.get(def, version, namespace, name);
    const next: KubeObject = {
      ...current,
      metadata: {
        ...current.metadata,
        resourceVersion: scale.metadata.resourceVersion ?? current.metadata.resourceVersion,
      },
      spec: { ...(current.spec as DeploymentSpec), replicas: scale.spec.replicas },
    };
    return toScale(this.operations.update(def, version, namespace, name, next, options));
  }

  patch(
    def: ResourceDefinition,
    version: string,
    namespace: string,
    name: string,
    contentType: string | undefined,
    raw: Buffer,
    options: WriteOptions = {},
  ): KubeObject {
    const mediaType = checkPatchType(SCALE, contentType);
    const patched = applyPatch(SCALE, mediaType, this.get(def, version, namespace, name), raw);
    return this.update(def, version, namespace, name, patched, options);
  }
}

function toScale(deployment: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = deployment.metadata;
  const spec = deployment.spec as DeploymentSpec;
  const status = (deployment.status ?? {}) as { replicas?: number };
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas },
    status: { replicas: status.replicas ?? 0, selector: selectorString(spec.selector) },
  };
}

/** A label selector in its string form, as `Scale.status.selector` carries it. */
function selectorString(selector: DeploymentSpec['selector']): string {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') terms.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else terms.push(`!${e.key}`);
  }
  return terms.join(',');
}
