/**
 * Which actors' handles a value was written with: the part of actor reference counting that
 * both a worker thread (thread/handle-borrows.ts) and a process's own thread
 * (owner/actor-holds.ts) need. The codec reports every handle it writes (`encoded`); inside
 * `collect` the handle is noted for the caller, who says how long that value holds the actor;
 * anywhere else `unaccounted` hears of it (the actor is then held for the session: nothing says
 * when that value is gone).
 */
export class WrittenHandles {
  /** How many `collect`s are running (nested: a value written while writing another). */
  private depth = 0;
  /** The actors the innermost `collect` wrote so far; made at its first handle (most values have none). */
  private noted: string[] | undefined;

  constructor(private readonly unaccounted: (actorId: string) => void) {}

  /** A handle of `actorId` was written into a value. */
  encoded(actorId: string): void {
    if (this.depth === 0) return this.unaccounted(actorId);
    const noted = (this.noted ??= []);
    if (!noted.includes(actorId)) noted.push(actorId);
  }

  /** Runs `encode` and returns what it returned with the actors whose handles it wrote (undefined: none). */
  collect<T>(encode: () => T): { readonly value: T; readonly actors: string[] | undefined } {
    const outer = this.noted;
    this.noted = undefined;
    this.depth++;
    let mine: string[] | undefined;
    try {
      const value = encode();
      mine = this.noted;
      return { value, actors: mine };
    } finally {
      mine ??= this.noted;
      this.depth--;
      this.noted = outer;
      // An outer collect holds what an inner one wrote too.
      if (mine !== undefined && this.depth > 0) for (const a of mine) this.encoded(a);
    }
  }
}
