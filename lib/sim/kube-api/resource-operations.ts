import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { FieldValidationError, validateWith } from './field-validation.js';
import {
  groupVersion,
  isPlainObject,
  type KubeObject,
  kubeTimestamp,
  ObjectMetaSchema,
} from './kube-object.js';
import { generatedName, nameCauses } from './object-names.js';
import type { ObjectStore } from './object-store.js';
import { APPLY_PATCH, applyPatch, checkPatchType } from './patch-body.js';
import type { ResourceCatalog } from './resource-catalog.js';
import { type ResourceDefinition, resourceKey } from './resource-definition.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  type KubeStatus,
  notFound,
  invalid as statusInvalid,
  success,
} from './status.js';
import { prunedFields } from './unknown-fields.js';
import type { WriteHooks } from './write-hooks.js';

export interface WriteOptions {
  dryRun?: boolean;
  /** `'status'` for writes through the `/status` subresource. */
  subresource?: 'status';
  /** What to do about fields the schema does not know: refuse (`Strict`), or drop them and `warn` (default). */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Receives warnings for the response's `Warning` headers. */
  warn?: (message: string) => void;
}

interface InternalWriteOptions extends WriteOptions {
  /** Skip the resourceVersion requirement of custom resources (patches, the in-process API). */
  unconditional?: boolean;
  /** Keep a `status` sent to the main resource (the in-process API sets up test fixtures this way). */
  keepStatus?: boolean;
}

const SYSTEM_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'selfLink',
  'managedFields',
  'deletionTimestamp',
];

/** The API server's verbs over the store: validation, conversion, preconditions and system metadata. */
export class ResourceOperations {
  constructor(
    private readonly store: ObjectStore,
    private readonly catalog: ResourceCatalog,
    private readonly hooks: WriteHooks[],
  ) {}

  get(def: ResourceDefinition, version: string, namespace: string, name: string): KubeObject {
    const stored = this.store.get(resourceKey(def), namespace, name);
    if (stored === undefined) throw notFound(def, name);
    return def.encode(stored, version);
  }

  find(def: ResourceDefinition, version: string, namespace: string, name: string): KubeObject | undefined {
    const stored = this.store.get(resourceKey(def), namespace, name);
    return stored === undefined ? undefined : def.encode(stored, version);
  }

  /** Encoded items of one namespace (or all when `namespace` is undefined). */
  items(
    def: ResourceDefinition,
    version: string,
    namespace: string | undefined,
    matches: (labels: Record<string, string> | undefined) => boolean = () => true,
  ): KubeObject[] {
    return this.store
      .list(resourceKey(def), namespace)
      .filter((o) => matches(o.metadata.labels))
      .map((o) => def.encode(o, version));
  }

  /** A `<Kind>List`; items of built-in types carry no apiVersion/kind, as the API server sends them. */
  list(
    def: ResourceDefinition,
    version: string,
    namespace: string | undefined,
    matches?: (labels: Record<string, string> | undefined) => boolean,
  ): Record<string, unknown> {
    const items = this.items(def, version, namespace, matches).map((item) => {
      if (def.custom) return item;
      const { apiVersion: _a, kind: _k, ...rest } = item;
      return rest;
    });
    return {
      apiVersion: groupVersion(def.group, version),
      kind: def.listKind,
      metadata: { resourceVersion: this.store.currentResourceVersion() },
      items,
    };
  }

  create(
    def: ResourceDefinition,
    version: string,
    namespace: string,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    return this.createObject(def, version, namespace, body, options);
  }

  update(
    def: ResourceDefinition,
    version: string,
    namespace: string,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    return this.updateObject(def, version, namespace, name, body, options);
  }

  patch(
    def: ResourceDefinition,
    version: string,
    namespace: string,
    name: string,
    contentType: string | undefined,
    raw: Buffer,
    options: WriteOptions & { fieldManager?: string } = {},
  ): KubeObject {
    const mediaType = checkPatchType(def, contentType);
    const current = this.find(def, version, namespace, name);
    if (current === undefined && mediaType !== APPLY_PATCH) throw notFound(def, name);
    const patched = applyPatch(def, mediaType, current, raw);
    if (!isPlainObject(patched)) throw badRequest('the patched object is not a JSON object');
    const object = { ...patched, apiVersion: groupVersion(def.group, version), kind: def.kind } as KubeObject;
    if (current === undefined) {
      const metadata = isPlainObject(object.metadata) ? object.metadata : {};
      return this.createObject(
        def,
        version,
        namespace,
        { ...object, metadata: { ...metadata, name } },
        options,
      );
    }
    return this.updateObject(def, version, namespace, name, object, { ...options, unconditional: true });
  }

