#!/usr/bin/env node
// `aviary <command> …` (`npm run aviary -- …`, or `npx aviary …`): the operator CLI.
import { commandTable, topLevelUsage } from '../lib/cli/command-table.js';

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(topLevelUsage());
  process.exit(name === undefined ? 2 : 0);
}
const entry = commandTable[name];
if (!entry) {
  process.stderr.write(`error: unknown command "${name}"\n${topLevelUsage()}`);
  process.exit(2);
}
process.exitCode = await entry.run(rest);
