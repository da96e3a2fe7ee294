import { runSlack } from './local-requests.js';

export const run = runSlack;
