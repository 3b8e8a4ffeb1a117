/**
 * Frees objects nobody can reach any more — the conservative part of Ray's
 * ownership-based reference counting: the thread that created an object (by
 * `put` or by submitting the task that returns it) owns it.
 *
 * Each thread counts its own live `ObjectRef` instances per object it owns (a
 * `FinalizationRegistry` tells when one is collected). An object whose id has
 * ever been encoded into a value — a nested ref in task arguments, in a `put`
 * value, in a task's result — has "escaped": other threads or stored values
 * may hold it, and it is kept for the life of the runtime. Top-level ref
 * arguments do not escape: the driver resolves them itself and holds the
 * bytes the task needs. The driver frees its objects in its store directly;
 * a worker thread asks the driver to (`release`). Shared by both sides.
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

  /** Tracks every ref of a `.remote()` result (one ref or several); returns it. */
  trackAll<R extends { readonly id: string } | readonly { readonly id: string }[]>(refs: R): R {
    if (Array.isArray(refs)) for (const r of refs as readonly { readonly id: string }[]) this.track(r, r.id);
    else this.track(refs, (refs as { readonly id: string }).id);
    return refs;
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
