// Remote functions and actors for the cancellation, runtime-context and actor-method suites
// (hand-written spelling; no top-level side effects: worker threads import this module).
// Tasks report through files in a directory the test gives them: `started-<id>` when they
// start, `aborted-<id>` (the abort reason's name) when their signal fires; they wait for
// `release-<id>` to go on. Nothing sleeps for timing.
import { appendFileSync, existsSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ray from "tsray";
import { waitForFile } from "./basic.js";

/** Writes `path` whole: a test that sees it exist reads all of it (a plain write is seen empty first). */
function writeWhole(path: string, text: string): void {
  writeFileSync(`${path}.part`, text);
  renameSync(`${path}.part`, path);
}

/** Resolves when `path` exists or `signal` aborts, whichever comes first. */
async function released(path: string, signal?: AbortSignal): Promise<void> {
  while (!existsSync(path) && signal?.aborted !== true) await new Promise((r) => setTimeout(r, 5));
}

/**
 * Starts, then waits for its release or its cancellation; when the signal fires it records
 * the reason's name and `isCanceled()`, then *returns normally* (so a TaskCancelledError on
 * the driver comes from the cancel, not from the task).
 */
export const waitOrAbort = ray.remote(async function waitOrAbort(dir: string, id: string): Promise<string> {
  const ctx = ray.getRuntimeContext();
  writeFileSync(join(dir, `started-${id}`), "");
  await released(join(dir, `release-${id}`), ctx.signal);
  if (ctx.signal.aborted) {
    const reason = ctx.signal.reason as Error;
    writeWhole(join(dir, `aborted-${id}`), JSON.stringify({ reason: reason.name, isCanceled: ctx.isCanceled() }));
    return "finished after the abort";
  }
  return "released";
});

/** A synchronous task that holds its thread until `release-<id>` exists: no signal can reach it. */
export const spinUntilReleased = ray.remote(function spinUntilReleased(dir: string, id: string): string {
  writeFileSync(join(dir, `started-${id}`), "");
  while (!existsSync(join(dir, `release-${id}`))) {
    // Busy: this thread reads no messages until the loop ends.
  }
  return "spun";
});

/** A synchronous task that never ends by itself (only `force` stops it). */
export const spinForever = ray.remote(function spinForever(dir: string, id: string): never {
  writeFileSync(join(dir, `started-${id}`), "");
  for (;;) {
    // Forever.
  }
});

/** What a task sees of its runtime context (what may cross the wire). */
export const taskContext = ray.remote(function taskContext(): {
  assigned: Record<string, number>;
  canceled: boolean;
  aborted: boolean;
  currentActor: string;
  reconstructed: string;
  returned: ray.RuntimeContextIds;
} {
  const ctx = ray.getRuntimeContext();
  return {
    assigned: ctx.getAssignedResources(),
    canceled: ctx.isCanceled(),
    aborted: ctx.signal.aborted,
    currentActor: messageOf(() => ctx.currentActor),
    reconstructed: messageOf(() => ctx.wasCurrentActorReconstructed),
    returned: ctx,
  };
});

function messageOf(f: () => unknown): string {
  try {
    f();
    return "no error";
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

/**
 * An async actor whose calls wait for their release or their cancellation, recording
 * `started-<id>`, `aborted-<id>` and (on its own) `runs` lines per call that ran.
 */
export const Waiter = ray.remote(
  class Waiter {
    /** The refs of the tasks `spawn*` submitted: a dropped one would free its task's result before the test reads it by id. */
    readonly kept: ray.ObjectRef<number>[] = [];
    constructor(readonly dir: string) {}
    async wait(id: string): Promise<string> {
      const ctx = ray.getRuntimeContext();
      appendFileSync(join(this.dir, "runs"), `${id}\n`);
      writeFileSync(join(this.dir, `started-${id}`), "");
      await released(join(this.dir, `release-${id}`), ctx.signal);
      if (ctx.signal.aborted) {
        writeWhole(join(this.dir, `aborted-${id}`), JSON.stringify({ reason: (ctx.signal.reason as Error).name, isCanceled: ctx.isCanceled() }));
        return "aborted";
      }
      return `released ${id}`;
    }
    /** Like `wait`, but deaf to cancellation: it runs until released. */
    async waitDeaf(id: string): Promise<string> {
      appendFileSync(join(this.dir, "runs"), `${id}\n`);
      writeFileSync(join(this.dir, `started-${id}`), "");
      await released(join(this.dir, `release-${id}`));
      return `released ${id}`;
    }
    /**
     * Waits for its cancellation (`started-<id>` once waiting), then submits a task that waits for
     * `childGate` and writes that task's ref id into `idFile`: the submission reaches the owner after the cancel.
     */
    async spawnOnAbort(id: string, childGate: string, idFile: string): Promise<string> {
      const { signal } = ray.getRuntimeContext();
      writeFileSync(join(this.dir, `started-${id}`), "");
      await released(join(this.dir, `release-${id}`), signal);
      this.kept.push(waitForFile.remote(childGate, 1));
      writeWhole(idFile, this.kept[this.kept.length - 1]!.id);
      return "submitted after the abort";
    }
    /** Submits a task that waits for `childGate`, writes the task's ref id into `idFile`, and awaits it. */
    async spawn(childGate: string, idFile: string): Promise<number> {
      const child = waitForFile.remote(childGate, 1);
      this.kept.push(child);
      writeWhole(idFile, child.id);
      return ray.get(child);
    }
    /**
     * Releases call `id` from the actor's own thread. Called in a concurrency group of its own,
     * it runs beside a held call, and only after every message sent to the thread before it
     * (a `ray.cancel` made earlier has reached the thread by then).
     */
    release(id: string): void {
      writeFileSync(join(this.dir, `release-${id}`), "");
    }
    pair(): [number, number] {
      appendFileSync(join(this.dir, "runs"), "pair\n");
      return [1, 2];
    }
    echo(x: number): number {
      appendFileSync(join(this.dir, "runs"), `echo ${x}\n`);
      return x;
    }
    crash(): never {
      process.exit(3);
    }
  },
);

/** What an actor sees of its runtime context. */
export const Introspect = ray.remote(
  class Introspect {
    value = 7;
    readonly constructedAsRestart: boolean;
    constructor() {
      this.constructedAsRestart = ray.getRuntimeContext().wasCurrentActorReconstructed;
    }
    assigned(): Record<string, number> {
      return ray.getRuntimeContext().getAssignedResources();
    }
    me(): ray.ActorHandle<Introspect> {
      return ray.getRuntimeContext().currentActor as ray.ActorHandle<Introspect>;
    }
    read(): number {
      return this.value;
    }
    reconstructed(): [boolean, boolean] {
      return [ray.getRuntimeContext().wasCurrentActorReconstructed, this.constructedAsRestart];
    }
    /** Calls itself through `currentActor` (an async actor with room for both calls). */
    async viaSelf(): Promise<number> {
      const self = ray.getRuntimeContext().currentActor as ray.ActorHandle<Introspect>;
      return ray.get(self.read.remote());
    }
    crash(): never {
      process.exit(3);
    }
  },
);
