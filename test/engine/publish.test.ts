import { describe, expect, it } from 'vitest';
import type { EngineDeps } from '../../lib/engine/engine-deps.js';
import { publishAndRemember } from '../../lib/engine/publish.js';
import { ConflictError } from '../../lib/errors.js';
import type { Rollout } from '../../lib/model/rollout.js';
import type { MessageRef, Notifier } from '../../lib/notify/notifier.js';
import type { RolloutStore } from '../../lib/store/rollout-store.js';
import { CONFIG, NOW, pendingRollout, TARGET } from '../functions/fixtures.js';

/** One rollout, saved conditionally on its version like DynamoDbRolloutStore; `beforeSave` lets a rival write first. */
function memoryStore(initial: Rollout) {
  let stored = initial;
  const hooks = { beforeSave: async (_next: Rollout): Promise<void> => {} };
  const store = {
    getRollout: async (id: string) => (id === stored.id ? stored : null),
    saveRollout: async (next: Rollout) => {
      await hooks.beforeSave(next);
      if (stored.version !== next.version - 1) throw new ConflictError(`save ${next.id} v${next.version}`);
      stored = next;
    },
    // Like DynamoDbRolloutStore: no new version, refused when the rollout moved on.
    markPublished: async (shown: Rollout) => {
      if (stored.version !== shown.version) return false;
      const { publishPending: _cleared, ...rest } = stored;
      stored = rest;
      return true;
    },
  } as unknown as RolloutStore;
  return { store, hooks, stored: () => stored, write: (r: Rollout) => (stored = r) };
}

/** Slack as far as messages go: one per post, updates in place, deletes. */
function recordingNotifier() {
  const messages = new Map<string, string>();
  let seq = 0;
  const render = (r: Rollout) => `${r.phase}@v${r.version}`;
  const notifier: Notifier = {
    publish: async (rollout) => {
      if (rollout.slack && messages.has(rollout.slack.ts)) {
        messages.set(rollout.slack.ts, render(rollout));
        return rollout.slack;
      }
      const ref: MessageRef = { channel: 'C0DEPLOYS', ts: `1.${++seq}` };
      messages.set(ref.ts, render(rollout));
      return ref;
    },
    retract: async (ref) => {
      messages.delete(ref.ts);
    },
  };
  return { notifier, messages };
}

function deps(store: RolloutStore, notifier: Notifier): EngineDeps {
  return {
    config: CONFIG,
    store,
    notifier,
    clock: () => NOW,
    log: () => {},
  } as unknown as EngineDeps;
}

describe('publishAndRemember', () => {
  it('keeps the new message reference when a rival write moved the rollout first, and shows the newest state', async () => {
    const start = pendingRollout({ version: 1 });
    const mem = memoryStore(start);
    const slack = recordingNotifier();
    // A tick advances the rollout between our post and our save of the reference.
    mem.hooks.beforeSave = async () => {
      mem.hooks.beforeSave = async () => {};
      mem.write({ ...mem.stored(), phase: 'progressing', canaryWeight: 10, version: 2 });
    };
    const saved = await publishAndRemember(deps(mem.store, slack.notifier), start, TARGET);
    expect(mem.stored().slack).toEqual({ channel: 'C0DEPLOYS', ts: '1.1' });
    expect(mem.stored().phase).toBe('progressing');
    expect(saved.version).toBe(3);
    // One message, showing the newest stored state, not the one we rendered first.
    expect([...slack.messages.values()]).toEqual(['progressing@v3']);

    // The next transition updates that message instead of posting a second one.
    await publishAndRemember(deps(mem.store, slack.notifier), { ...mem.stored(), version: 4 }, TARGET);
    expect(slack.messages.size).toBe(1);
  });

  it('two invocations that both saw no message: the later one withdraws its own and updates the first', async () => {
    const start = pendingRollout({ version: 1 });
    const mem = memoryStore(start);
    const slack = recordingNotifier();
    // The rival posted its own message and saved its reference first.
    mem.hooks.beforeSave = async () => {
      mem.hooks.beforeSave = async () => {};
      const rival = await slack.notifier.publish(mem.stored(), TARGET);
      mem.write({ ...mem.stored(), phase: 'progressing', slack: rival, version: 2 });
    };
    await publishAndRemember(deps(mem.store, slack.notifier), start, TARGET);
    expect(mem.stored().slack).toEqual({ channel: 'C0DEPLOYS', ts: '1.2' });
    expect([...slack.messages.entries()]).toEqual([['1.2', 'progressing@v2']]);
  });

  it('re-renders the message when the rollout moved on while it was being updated', async () => {
    const mem = memoryStore(pendingRollout({ version: 3, slack: { channel: 'C0DEPLOYS', ts: '1.1' } }));
    const slack = recordingNotifier();
    slack.messages.set('1.1', 'pending@v3');
    const rendered = mem.stored();
    mem.write({ ...rendered, phase: 'paused', version: 4 });
    await publishAndRemember(deps(mem.store, slack.notifier), rendered, TARGET);
    expect(slack.messages.get('1.1')).toBe('paused@v4');
  });

  it('outbox: a publish lost after the state write leaves the mark, and the next attempt updates the same message', async () => {
    const posted = pendingRollout({ version: 1 });
    const mem = memoryStore(posted);
    const slack = recordingNotifier();
    const first = await publishAndRemember(deps(mem.store, slack.notifier), posted, TARGET);
    expect(slack.messages.size).toBe(1);
    const before = [...slack.messages.values()];

    // The terminal state write carries the mark; then Slack is unreachable (the process dies before publishing).
    const failed: Rollout = { ...first, phase: 'failed', version: first.version + 1, publishPending: true };
    mem.write(failed);
    const down: Notifier = {
      publish: async () => {
        throw new Error('connection reset');
      },
    };
    const kept = await publishAndRemember(deps(mem.store, down), failed, TARGET);
    expect(kept.publishPending).toBe(true);
    expect(mem.stored().publishPending).toBe(true);
    expect([...slack.messages.values()]).toEqual(before);

    // The next reader publishes it again: the same message now shows the terminal phase, and the mark is gone.
    const shown = await publishAndRemember(deps(mem.store, slack.notifier), mem.stored(), TARGET);
    expect([...slack.messages.values()]).toEqual([`failed@v${failed.version}`]);
    expect(shown.publishPending).toBeUndefined();
    expect(mem.stored().publishPending).toBeUndefined();
    expect(mem.stored().version).toBe(failed.version);
  });

  it('outbox: the mark is left for the newer version when the rollout moved on while publishing', async () => {
    const posted = pendingRollout({ version: 1 });
    const mem = memoryStore(posted);
    const slack = recordingNotifier();
    const first = await publishAndRemember(deps(mem.store, slack.notifier), posted, TARGET);
    const marked: Rollout = {
      ...first,
      phase: 'progressing',
      version: first.version + 1,
      publishPending: true,
    };
    mem.write(marked);
    // A command lands while the message is being updated, with its own transition to publish.
    const rival: Rollout = { ...marked, phase: 'paused', version: marked.version + 1, publishPending: true };
    const racing: Notifier = {
      publish: async (rollout, target) => {
        mem.write(rival);
        return slack.notifier.publish(rollout, target);
      },
    };
    await publishAndRemember(deps(mem.store, racing), marked, TARGET);
    expect(mem.stored().version).toBe(rival.version);
    expect(mem.stored().publishPending).toBe(true);
  });
});
