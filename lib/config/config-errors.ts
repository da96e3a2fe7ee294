/**
 * The configuration file cannot be used. The message has one line per problem, each naming the file and,
 * where there is one, the field path: `aviary.config.yaml: targets.podinfo.policy: unknown policy "fast"`.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(
    readonly file: string,
    /** Each problem without the file name: `<field path>: <what is wrong>` or `line 3, column 5: ...`. */
    readonly problems: readonly string[],
  ) {
    super(problems.map((p) => `${file}: ${p}`).join('\n'));
  }
}
