import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config/config-errors.js';
import { parseConfig } from '../../lib/config/load-config.js';

const target = (name: string, cluster: string) => `
  ${name}:
    cluster: ${cluster}
    namespace: demo
    service: podinfo
    primary: { service: podinfo-primary, deployment: podinfo-primary }
    canary: { service: podinfo-canary, deployment: podinfo-canary }
    policy: demo`;

/** Three clusters, a target on each, and the `fleets:` / `freezes:` text under test. */
const config = (rest: string) => `
clusters:
  staging: { kind: simulated }
  prod-eu: { kind: simulated }
  prod-us: { kind: simulated }
policies:
  demo:
    stepWeights: [10, 50]
targets:${target('podinfo-staging', 'staging')}${target('podinfo-prod-eu', 'prod-eu')}${target('podinfo-prod-us', 'prod-us')}
${rest}`;

const ISSUE_EXAMPLE = `
fleets:
  podinfo:
    waves:
      - targets: [podinfo-staging]
        bakeSeconds: 600
      - targets: [podinfo-prod-eu, podinfo-prod-us]
        approval: true
freezes:
  - name: black-friday
    from: 2026-11-27T00:00:00Z
    to: 2026-11-30T23:59:59Z
    targets: ["*"]
    reason: peak traffic
  - name: weekends
    cron: "0 0 * * SAT"
    durationHours: 48
    targets: [podinfo-prod-eu]
`;

function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'fleet.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.slice();
  }
  throw new Error('expected a ConfigError');
}

