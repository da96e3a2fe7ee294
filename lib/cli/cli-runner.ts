import { type CliContext, CliError, UsageError } from './cli-context.js';

/** Runs a command body; a UsageError or CliError becomes one line on stderr and its exit code. */
export async function runCli(ctx: CliContext, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.err(`error: ${error.message}\n${usage}`);
      return 2;
    }
    if (error instanceof CliError) {
      ctx.err(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
