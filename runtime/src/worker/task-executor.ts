/**
 * Runs normal tasks on a worker thread: finds the function (importing its
 * module once), decodes the arguments, calls it inside the task's context,
 * awaits a promise, encodes the result(s) and reports `done` or `failed`.
 * Many tasks may be in flight on one thread; each settles independently.
 */
import { InvalidArgumentError } from "../errors.js";
import { addTransfer, decodeArgs, type ValueCodec } from "../task/task-args.js";
import type { FunctionRegistry } from "./function-registry.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { isThenable, type TaskContextStorage } from "./task-context.js";
import type { ErrorCodec } from "./thread-core.js";

export type RunMessage = Extract<ToWorker, { t: "run" }>;
export type Post = (message: FromWorker, transfer?: ArrayBuffer[]) => void;

export class TaskExecutor {
  constructor(
    private readonly registry: FunctionRegistry,
    private readonly codec: ValueCodec,
    private readonly errors: ErrorCodec,
    private readonly context: TaskContextStorage,
    private readonly post: Post,
  ) {}

  run(m: RunMessage): void {
    const target = this.registry.peek(m.fn.id);
    if (target === undefined) {
      this.registry.load(m.fn.id, m.fn.url).then(
        () => this.run(m),
        (e: unknown) => this.fail(m.taskId, e),
      );
      return;
    }
    if (target.kind !== "function") {
      return this.fail(m.taskId, new InvalidArgumentError(`${m.fn.id} is a class; it cannot run as a task.`));
    }
    this.context.run({ taskId: m.taskId, name: m.name }, () => {
      let result: unknown;
      try {
        result = target.fn(...decodeArgs(this.codec, m.args, m.deps));
      } catch (e) {
        return this.fail(m.taskId, e);
      }
      if (isThenable(result)) {
        result.then(
          (v) => this.finish(m.taskId, m.name, m.numReturns, v),
          (e: unknown) => this.fail(m.taskId, e),
        );
      } else {
        this.finish(m.taskId, m.name, m.numReturns, result);
      }
    });
  }

  finish(taskId: string, name: string, numReturns: number, value: unknown): void {
    let results: Uint8Array[];
    try {
      results = encodeResults(this.codec, name, numReturns, value);
    } catch (e) {
      return this.fail(taskId, e);
    }
    let transfer: ArrayBuffer[] | undefined;
    for (const r of results) transfer = addTransfer(transfer, r);
    this.post({ t: "done", taskId, results }, transfer);
  }

  fail(taskId: string, error: unknown): void {
    const errorName = error instanceof Error ? error.name : typeof error;
    this.post({ t: "failed", taskId, error: this.errors.toWire(error), errorName });
  }
}

/** One encoded value per return: the value itself, or the elements of the returned array for `numReturns > 1`. */
export function encodeResults(codec: ValueCodec, name: string, numReturns: number, value: unknown): Uint8Array[] {
  if (numReturns === 1) return [codec.encode(value, `the return value of ${name}`)];
  if (!Array.isArray(value) || value.length !== numReturns) {
    throw new InvalidArgumentError(
      `${name} has numReturns ${numReturns} but returned ${Array.isArray(value) ? `an array of ${value.length}` : "no array"}; ` +
        `return an array of exactly ${numReturns} values.`,
    );
  }
  return value.map((v, i) => codec.encode(v, `return value ${i + 1} of ${name}`));
}