  delete(def: ResourceDefinition, version: string, namespace: string, name: string): KubeObject | KubeStatus {
    const key = resourceKey(def);
    const deleted = this.store.delete(key, namespace, name);
    if (deleted === undefined) throw notFound(def, name);
    for (const hook of this.hooks) hook.afterDelete(def, deleted);
    if (def.custom) return def.encode(deleted, version);
    return success({ name, group: def.group, kind: def.plural, uid: deleted.metadata.uid ?? '' });
  }

  /** Create or replace without preconditions: the in-process API's `apply`. */
  put(def: ResourceDefinition, version: string, namespace: string, body: KubeObject): KubeObject {
    const name = body.metadata?.name;
    const existing = name === undefined ? undefined : this.store.get(resourceKey(def), namespace, name);
    const { resourceVersion: _rv, ...metadata } = body.metadata ?? {};
    const object = { ...body, metadata };
    if (existing === undefined || name === undefined) {
      return this.createObject(def, version, namespace, object, { keepStatus: def.custom });
    }
    return this.updateObject(def, version, namespace, name, object, {
      unconditional: true,
      keepStatus: def.custom,
    });
  }

  private createObject(
    def: ResourceDefinition,
    version: string,
    namespace: string,
    body: unknown,
    options: InternalWriteOptions,
  ): KubeObject {
    const object = this.normalise(def, version, namespace, body);
    if (object.metadata.name === undefined || object.metadata.name === '') {
      if (object.metadata.generateName) object.metadata.name = generatedName(object.metadata.generateName);
      else {
        throw statusInvalid({ group: def.group, kind: def.kind, name: '' }, [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: name or generateName is required',
            field: 'metadata.name',
          },
        ]);
      }
    }
    const name = object.metadata.name;
    if (this.store.get(resourceKey(def), namespace, name) !== undefined) throw alreadyExists(def, name);
    const decoded = this.decode(def, version, object, undefined, options);
    if (def.statusSubresource && !options.keepStatus) delete decoded.status;
    decoded.metadata = {
      ...withoutSystemMetadata(decoded.metadata),
      uid: randomUUID(),
      generation: 1,
      creationTimestamp: kubeTimestamp(),
    };
    if (def.namespaced) this.ensureNamespace(namespace, options);
    return this.commit(def, version, decoded, undefined, options);
  }

  private updateObject(
    def: ResourceDefinition,
    version: string,
    namespace: string,
    name: string,
    body: unknown,
    options: InternalWriteOptions,
  ): KubeObject {
    const object = this.normalise(def, version, namespace, body);
    if (object.metadata.name !== undefined && object.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    object.metadata.name = name;
    const previous = this.store.get(resourceKey(def), namespace, name);
    if (previous === undefined) throw notFound(def, name);
    const sentVersion = object.metadata.resourceVersion;
    if (sentVersion !== undefined && sentVersion !== '') {
      if (sentVersion !== previous.metadata.resourceVersion) throw conflict(def, name);
    } else if (def.custom && !options.unconditional) {
      throw statusInvalid({ group: def.group, kind: def.kind, name }, [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
          field: 'metadata.resourceVersion',
        },
      ]);
    }
    let next: KubeObject;
    if (options.subresource === 'status') {
      // Through /status only the status changes; the rest of the object stays as stored.
      next = { ...previous, status: object.status };
    } else {
      next = this.decode(def, version, object, previous, options);
      if (def.statusSubresource && !options.keepStatus) {
        if (previous.status === undefined) delete next.status;
        else next.status = previous.status;
      }
      const causes = def.validateUpdate?.(next, previous) ?? [];
      if (causes.length > 0) throw statusInvalid({ group: def.group, kind: def.kind, name }, causes);
      // Compared as the writer's version shows it: a write through v1alpha2 of a split stored with quantity
      // weights ("90") changes nothing the writer can see, so it keeps the stored form and the generation.
      const specChanged = !isDeepStrictEqual(
        def.encode(next, version).spec,
        def.encode(previous, version).spec,
      );
      if (!specChanged) next.spec = previous.spec;
      next.metadata = {
        ...withoutSystemMetadata(next.metadata),
        uid: previous.metadata.uid,
        generation: (previous.metadata.generation ?? 1) + (specChanged ? 1 : 0),
        creationTimestamp: previous.metadata.creationTimestamp,
      };
    }
    return this.commit(def, version, next, previous, options);
  }

  private commit(
    def: ResourceDefinition,
    version: string,
    candidate: KubeObject,
    previous: KubeObject | undefined,
    options: InternalWriteOptions,
  ): KubeObject {
    const next = this.hooks.reduce(
      (o, hook) => hook.beforeStore(def, o, previous, options.subresource),
      candidate,
    );
    if (options.dryRun) {
      return def.encode(
        {
          ...next,
          metadata: { ...next.metadata, resourceVersion: previous?.metadata.resourceVersion ?? '' },
        },
        version,
      );
    }
    const stored = this.store.put(resourceKey(def), next);
    for (const hook of this.hooks) hook.afterStore(def, stored);
    return def.encode(stored, version);
  }

  /** Checks the envelope (apiVersion, kind, namespace, metadata) of an object sent to `def` in `version`. */
  private normalise(def: ResourceDefinition, version: string, namespace: string, body: unknown): KubeObject {
    if (!isPlainObject(body)) throw badRequest('the body of the request must be a JSON object');
    const expectedApiVersion = groupVersion(def.group, version);
    if (body.apiVersion !== undefined && body.apiVersion !== expectedApiVersion) {
      throw badRequest(
        `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expectedApiVersion})`,
      );
    }
    if (body.kind !== undefined && body.kind !== def.kind) {
      throw badRequest(
        `the kind in the data (${String(body.kind)}) does not match the expected kind (${def.kind})`,
      );
    }
    const name =
      isPlainObject(body.metadata) && typeof body.metadata.name === 'string' ? body.metadata.name : '';
    const { metadata } = this.validated(def, name, () =>
      validateWith(ObjectMetaEnvelope, { metadata: body.metadata ?? {} }),
    );
    if (def.namespaced) {
      if (metadata.namespace !== undefined && metadata.namespace !== '' && metadata.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      metadata.namespace = namespace;
    } else {
      delete metadata.namespace;
    }
    if (metadata.name) {
      const causes = nameCauses(metadata.name, def.plural === 'namespaces' ? 'label' : 'subdomain');
      if (causes.length > 0)
        throw statusInvalid({ group: def.group, kind: def.kind, name: metadata.name }, causes);
    }
    return { ...structuredClone(body), apiVersion: expectedApiVersion, kind: def.kind, metadata };
  }

  private decode(
    def: ResourceDefinition,
    version: string,
    object: KubeObject,
    previous: KubeObject | undefined,
    options: WriteOptions,
  ): KubeObject {
    const decoded = this.validated(def, object.metadata.name ?? '', () =>
      def.decode(object, version, previous),
    );
    const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...sent } = object;
    const { apiVersion: _a2, kind: _k2, metadata: _m2, status: _s2, ...kept } = def.encode(decoded, version);
    const unknown = prunedFields(sent, kept, '').sort();
    if (unknown.length > 0 && options.fieldValidation === 'Strict') {
      throw badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
    }
    if (options.fieldValidation !== 'Ignore')
      for (const field of unknown) options.warn?.(`unknown field "${field}"`);
    return decoded;
  }

  private validated<T>(def: ResourceDefinition, name: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof FieldValidationError)
        throw statusInvalid({ group: def.group, kind: def.kind, name }, error.causes);
      throw error;
    }
  }

  private ensureNamespace(namespace: string, options: InternalWriteOptions): void {
    const def = this.catalog.byPlural('', 'v1', 'namespaces');
    if (def === undefined || options.dryRun || this.store.get(resourceKey(def), '', namespace) !== undefined)
      return;
    this.createObject(def, 'v1', '', { metadata: { name: namespace } }, {});
  }
}

const ObjectMetaEnvelope = z.object({ metadata: ObjectMetaSchema });

function withoutSystemMetadata(metadata: KubeObject['metadata']): KubeObject['metadata'] {
  return Object.fromEntries(Object.entries(metadata).filter(([key]) => !SYSTEM_METADATA.includes(key)));
}
