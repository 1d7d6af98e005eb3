import type PQueue from 'p-queue';

/**
 * Uploads run in the background with bounded concurrency (p-queue), tracked
 * by session (one cargo run of the executor), so that a task, or the server
 * before it exits, can wait for what it started. Jobs report their own
 * outcome; a rejected job is only a job that is over.
 */
export class UploadQueue {
  private readonly queue: Promise<PQueue>;
  private readonly running = new Map<string, Set<Promise<void>>>();

  constructor(concurrency: number) {
    // p-queue is ESM-only: a dynamic import keeps this CommonJS module free of require(esm).
    this.queue = import('p-queue').then(({ default: Queue }) => new Queue({ concurrency }));
  }

  add(session: string, job: () => Promise<void>): void {
    const set = this.running.get(session) ?? new Set();
    this.running.set(session, set);
    const tracked: Promise<void> = this.queue.then((queue) => queue.add(job)).then(
      () => undefined,
      () => undefined,
    );
    set.add(tracked);
    void tracked.finally(() => {
      set.delete(tracked);
      if (set.size === 0 && this.running.get(session) === set) this.running.delete(session);
    });
  }

  /** Resolves once nothing is queued or running for `session` ('' for every session). */
  async flush(session: string): Promise<void> {
    for (;;) {
      const names = session === '' ? [...this.running.keys()] : [session];
      const waiting = names.flatMap((name) => [...(this.running.get(name) ?? [])]);
      if (waiting.length === 0) return;
      await Promise.all(waiting);
    }
  }
}
