#!/usr/bin/env node
// `npx aviary …`: the CLI's `bin` entry. Node 20 cannot run TypeScript itself, so tsx's loader compiles it.
import { register } from 'tsx/esm/api';

register();
await import('./aviary.ts');
