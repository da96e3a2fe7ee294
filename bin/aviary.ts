#!/usr/bin/env node
// `npm run aviary -- <command> ...`: the operator CLI.
const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  simulate: () => import('../lib/cli/simulate.js'),
  schema: () => import('../lib/cli/schema.js'),
  deploy: () => import('../lib/cli/deploy.js'),
  slack: () => import('../lib/cli/slack.js'),
  open: () => import('../lib/cli/open.js'),
};

const [name, ...rest] = process.argv.slice(2);
const load = name ? commands[name] : undefined;
if (!load) {
  process.stderr.write(`usage: aviary <${Object.keys(commands).join('|')}> [options]\n`);
  process.exit(2);
}
const mod = await load();
process.exitCode = await mod.run(rest);
