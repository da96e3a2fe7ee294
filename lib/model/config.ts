import { z } from 'zod';
import { FleetSchema, type ResolvedFleet } from './fleet.js';
import { checkFleets, checkFreezes } from './fleet-freeze-rules.js';
import { FreezeSchema } from './freeze.js';
import { PolicySchema } from './policy.js';

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label: lowercase letters, digits and "-"')
  .max(63);

/** How Aviary reaches a cluster's Kubernetes API. */
export const ClusterSchema = z.discriminatedUnion('kind', [
  /** The embedded Kubernetes API double + traffic simulator of `npm start`. */
  z
    .object({
      kind: z.literal('simulated'),
      timeoutMs: z.number().int().positive().default(10_000),
      /** Traffic the simulator sends to each target's apex service. */
      requestsPerSecond: z.number().min(0).default(100),
      /** Error rate of a canary whose image tag ends in `-faulty`; any other image is healthy. */
      faultyErrorRate: z.number().min(0).max(1).default(0.1),
      /** How long a Deployment takes to become available after its pod spec changes. */
      deploymentRolloutSeconds: z.number().min(0).default(2),
      /** Wire shape of the simulated SMI metrics API: the real smi-metrics server's, or the spec's. */
      metricsShape: z.enum(['smi-metrics', 'spec']).default('smi-metrics'),
    })
    .strict(),
  /** A context of a kubeconfig file (kind, k3d, any cluster a user can reach). */
  z
    .object({
      kind: z.literal('kubeconfig'),
      path: z.string().optional(),
      context: z.string().optional(),
      timeoutMs: z.number().int().positive().default(10_000),
    })
    .strict(),
  /** Amazon EKS: DescribeCluster + IAM bearer token, optionally through an assumed role. */
  z
    .object({
      kind: z.literal('eks'),
      name: z.string().min(1),
      region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region like us-east-1'),
      roleArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN')
        .optional(),
      timeoutMs: z.number().int().positive().default(10_000),
    })
    .strict(),
]);
export type ClusterConfig = z.infer<typeof ClusterSchema>;

export const SMI_SPLIT_VERSIONS = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'] as const;
export const HTTPROUTE_VERSIONS = ['v1', 'v1beta1'] as const;

export const RouterSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('smi'),
      /** TrafficSplit name; defaults to the apex service name. */
      name: z.string().optional(),
      /** Pin a version; otherwise discovered from the API group. */
      apiVersion: z.enum(SMI_SPLIT_VERSIONS).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('httproute'),
      name: z.string().optional(),
      apiVersion: z.enum(HTTPROUTE_VERSIONS).optional(),
    })
    .strict(),
]);
export type RouterConfig = z.infer<typeof RouterSchema>;

export const MetricsSchema = z.discriminatedUnion('kind', [
  /** SMI Traffic Metrics API (`metrics.smi-spec.io`) through the cluster's API server. */
  z.object({ kind: z.literal('smi') }).strict(),
  /** Prometheus HTTP API with Linkerd's series. */
  z
    .object({
      kind: z.literal('prometheus'),
      /** Direct URL (AMP workspace URL or any Prometheus). Omit to use `serviceProxy`. */
      url: z.string().url().optional(),
      /** `sigv4` for Amazon Managed Prometheus, `bearer` with a token from the environment variable named. */
      auth: z
        .discriminatedUnion('kind', [
          z.object({ kind: z.literal('none') }).strict(),
          z.object({ kind: z.literal('bearer'), tokenEnv: z.string() }).strict(),
          z.object({ kind: z.literal('sigv4'), region: z.string() }).strict(),
        ])
        .default({ kind: 'none' }),
      /** Reach Prometheus through the Kubernetes API service proxy. */
      serviceProxy: z
        .object({ namespace: z.string(), service: z.string(), port: z.union([z.string(), z.number()]) })
        .strict()
        .optional(),
    })
    .strict()
    .refine((m) => (m.url === undefined) !== (m.serviceProxy === undefined), {
      message: 'set exactly one of url and serviceProxy',
    }),
]);
export type MetricsConfig = z.infer<typeof MetricsSchema>;

export const IMAGE_PLACEHOLDERS: readonly string[] = ['sha', 'ref', 'environment'];

const Workload = z.object({ service: dnsLabel, deployment: dnsLabel }).strict();

