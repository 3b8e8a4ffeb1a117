/**
 * `ObjectRefGenerator<T>`: what `.remote()` of a generator function (or an
 * actor generator method) returns — Ray's streaming generator. An async
 * iterable of `ObjectRef<T>`, one per value the generator yields, each handed
 * out as soon as the worker has sent that value (the generator may still be
 * running):
 *
 *   for await (const ref of chunks.remote(10)) console.log(await ray.get(ref));
 *
 * Errors, as Ray's: the values yielded before a failure come first, then one
 * more ref whose `get` rejects with the error (`TaskError`, or
 * `TaskCancelledError` after `ray.cancel`), then the iteration ends.
 * `completed()` is the ref of the generator task itself: it settles when the
 * generator has finished (with the number of values) or failed (with that
 * error); `ray.cancel(gen)` cancels it.
 *
 * It asks its thread's `Core` (`generators`: the owner's streams in the
 * driver, a request to the driver in a worker), so it works the same in the
 * driver and inside tasks and actors: value `i` lives under
 * `generatorItemId(task, i)`, which the owner fills as the values arrive
 * (owner/generator-streams.ts). Calls to `next()` are served one after another.
 */
import type { Streaming } from "../common/task-spec.js";
import { currentCore, peekCore, type Core } from "./core.js";
import { ObjectRef } from "./object-ref.js";

/** What a collected generator leaves to free: its task, how many values it took, and the core it was made under. */
interface Taken {
  readonly taskId: string;
  count: number;
  readonly core: Core;
}

/**
 * The values a collected generator never took are freed by its owner (`GeneratorCalls.drop`),
 * unless that runtime was shut down meanwhile (its objects went with it).
 */
const collected = new FinalizationRegistry<Taken>((taken) => {
  if (peekCore() === taken.core) taken.core.generators.drop(taken.taskId, taken.count);
});

export class ObjectRefGenerator<out T = unknown> implements AsyncIterableIterator<ObjectRef<T>> {
  private readonly taken: Taken;
  private finished = false;
  /** The previous `next()`: each waits for the one before, so values come out once each, in order. */
  private last: Promise<unknown> = Promise.resolve();

  /** @internal Made by `.remote()`; `end` is the generator task's own return. */
  constructor(
    private readonly end: ObjectRef<number>,
    /** Whether the generator has a backpressure bound (then each value taken is reported to it). */
    private readonly bounded: boolean,
  ) {
    this.taken = { taskId: end.id, count: 0, core: currentCore("ObjectRefGenerator") };
    collected.register(this, this.taken);
  }

  /** The next value's ref once the worker has sent it; `done` once the generator has finished. */
  next(): Promise<IteratorResult<ObjectRef<T>, undefined>> {
    const result = this.last.then(() => this.advance());
    this.last = result.then(undefined, () => undefined);
    return result;
  }

  /**
   * Stops this iteration (`break` in `for await` calls it). The generator task runs on to its
   * end, no longer held back by a backpressure bound (nobody will take its values);
   * `ray.cancel(gen)` stops it instead.
   */
  return(): Promise<IteratorResult<ObjectRef<T>, undefined>> {
    if (!this.finished && this.bounded) currentCore("ObjectRefGenerator.return()").generators.consumed(this.end.id, Number.MAX_SAFE_INTEGER);
    this.finished = true;
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * The ref of the generator task: ready, with the number of values it
   * yielded, once the generator has finished; its `get` rejects with the
   * error it failed with (Ray's `ObjectRefGenerator.completed()`).
   */
  completed(): ObjectRef<number> {
    return this.end;
  }

  /** Whether the iteration has ended (Ray's `is_finished()`). */
  isFinished(): boolean {
    return this.finished;
  }

  toString(): string {
    return `ObjectRefGenerator(${this.end.id})`;
  }

  private async advance(): Promise<IteratorResult<ObjectRef<T>, undefined>> {
    if (this.finished) return { done: true, value: undefined };
    const core = currentCore("ObjectRefGenerator.next()");
    const taskId = this.end.id;
    const index = this.taken.count;
    if (await core.generators.next(taskId, index)) {
      this.taken.count++;
      if (this.bounded) core.generators.consumed(taskId, index + 1);
      return { done: false, value: core.generators.take(taskId, index) as ObjectRef<T> };
    }
    this.finished = true;
    try {
      await core.getOne(this.end, undefined);
    } catch {
      // The error becomes the last value, as in Ray: `get` of this ref rejects with it.
      return { done: false, value: this.end as ObjectRef<never> };
    }
    return { done: true, value: undefined };
  }
}

/** `function*` and `async function*` (a method too): their calls stream by default. */
export function isGeneratorFunction(fn: unknown): boolean {
  const proto: unknown = typeof fn === "function" ? Object.getPrototypeOf(fn) : undefined;
  return proto === generatorFunctionPrototype || proto === asyncGeneratorFunctionPrototype;
}

// eslint-disable-next-line @typescript-eslint/no-empty-function
const generatorFunctionPrototype: unknown = Object.getPrototypeOf(function* () {});
// eslint-disable-next-line @typescript-eslint/no-empty-function
const asyncGeneratorFunctionPrototype: unknown = Object.getPrototypeOf(async function* () {});

/** What `.remote()` returns for a call: its refs, or for a streaming call the generator over its values. */
export function streamOrRefs(refs: ObjectRef | ObjectRef[], streaming: Streaming | undefined): ObjectRef | ObjectRef[] | ObjectRefGenerator {
  return streaming === undefined ? refs : new ObjectRefGenerator(refs as ObjectRef<number>, streaming.backpressure > 0);
}
