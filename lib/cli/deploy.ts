import { runDeploy } from './local-requests.js';

export const run = runDeploy;