export const TargetSchema = z
  .object({
    cluster: dnsLabel,
    namespace: dnsLabel,
    /** The apex service clients call; the TrafficSplit/HTTPRoute splits it between the two backends. */
    service: dnsLabel,
    primary: Workload,
    canary: Workload,
    router: RouterSchema.default({ kind: 'smi' }),
    metrics: MetricsSchema.default({ kind: 'smi' }),
    /** Name of a policy in `policies`. */
    policy: z.string().default('default'),
    /** Slack user ids allowed to approve, reject, pause, resume or abort. */
    approvers: z
      .array(z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id like U024BE7LH'))
      .default([]),
    slackChannel: z.string().optional(),
    /** GitHub deployment environments that map to this target. */
    githubEnvironments: z.array(z.string()).default([]),
    /**
     * The image of a GitHub deployment without `payload.image`, e.g. `ghcr.io/acme/podinfo:{sha}`;
     * placeholders `{sha}`, `{ref}` and `{environment}`.
     */
    imageTemplate: z
      .string()
      .max(512)
      .refine((t) => [...t.matchAll(/\{([^}]*)\}/g)].every((m) => IMAGE_PLACEHOLDERS.includes(m[1] ?? '')), {
        message: 'placeholders are {sha}, {ref} and {environment}',
      })
      .optional(),
  })
  .strict();
export type TargetConfig = z.infer<typeof TargetSchema>;

/**
 * The Slack workspace whose people the approvers are. Slack user ids are only unique within a workspace (or an
 * Enterprise Grid org), and one app can be installed in several: every request is checked against these.
 */
export const SlackWorkspaceSchema = z
  .object({
    teamId: z.string().regex(/^T[A-Z0-9]+$/, 'must be a Slack team id like T024BE7LD'),
    /** On Enterprise Grid, the org's id: requests from another org are refused. */
    enterpriseId: z
      .string()
      .regex(/^E[A-Z0-9]+$/, 'must be a Slack enterprise id like E0AKBHEJ9')
      .optional(),
    /** Aviary's Slack app id: requests signed for another app of the same secret are refused. */
    appId: z
      .string()
      .regex(/^A[A-Z0-9]+$/, 'must be a Slack app id like A0AVIARY')
      .optional(),
  })
  .strict();
export type SlackWorkspace = z.infer<typeof SlackWorkspaceSchema>;

export const AviaryConfigSchema = z
  .object({
    clusters: z.record(dnsLabel, ClusterSchema),
    policies: z.record(z.string(), PolicySchema),
    targets: z.record(dnsLabel, TargetSchema),
    /** Targets taken wave by wave by one deploy event naming the fleet. */
    fleets: z.record(dnsLabel, FleetSchema).default({}),
    /** Windows in which rollouts of the targets named wait (pending) or hold their weight; rollbacks go on. */
    freezes: z.array(FreezeSchema).default([]),
    /** Scheduled tick: how many clusters are worked on at once, and each cluster's time budget per tick. */
    tick: z
      .object({
        clusterConcurrency: z.number().int().positive().default(8),
        clusterBudgetMs: z.number().int().positive().default(20_000),
      })
      .strict()
      .default({ clusterConcurrency: 8, clusterBudgetMs: 20_000 }),
    /** Without it, Slack requests are refused: approvers could not be told apart from another workspace's. */
    slack: SlackWorkspaceSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const [name, t] of Object.entries(c.targets)) {
      if (!(t.cluster in c.clusters)) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', name, 'cluster'],
          message: `unknown cluster "${t.cluster}"`,
        });
      }
      if (!(t.policy in c.policies)) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', name, 'policy'],
          message: `unknown policy "${t.policy}"`,
        });
      }
      if (t.primary.service === t.canary.service || t.primary.deployment === t.canary.deployment) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', name, 'canary'],
          message: 'canary must differ from primary',
        });
      }
    }
    const targets = new Set(Object.keys(c.targets));
    const report = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    checkFleets(c.fleets, targets, report);
    checkFreezes(c.freezes, targets, report);
  });
export type AviaryConfig = z.infer<typeof AviaryConfigSchema>;

/** A target with its name, cluster and policy resolved: what the core and the adapters work with. */
export interface ResolvedTarget extends TargetConfig {
  name: string;
}

export type { ResolvedFleet };