describe('fleets and freezes in the configuration', () => {
  it('reads the example of the issue (with the overlapping weekend moved off Black Friday)', () => {
    // Black Friday 2026 covers Saturday 28 November: the example as written overlaps on podinfo-prod-eu.
    expect(problemsOf(config(ISSUE_EXAMPLE))).toEqual([
      'freezes[1]: overlaps freeze "black-friday" on target "podinfo-prod-eu" (both in force at 2026-11-28T00:00:00Z)',
    ]);
    const parsed = parseConfig(
      config(ISSUE_EXAMPLE.replace('targets: ["*"]', 'targets: [podinfo-staging]')),
      'f',
    );
    expect(parsed.fleets.podinfo).toEqual({
      waves: [
        { targets: ['podinfo-staging'], bakeSeconds: 600, approval: false },
        { targets: ['podinfo-prod-eu', 'podinfo-prod-us'], bakeSeconds: 0, approval: true },
      ],
      rollbackPromotedWaves: false,
      approvers: [],
      githubEnvironments: [],
    });
    expect(parsed.freezes.map((f) => f.name)).toEqual(['black-friday', 'weekends']);
  });

  it('defaults to no fleets and no freezes', () => {
    const parsed = parseConfig(config(''), 'f');
    expect(parsed.fleets).toEqual({});
    expect(parsed.freezes).toEqual([]);
  });

  it('names every fault at once: unknown wave target, a target in two waves, inverted window, bad cron', () => {
    const text = config(`
fleets:
  podinfo:
    waves:
      - targets: [podinfo-staging, podinfo-prod-ap]
      - targets: [podinfo-prod-eu, podinfo-staging]
      - targets: [podinfo-prod-us, podinfo-prod-us]
freezes:
  - name: inverted
    from: 2026-12-02T00:00:00Z
    to: 2026-12-01T00:00:00Z
    targets: ["*"]
  - name: bad-cron
    cron: "0 25 * * SAT"
    durationHours: 2
    targets: [podinfo-prod-eu]
  - name: never
    cron: "0 0 31 2 *"
    durationHours: 2
    targets: [podinfo-prod-eu]
  - name: four-fields
    cron: "0 0 * *"
    durationHours: 2
    targets: [podinfo-nowhere]
  - name: zone
    cron: "0 0 * * SUN"
    timezone: Mars/Olympus
    durationHours: 2
    targets: [podinfo-prod-us]
`);
    expect(problemsOf(text)).toEqual([
      'fleets.podinfo.waves[0].targets[1]: unknown target "podinfo-prod-ap"',
      'fleets.podinfo.waves[1].targets[1]: target "podinfo-staging" is already in wave 1: a target belongs to one wave',
      'fleets.podinfo.waves[2].targets[1]: target "podinfo-prod-us" is listed twice in wave 3',
      'freezes[0].to: ends (2026-12-01T00:00:00Z) before it starts (2026-12-02T00:00:00Z)',
      'freezes[1].cron: invalid cron expression "0 25 * * SAT": Invalid value for hour: 25',
      'freezes[2].cron: cron expression "0 0 31 2 *" never fires',
      'freezes[3].targets[0]: unknown target "podinfo-nowhere"',
      'freezes[3].cron: "0 0 * *" must have five fields: minute hour day-of-month month day-of-week',
      'freezes[4].timezone: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/Paris)',
    ]);
  });

  it('finds overlapping windows: two fixed, fixed and recurring, two recurring, and a recurring one with itself', () => {
    const text = config(`
freezes:
  - name: a
    from: 2026-12-01T00:00:00Z
    to: 2026-12-03T00:00:00Z
    targets: [podinfo-staging]
  - name: b
    from: 2026-12-02T12:00:00Z
    to: 2026-12-04T00:00:00Z
    targets: [podinfo-staging, podinfo-prod-eu]
  - name: c
    from: 2026-12-05T00:00:00Z
    to: 2026-12-06T00:00:00Z
    targets: [podinfo-prod-us]
  - name: nightly
    cron: "0 22 * * *"
    durationHours: 4
    targets: ["*"]
  - name: mondays
    cron: "0 1 * * MON"
    durationHours: 1
    targets: [podinfo-prod-eu]
  - name: long
    cron: "0 0 * * SAT"
    durationHours: 200
    targets: [podinfo-nowhere-else]
`);
    expect(problemsOf(text)).toEqual([
      'freezes[5].targets[0]: unknown target "podinfo-nowhere-else"',
      'freezes[5].durationHours: 200 h windows overlap the next start of "0 0 * * SAT" (2026-01-03T00:00:00Z and 2026-01-10T00:00:00Z)',
      'freezes[1]: overlaps freeze "a" on target "podinfo-staging" (both in force at 2026-12-02T12:00:00Z)',
      // nightly (22:00 for 4 h, every target) meets a at its start, b at 22:00 inside it, c at c's start.
      'freezes[3]: overlaps freeze "a" on target "podinfo-staging" (both in force at 2026-12-01T00:00:00Z)',
      'freezes[3]: overlaps freeze "b" on target "podinfo-staging" (both in force at 2026-12-02T22:00:00Z)',
      'freezes[3]: overlaps freeze "c" on target "podinfo-prod-us" (both in force at 2026-12-05T00:00:00Z)',
      // Monday 01:00 lies in Sunday's 22:00–02:00 window; 5 January 2026 is the first Monday of the horizon.
      'freezes[4]: overlaps freeze "nightly" on target "podinfo-prod-eu" (both in force at 2026-01-05T01:00:00Z)',
      'freezes[5]: overlaps freeze "nightly" on target "podinfo-nowhere-else" (both in force at 2026-01-01T22:00:00Z)',
    ]);
    // a and c, b and c do not share a target; mondays and long neither.
  });

  it('refuses a freeze that is both fixed and recurring, or neither, and a fleet named like a target', () => {
    const text = config(`
fleets:
  podinfo-staging:
    waves:
      - targets: [podinfo-prod-eu]
freezes:
  - name: both
    from: 2026-12-01T00:00:00Z
    to: 2026-12-02T00:00:00Z
    cron: "0 0 * * SAT"
    targets: ["*"]
  - name: neither
    targets: ["*"]
  - name: half
    from: 2026-12-01T00:00:00Z
    targets: ["*"]
`);
    expect(problemsOf(text)).toEqual([
      'freezes[0].cron: set either from + to, or cron + durationHours, not both',
      'freezes[1].from: set either from + to, or cron + durationHours',
      'freezes[2].to: is required with from',
      'fleets.podinfo-staging: a fleet cannot have the name of target "podinfo-staging": a deploy event names one or the other',
    ]);
    const named = config(`
fleets:
  podinfo-staging:
    waves:
      - targets: [podinfo-prod-eu]
`);
    expect(problemsOf(named)).toEqual([
      'fleets.podinfo-staging: a fleet cannot have the name of target "podinfo-staging": a deploy event names one or the other',
    ]);
  });
});
