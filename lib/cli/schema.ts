import { renderConfigJsonSchema } from '../config/json-schema.js';

/** `aviary schema`: prints the configuration's JSON Schema (`npm run schema` saves it as aviary.config.schema.json). */
export async function run(argv: string[]): Promise<number> {
  if (argv.length > 0) {
    process.stderr.write(`usage: aviary schema\nunexpected argument: ${argv.join(' ')}\n`);
    return 2;
  }
  process.stdout.write(renderConfigJsonSchema());
  return 0;
}
