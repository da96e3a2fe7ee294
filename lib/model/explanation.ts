import { z } from 'zod';

/** Why a judge decided what it did: inputs, the statistic, the bound it crossed, the rule that fired. */
export const ExplanationSchema = z.object({
  judge: z.enum(['aviary', 'flagger', 'argo', 'core']),
  /** Stable rule id, e.g. `guardrail.success_rate`, `sprt.reject.errors`, `insufficient_requests`, `no_data`. */
  rule: z.string(),
  /** One human sentence, shown in status and Slack. */
  summary: z.string(),
  inputs: z.record(z.string(), z.number().nullable()),
  statistic: z.object({ name: z.string(), value: z.number() }).optional(),
  bound: z.object({ name: z.string(), value: z.number() }).optional(),
});
export type Explanation = z.infer<typeof ExplanationSchema>;
