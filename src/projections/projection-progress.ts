import type { ReadStore } from '../kernel/read-store.port';

interface Waiter {
  readonly keys: readonly string[];
  readonly position: number;
  readonly resolve: (reached: boolean) => void;
}

/**
 * Where each projection has got to, and waiting for positions (read-your-writes). Fed by the local
 * runner; when projections run in another process, it polls the checkpoints in the read store.
 */
export class ProjectionProgress {
  private readonly positions = new Map<string, number>();
  /** Projections this process applies: their progress comes from the runner, never from polling. */
  private readonly local = new Set<string>();
  private readonly waiters = new Set<Waiter>();
  private polling: NodeJS.Timeout | null = null;

  constructor(
    private readonly readStore: ReadStore,
    /** True when no runner in this process reports progress. */
    private readonly pollReadStore: boolean,
    private readonly pollIntervalMs = 5,
    /**
     * Polled positions older than this are read again before a wait is answered from them: they
     * only grow, except when another process rebuilds a projection from 0 (decision 17).
     */
    private readonly maxStaleMs = 250,
  ) {}

  private refreshedAt = Number.NEGATIVE_INFINITY;

  /** The local runner holds `key`'s lease (true) or gave it up (false). */
  setLocal(key: string, local: boolean): void {
    if (local) this.local.add(key);
    else this.local.delete(key);
  }

  report(key: string, position: number): void {
    if ((this.positions.get(key) ?? -1) >= position) return;
    this.positions.set(key, position);
    for (const waiter of this.waiters) {
      if (this.reached(waiter.keys, waiter.position)) {
        this.waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  }

  /** The projection starts over from position 0 (a rebuild): reads wait for it again. */
  restart(key: string): void {
    this.positions.set(key, 0);
  }

  position(key: string): number {
    return this.positions.get(key) ?? 0;
  }

  reached(keys: readonly string[], position: number): boolean {
    return keys.every((key) => (this.positions.get(key) ?? 0) >= position);
  }

  /** Resolves true once every projection in `keys` has processed `position`, false on timeout. */
  async waitFor(keys: readonly string[], position: number, timeoutMs: number): Promise<boolean> {
    // Polled positions are trusted only while fresh; otherwise (or if not there yet) read again, once.
    // Projections this process applies report their progress as they go: nothing to poll for them.
    const polled = this.polls(keys);
    const fresh = !polled || performance.now() - this.refreshedAt <= this.maxStaleMs;
    if (fresh && this.reached(keys, position)) return true;
    if (polled) {
      await this.refresh();
      if (this.reached(keys, position)) return true;
    }
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        keys,
        position,
        resolve: (reached) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
      if (polled) this.ensurePolling();
    });
  }

  /** Whether some of `keys` run in another process, so their positions come from the read store. */
  private polls(keys: readonly string[]): boolean {
    return this.pollReadStore && keys.some((key) => !this.local.has(key));
  }

  private ensurePolling(): void {
    if (!this.pollReadStore || this.polling !== null) return;
    this.polling = setInterval(() => {
      if (![...this.waiters].some((waiter) => this.polls(waiter.keys))) {
        if (this.polling !== null) clearInterval(this.polling);
        this.polling = null;
        return;
      }
      this.refresh().catch(() => undefined);
    }, this.pollIntervalMs);
  }

  private async refresh(): Promise<void> {
    this.refreshedAt = performance.now();
    const stored = new Map((await this.readStore.listCheckpoints()).map((checkpoint) => [checkpoint.projection, checkpoint.position]));
    // A projection that another process rebuilds goes back to 0 (its checkpoint is deleted).
    for (const key of this.positions.keys()) if (!this.local.has(key) && !stored.has(key)) this.restart(key);
    for (const [key, position] of stored) {
      if (this.local.has(key)) continue;
      if (position < (this.positions.get(key) ?? 0)) this.restart(key);
      this.report(key, position);
    }
  }

  close(): void {
    if (this.polling !== null) clearInterval(this.polling);
    this.polling = null;
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters.clear();
  }
}
