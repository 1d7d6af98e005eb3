import type { NotStored } from '../rustc-runner.js';

const MAX_UNLOGGED = 100;

/**
 * The stores the server runs after cargo has its answer, by session (one
 * cargo run of the executor), so that a task can wait for its own before it
 * ends, and learn of the failures the event log could not take (a full disk).
 */
export class PendingStores {
  private readonly running = new Map<string, Set<Promise<unknown>>>();
  private readonly unlogged = new Map<string, NotStored[]>();

  /** Tracks `work` under `session`; returns it, for the caller's own bookkeeping. */
  add(session: string, work: Promise<NotStored | undefined>): Promise<NotStored | undefined> {
    const set = this.running.get(session) ?? new Set();
    this.running.set(session, set);
    const tracked = work.then((outcome) => {
      // Kept for the next flush; bounded, since plain cargo runs (no session) may never flush.
      if (outcome && !outcome.logged) this.unlogged.set(session, [...(this.unlogged.get(session) ?? []), outcome].slice(-MAX_UNLOGGED));
    });
    set.add(tracked);
    void tracked.finally(() => {
      set.delete(tracked);
      if (set.size === 0 && this.running.get(session) === set) this.running.delete(session);
    });
    return work;
  }

  /**
   * Resolves once nothing is pending for `session` ('' for every session),
   * with the failures to store that only this report carries; they are
   * reported once.
   */
  async flush(session: string): Promise<{ notStored: NotStored[] }> {
    const sessions = () => (session === '' ? [...this.running.keys()] : [session]);
    for (;;) {
      const waiting = sessions().flatMap((name) => [...(this.running.get(name) ?? [])]);
      if (waiting.length === 0) break;
      await Promise.allSettled(waiting);
    }
    const names = session === '' ? [...this.unlogged.keys()] : [session];
    const notStored = names.flatMap((name) => this.unlogged.get(name) ?? []);
    for (const name of names) this.unlogged.delete(name);
    return { notStored };
  }
}
