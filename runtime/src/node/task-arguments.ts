/**
 * Makes a task's arguments local to the node that runs it before the task is
 * posted to its worker (Ray's raylet does the same before it dispatches a
 * task): an argument the owner knows only by location (a large object held
 * on another node, object-store/object-location.ts) is taken from this node's
 * object store, pulled from its holder first if this node has no copy.
 *
 * A worker's messages keep their order: while a run waits for a pull, later
 * messages to the same worker (runs sent ahead, cancels, claim cells) wait
 * behind it. A run whose arguments are all bytes, to a worker with nothing
 * waiting, is posted at once by the caller (the single-node fast path: no
 * promise, no queue). A pull that fails fails the task (`onArgumentsLost`).
 */
import { ObjectLostError } from "../common/errors.js";
import type { NodeObjectStore } from "../object-store/node-object-store.js";
import { sourcesOf, type Held } from "../object-store/object-location.js";
import type { ToWorker } from "../protocol/thread-messages.js";
import type { RunTask } from "./node-client.js";
import type { PoolWorker } from "./worker-pool.js";

type Run = Extract<ToWorker, { t: "run" }>;

/** A message waiting its turn: `send` is set once it may go. */
interface Waiting {
  send: (() => void) | undefined;
}

export class TaskArguments {
  /** Per worker, messages waiting behind a run whose arguments are being pulled (absent: none). */
  private readonly waiting = new Map<PoolWorker, Waiting[]>();

  constructor(
    private readonly store: NodeObjectStore | undefined,
    private readonly onArgumentsLost: (worker: PoolWorker, taskId: string, error: Error) => void,
  ) {}

  /** Whether any message waits (when not, the caller posts plain runs and other messages directly). */
  get busy(): boolean {
    return this.waiting.size > 0;
  }

  /**
   * The run as the thread takes it, if every argument is here already: bytes,
   * or an object this node's store holds (no pull, no promise).
   */
  localRun(task: RunTask): Run | undefined {
    const deps = task.deps;
    if (deps === undefined) return task as Run;
    const list = deps.bytes;
    let out: Held[] | undefined;
    for (let k = 0; k < list.length; k++) {
      const held = list[k]!;
      if (held instanceof Uint8Array) continue;
      const local = this.store?.get(held.objectId);
      if (local === undefined) return undefined;
      (out ??= list.slice())[k] = local;
    }
    return out === undefined ? (task as Run) : { ...task, deps: { idx: deps.idx, bytes: out as Uint8Array[] } };
  }

  /** Posts `task` once its arguments are local and every earlier waiting message to `worker` went. */
  run(worker: PoolWorker, task: RunTask, transfer: ArrayBuffer[] | undefined): void {
    const entry: Waiting = { send: undefined };
    this.enqueue(worker, entry);
    this.local(task).then(
      (run) => {
        entry.send = () => worker.client.post(run, transfer);
        this.flush(worker);
      },
      (error: Error) => {
        entry.send = () => this.onArgumentsLost(worker, task.taskId, error);
        this.flush(worker);
      },
    );
  }

  /** Posts `send` after the messages waiting for `worker`, or at once if none waits. */
  post(worker: PoolWorker, send: () => void): void {
    if (!this.waiting.has(worker)) return send();
    this.enqueue(worker, { send });
  }

  private enqueue(worker: PoolWorker, entry: Waiting): void {
    const queue = this.waiting.get(worker);
    if (queue === undefined) this.waiting.set(worker, [entry]);
    else queue.push(entry);
  }

  private flush(worker: PoolWorker): void {
    const queue = this.waiting.get(worker);
    if (queue === undefined) return;
    let k = 0;
    for (; k < queue.length; k++) {
      const send = queue[k]!.send;
      if (send === undefined) break;
      // A worker that exited meanwhile: its tasks were failed or retried with its leases.
      if (!worker.client.exited) send();
    }
    queue.splice(0, k);
    if (queue.length === 0) this.waiting.delete(worker);
  }

  /** The run with every argument's bytes, pulled where needed. */
  private async local(task: RunTask): Promise<Run> {
    const deps = task.deps!;
    const bytes = await Promise.all(deps.bytes.map((held) => this.bytesOf(held)));
    return { ...task, deps: { idx: deps.idx, bytes } };
  }

  private bytesOf(held: Held): Uint8Array | Promise<Uint8Array> {
    if (held instanceof Uint8Array) return held;
    if (this.store === undefined) {
      return Promise.reject(new ObjectLostError(held.objectId, `Object ${held.objectId} is held on node ${held.heldOn}, and this node has no object store to pull it into.`));
    }
    return this.store.get(held.objectId) ?? this.store.pull(held.objectId, sourcesOf(held), held.size);
  }
}
