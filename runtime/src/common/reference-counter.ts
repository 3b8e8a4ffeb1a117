/**
 * Frees objects nobody can reach any more — the conservative part of Ray's
 * ownership-based reference counting: the thread that created an object (by
 * `put` or by submitting the task that returns it) owns it.
 *
 * Each thread tracks the one `ObjectRef` instance it made when it created an
 * object it owns (a `FinalizationRegistry` tells when it is collected). Refs
 * made any other way (decoded from a value) are copies of an escaped id, so
 * they are not tracked. An object whose id has ever been encoded into a
 * value — a nested ref in task arguments, in a `put` value, in a task's
 * result — has "escaped": other threads or stored values may hold it, and it
 * is kept for the life of the runtime. Top-level ref arguments do not
 * escape: the driver resolves them itself and holds the bytes the task
 * needs. The driver frees its objects in its store directly; a worker thread
 * asks the driver to (`release`). Shared by both sides.
 *
 * Memory: one registry cell per object and nothing else (no count per id:
 * there is exactly one tracked instance), since a million refs may be live
 * at once.
 *
 * Invariant: `track` is called at most once per id; `onFree(id)` is called
 * at most once per id, only when its tracked instance was collected and it
 * never escaped.
 */
export class ReferenceCounter {
  private readonly escaped = new Set<string>();
  private readonly registry = new FinalizationRegistry<string>((id) => this.dropped(id));

  constructor(private readonly onFree: (id: string) => void) {}

  /** The ref instance made when the object `id` was created (put, or a task submitted). */
  track(ref: object, id: string): void {
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
    if (!this.escaped.has(id)) this.onFree(id);
  }
}
