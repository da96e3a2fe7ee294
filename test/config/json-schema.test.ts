import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { run } from '../../lib/cli/schema.js';
import { configJsonSchema, renderConfigJsonSchema } from '../../lib/config/json-schema.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (name: string) => readFileSync(path.join(ROOT, name), 'utf8');

interface ObjectSchema {
  properties: Record<
    string,
    { additionalProperties?: { properties?: Record<string, unknown>; required?: string[] } }
  >;
  required?: string[];
  additionalProperties?: boolean;
}

const validator = () => {
  // Formats (uri) are not what this test is about; the loader checks them.
  const ajv = new Ajv({ allErrors: true, validateFormats: false });
  return ajv.compile(configJsonSchema());
};

describe('configuration JSON Schema', () => {
  it('is committed as freshly generated (run `npm run schema` after changing lib/model/config.ts)', () => {
    expect(read('aviary.config.schema.json')).toBe(renderConfigJsonSchema());
  });

  it('accepts the shipped aviary.config.yaml and knows every key it uses', () => {
    const shipped = parse(read('aviary.config.yaml')) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    const validate = validator();
    expect(validate(shipped), JSON.stringify(validate.errors)).toBe(true);

    const schema = configJsonSchema() as unknown as ObjectSchema;
    for (const key of Object.keys(shipped)) expect(schema.properties).toHaveProperty(key);
    expect(schema.required).toEqual(['clusters', 'policies', 'targets']);
    const targetFields = schema.properties.targets?.additionalProperties?.properties ?? {};
    for (const target of Object.values(shipped.targets ?? {})) {
      for (const field of Object.keys(target)) expect(targetFields).toHaveProperty(field);
    }
  });

  it('describes what may be written: fields with defaults are optional, unknown fields are not allowed', () => {
    const schema = configJsonSchema() as unknown as ObjectSchema;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.targets?.additionalProperties?.required?.sort()).toEqual([
      'canary',
      'cluster',
      'namespace',
      'primary',
      'service',
    ]);
    const validate = validator();
    const config = { clusters: { sim: { kind: 'simulated' } }, policies: {}, targets: {} };
    expect(validate(config)).toBe(true);
    expect(validate({ ...config, extra: 1 })).toBe(false);
    expect(validate({ ...config, clusters: { sim: { kind: 'nomad' } } })).toBe(false);
    expect(validate({ ...config, clusters: { Bad_Name: { kind: 'simulated' } } })).toBe(false);
  });
});

describe('aviary schema', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints the schema', async () => {
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    expect(await run([])).toBe(0);
    expect(JSON.parse(printed)).toEqual(configJsonSchema());
  });

  it('refuses arguments', async () => {
    let complained = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      complained += String(chunk);
      return true;
    });
    expect(await run(['--out', 'x.json'])).toBe(2);
    expect(complained).toContain('usage: aviary schema');
  });
});
