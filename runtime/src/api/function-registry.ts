/**
 * The thread's table of remote functions and classes, by stable id.
 *
 * `ray.remote(target, context)` registers `context.id → target` while a
 * module evaluates (stub ABI v1); a worker that must run `id` imports
 * `context.url` once (cached) and then finds the target here. Registration
 * happens at module evaluation, which is why this table is one per thread
 * (like the module cache it mirrors) rather than handed down.
 */
import { InvalidArgumentError, ModuleLoadError, NotTransformedError } from "../common/errors.js";

export type RemoteTarget = { readonly kind: "function"; readonly fn: (...args: unknown[]) => unknown } | {
  readonly kind: "class";
  readonly cls: new (...args: unknown[]) => object;
};

export class FunctionRegistry {
  private readonly targets = new Map<string, RemoteTarget>();
  private readonly loading = new Map<string, Promise<unknown>>();
  private readonly moduleUrls = new Set<string>();
  /** Preloaded modules whose import failed: their targets (registered before the failure) are not used. */
  private readonly failed = new Set<string>();

  register(id: string, target: RemoteTarget): void {
    const existing = this.targets.get(id);
    if (existing !== undefined && !sameTarget(existing, target)) {
      throw new InvalidArgumentError(
        `Two different remote functions or classes have the id "${id}". ` +
          "Give each remote function/class in a module its own name.",
      );
    }
    this.targets.set(id, target);
  }

  /** Records that the module at `url` defines remote functions (see `modules`). */
  noteModule(url: string): void {
    this.moduleUrls.add(url);
  }

  /** Modules seen defining remote functions in this thread, in order (the driver passes them to new pool threads to preload). */
  modules(): string[] {
    return [...this.moduleUrls];
  }

  /**
   * Imports `url` ahead of any task (a thread's start-up); a failure is kept
   * for the first task that needs the module, which reports it.
   */
  preload(url: string, around: (doImport: () => Promise<unknown>) => Promise<unknown>): Promise<void> {
    let pending = this.loading.get(url);
    if (pending === undefined) {
      pending = around(() => import(url));
      this.loading.set(url, pending);
    }
    return pending.then(
      () => undefined,
      () => {
        // A task must fail as it would without the preload: import again (ESM rethrows the same error).
        this.failed.add(url);
        this.loading.delete(url);
      },
    );
  }

  /** The target if this thread knows `id` already. */
  peek(id: string, url: string): RemoteTarget | undefined {
    return this.failed.has(url) ? undefined : this.targets.get(id);
  }

  /**
   * Finds `id`, importing `url` first if the id is not known yet. `around`
   * wraps the import (the executor runs it inside a task context that marks
   * the import).
   */
  async load(id: string, url: string, around: (doImport: () => Promise<unknown>) => Promise<unknown> = (f) => f()): Promise<RemoteTarget> {
    const known = this.peek(id, url);
    if (known !== undefined) return known;
    let pending = this.loading.get(url);
    if (pending === undefined) {
      pending = around(() => import(url));
      this.loading.set(url, pending);
    }
    try {
      await pending;
    } catch (e) {
      // Says what failed to load, so it is not mistaken for the function's own error (and is never retried).
      throw new ModuleLoadError(url, id, e);
    }
    const target = this.peek(id, url);
    if (target === undefined) {
      throw new NotTransformedError(
        `"${id}" (looked up after importing ${url})`,
      );
    }
    return target;
  }
}

function sameTarget(a: RemoteTarget, b: RemoteTarget): boolean {
  return a.kind === "function" ? b.kind === "function" && a.fn === b.fn : b.kind === "class" && a.cls === b.cls;
}

/** This thread's registry. */
export const threadRegistry = new FunctionRegistry();
