import type { KubeObject } from './kube-object.js';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One write to the store, as a watch sees it: objects in storage form, `object` at `revision`. */
export interface StoreEvent {
  type: StoreEventType;
  /** `group/plural`, as the store keys resources. */
  resource: string;
  revision: number;
  /** The object after the write; for a deletion its last state, with the deletion's resourceVersion. */
  object: KubeObject;
  /** The object before the write (undefined for ADDED): a watch with a label selector needs both. */
  previous: KubeObject | undefined;
}

export type StoreListener = (event: StoreEvent) => void;

/**
 * The store's recent writes, so that a watch can start from a list's resourceVersion, and the live feed of
 * new ones. Bounded like the API server's watch cache: a resourceVersion older than the history is expired
 * (410 Gone), and the client must list again.
 */
export class EventLog {
  private readonly history: StoreEvent[] = [];
  /** The revision of the newest event dropped from the history; 0 while nothing has been dropped. */
  private droppedThrough = 0;
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly capacity: number) {}

  record(event: StoreEvent): void {
    this.history.push(event);
    while (this.history.length > this.capacity) {
      const dropped = this.history.shift();
      if (dropped !== undefined) this.droppedThrough = dropped.revision;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A watcher that fails (a connection gone mid-write) must not fail the write that fed it.
      }
    }
  }

  /**
   * The events after `revision`, oldest first, or `{ expiredBefore }` when some of them were dropped:
   * the revision the history still starts after, which the API server quotes in its 410.
   */
  since(revision: number): StoreEvent[] | { expiredBefore: number } {
    if (revision < this.droppedThrough) return { expiredBefore: this.droppedThrough };
    return this.history.filter((e) => e.revision > revision);
  }

  /** Calls `listener` with every event from now on; returns the unsubscribe. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Open subscriptions (watches), for tests that check a disconnect unsubscribes. */
  get subscriberCount(): number {
    return this.listeners.size;
  }
}
