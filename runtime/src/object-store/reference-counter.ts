/**
 * Frees objects nobody can reach any more — the conservative, driver-only
 * part of Ray's ownership-based reference counting.
 *
 * The driver counts its own live `ObjectRef` instances per object id (a
 * `FinalizationRegistry` tells when one is collected). An object whose id has
 * ever been encoded into a value that left the driver — a nested ref in task
 * arguments, in a `put` value, in a reply — has "escaped": other threads or
 * stored values may hold it, and this counter keeps it for the life of the
 * runtime. Objects created by worker threads are never tracked here, so they
 * are kept too. Top-level ref arguments do not escape: the driver resolves
 * them itself and holds the bytes the task needs.
 *
 * Invariant: `onFree(id)` is called at most once per id, only when no driver
 * instance of it is alive and it never escaped.
 */
export class ReferenceCounter {
  private readonly live = new Map<string, number>();
  private readonly escaped = new Set<string>();
  private readonly registry = new FinalizationRegistry<string>((id) => this.dropped(id));

  constructor(private readonly onFree: (id: string) => void) {}

  /** A new driver-side ref instance for `id`. */
  track(ref: object, id: string): void {
    this.live.set(id, (this.live.get(id) ?? 0) + 1);
    this.registry.register(ref, id);
  }

  /** `id` was encoded into a value: it may be reachable from anywhere now. */
  escape(id: string): void {
    this.escaped.add(id);
  }

  private dropped(id: string): void {
    const n = (this.live.get(id) ?? 1) - 1;
    if (n > 0) {
      this.live.set(id, n);
      return;
    }
    this.live.delete(id);
    if (!this.escaped.has(id)) this.onFree(id);
  }
}
