import { z } from 'zod';
import { AviaryConfigSchema } from '../model/config.js';

/**
 * JSON Schema of `aviary.config.yaml` for editors (yaml-language-server reads the `$schema` comment at the top
 * of the file). Draft-07, the draft editors support most widely. It describes what may be written (`io:
 * 'input'`: fields with defaults are optional). Cross-field rules (a target's cluster and policy must exist,
 * stepWeights must increase...) are refinements JSON Schema cannot express: they are left out, and loading the
 * file still checks them.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(AviaryConfigSchema, {
    io: 'input',
    target: 'draft-7',
    // Anything without a JSON Schema form (a transform, a custom type) is accepted rather than failing the build.
    unrepresentable: 'any',
  });
  const { $schema, ...rest } = schema;
  return {
    $schema,
    title: 'Aviary configuration',
    description:
      "Clusters, canary policies and rollout targets of Aviary. Cross-references (a target's cluster and policy) are checked when the file is loaded.",
    ...rest,
  };
}

/** The file content of `aviary.config.schema.json`, as `npm run schema` writes it. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
