import type { Judge } from '../model/judge.js';
import type { JudgeConfig } from '../model/policy.js';
import { createArgoJudge } from './argo-judge.js';
import { createAviaryJudge } from './aviary-judge.js';
import { createFlaggerJudge } from './flagger-judge.js';

/** The judge a policy asks for. */
export function createJudge(config: JudgeConfig): Judge {
  switch (config.kind) {
    case 'aviary':
      return createAviaryJudge(config);
    case 'flagger':
      return createFlaggerJudge();
    case 'argo':
      return createArgoJudge(config);
  }
}
