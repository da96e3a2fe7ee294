import type { DynamoDbFault, DynamoDbFaultPolicy } from '../../local/dynamodb-faults.js';
import type { FaultPolicy, RequestFault } from '../kube-api/index.js';
import type { SlackFaultPolicy } from '../slack-api-double.js';

/**
 * Where a crash strikes within a transition (a state write that records a decision):
 * - `afterStateWrite`: the state write lands, then the process dies before any cluster write.
 * - `afterClusterWrite`: the reverse: the state write never lands, the first cluster write after it does, then the
 *   process dies (as if the cluster had been written first). Where no cluster write follows (commands, decisions
 *   with nothing to change), this is a crash just before the state write.
 */
export type CrashKind = 'afterStateWrite' | 'afterClusterWrite';

export interface CrashPlan {
  target: string;
  /** 1-based: the n-th state write of the target that records a decision. */
  transition: number;
  kind: CrashKind;
}

/** What happened to a plan. */
export interface CrashRecord extends CrashPlan {
  /** `fromPhase→toPhase (action)` of the decision written (or not) when the crash struck. */
  label: string;
  clusterWritten: boolean;
}

/** Which target a DynamoDB request is about: rollout ids are `<target>-<seq>`, heads `TARGET#<target>`. */
const DYNAMO_TARGET = /(?:ROLLOUT#|TARGET#|DELIVERY#webhook:)(t\d{3})\b/;

interface TargetState {
  plan?: CrashPlan;
  transitions: number;
  /** Label of each decision-recording state write, in order. */
  labels: string[];
  /** The process working on this target has died: all its further I/O fails until the invocation ends. */
  dead: boolean;
  /** `afterClusterWrite`: the state write was swallowed; the next cluster write lands, then death. */
  awaitingClusterWrite: boolean;
  record?: CrashRecord;
}

/**
 * Crashes, one per target, on the real stack's I/O: every DynamoDB, Kubernetes and Slack request names the one
 * target it is about (its own namespace, channel and keys), so a crash of one target's invocation leaves the
 * others running, as if each had its own process. Call `endInvocation` when the invocation (a tick, a webhook)
 * is over: a crashed process is replaced by a fresh one.
 */
export class CrashSwitch {
  private readonly targets = new Map<string, TargetState>();

  arm(plan: CrashPlan): void {
    this.state(plan.target).plan = plan;
  }

  /** `from→to (action)` of each decision-recording state write of the target so far, in order. */
  transitions(target: string): string[] {
    return [...this.state(target).labels];
  }

  record(target: string): CrashRecord | undefined {
    return this.targets.get(target)?.record;
  }

  /** Whether the target's process died in the invocation that is ending; revives everything. */
  endInvocation(): Set<string> {
    const crashed = new Set<string>();
    for (const [name, s] of this.targets) {
      if (s.dead || s.awaitingClusterWrite) crashed.add(name);
      s.dead = false;
      s.awaitingClusterWrite = false;
    }
    return crashed;
  }

  readonly dynamo: DynamoDbFaultPolicy = (call) => {
    const json = JSON.stringify(call.input);
    const target = DYNAMO_TARGET.exec(json)?.[1];
    if (!target) return null;
    const s = this.state(target);
    if (s.dead || s.awaitingClusterWrite) return 'crash';
    if (!call.write || !json.includes('DECISION#')) return null;
    s.transitions += 1;
    const label = labelOf(call.input);
    s.labels.push(label);
    const plan = s.plan;
    if (!plan || plan.transition !== s.transitions || s.record) return null;
    s.record = { ...plan, label, clusterWritten: false };
    if (plan.kind === 'afterStateWrite') {
      // This write lands; everything after it is lost.
      s.dead = true;
      return null;
    }
    s.awaitingClusterWrite = true;
    return 'ackWithoutWrite' satisfies DynamoDbFault;
  };

  readonly kube: FaultPolicy = (request) => {
    const target = request.namespace;
    if (!target || !this.targets.has(target)) return null;
    const s = this.state(target);
    if (s.dead) return { kind: 'reset' } satisfies RequestFault;
    if (s.awaitingClusterWrite && request.write) {
      s.awaitingClusterWrite = false;
      s.dead = true;
      if (s.record) s.record.clusterWritten = true;
      // Applied; the process dies before it hears back.
      return { kind: 'lostAnswer' };
    }
    return null;
  };

  readonly slack: SlackFaultPolicy = ({ args }) => {
    const channel = typeof args.channel === 'string' ? args.channel : '';
    const s = this.targets.get(channel.slice(1).toLowerCase());
    return s && (s.dead || s.awaitingClusterWrite) ? 'reset' : null;
  };

  private state(target: string): TargetState {
    let s = this.targets.get(target);
    if (!s) {
      s = { transitions: 0, labels: [], dead: false, awaitingClusterWrite: false };
      this.targets.set(target, s);
    }
    return s;
  }
}

type Marshalled = Record<string, { S?: string } | undefined>;

/** `fromPhase→toPhase (action)` of the decisions a write appends (two when a rollout supersedes another). */
function labelOf(input: Record<string, unknown>): string {
  const items = (input.TransactItems as { Put?: { Item?: Marshalled } }[] | undefined) ?? [];
  return items
    .map((t) => t.Put?.Item)
    .filter((item): item is Marshalled => item?.sk?.S?.startsWith('DECISION#') === true)
    .map((d) => `${d.fromPhase?.S}→${d.toPhase?.S} (${d.action?.S})`)
    .join(' + ');
}
