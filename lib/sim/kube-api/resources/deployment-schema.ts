import { z } from 'zod';

const StringMap = z.record(z.string(), z.string());

const Container = z.looseObject({
  name: z.string().min(1),
  image: z.string().min(1),
});

export const LabelSelectorSchema = z.looseObject({
  matchLabels: StringMap.optional(),
  matchExpressions: z
    .array(
      z.looseObject({
        key: z.string().min(1),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

const PodTemplate = z.looseObject({
  metadata: z.looseObject({ labels: StringMap.optional(), annotations: StringMap.optional() }).default({}),
  spec: z.looseObject({ containers: z.array(Container).min(1) }),
});

/** `apps/v1` DeploymentSpec: the fields the API server requires or defaults; the rest is kept as sent. */
export const DeploymentSpecSchema = z.looseObject({
  replicas: z.number().int().min(0).default(1),
  selector: LabelSelectorSchema,
  template: PodTemplate,
  strategy: z
    .looseObject({
      type: z.enum(['RollingUpdate', 'Recreate']).default('RollingUpdate'),
      rollingUpdate: z
        .looseObject({
          maxUnavailable: z.union([z.number(), z.string()]),
          maxSurge: z.union([z.number(), z.string()]),
        })
        .optional(),
    })
    .default({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }),
  revisionHistoryLimit: z.number().int().min(0).default(10),
  progressDeadlineSeconds: z.number().int().min(1).default(600),
  minReadySeconds: z.number().int().min(0).optional(),
  paused: z.boolean().optional(),
});

export const DeploymentSchema = z.object({ spec: DeploymentSpecSchema });

export type DeploymentSpec = z.infer<typeof DeploymentSpecSchema>;

export interface DeploymentCondition {
  type: 'Available' | 'Progressing';
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
}
