/**
 * The pool's threads, started by `ray.init()` before it imports the driver's
 * runtime graph, so a thread's boot overlaps the driver's module loading. A
 * thread started early reports to `DeferredEvents`, which hold what arrives
 * until the pool attaches its own handlers. Also the driver's identity (ids
 * the threads' `workerData` carry), since it must exist before the runtime.
 */
import { randomHex, threadIdPrefix } from "../common/ids.js";
import { threadRegistry } from "../api/function-registry.js";
import type { FromWorker, ToWorker, TsrayWorkerData } from "../protocol/thread-messages.js";
import { WorkerClient, type WorkerClientEvents, type WorkerLimits } from "./worker-client.js";
import { checkWorkerEntry } from "./worker-entry.js";

/**
 * Runtimes started in this process so far: part of every id prefix, so a ref
 * kept from before a `shutdown()` never names an object of a later runtime.
 */
let sessions = 0;

/** The jobs of the runtimes this process started: an id of another job was minted by another process (issue 11). */
const jobsHere = new Set<string>();

/** Whether a runtime of this process minted ids of job `jobId`. */
export function jobOfThisProcess(jobId: string): boolean {
  return jobsHere.has(jobId);
}

export interface DriverIdentity {
  readonly nodeId: string;
  readonly jobId: string;
  readonly session: number;
}

export function newDriverIdentity(): DriverIdentity {
  const identity = { nodeId: randomHex(8), jobId: randomHex(4), session: ++sessions };
  jobsHere.add(identity.jobId);
  return identity;
}

/** What the driver's n-th thread (counted from 1) is told at start. */
export function threadData(identity: DriverIdentity, namespace: string, n: number, actorId: string | undefined): TsrayWorkerData {
  return {
    tsrayWorker: true,
    idPrefix: threadIdPrefix(identity.jobId, identity.session, n),
    workerId: `w${n}`,
    nodeId: identity.nodeId,
    jobId: identity.jobId,
    namespace,
    actorId,
    ...(actorId === undefined ? { preload: threadRegistry.modules() } : {}),
  };
}

/** Events of a client whose owner does not exist yet: kept until `attach`. */
export class DeferredEvents implements WorkerClientEvents {
  private target: WorkerClientEvents | undefined;
  private readonly held: Array<(t: WorkerClientEvents) => void> = [];

  onMessage(client: WorkerClient, message: FromWorker): void {
    if (this.target !== undefined) this.target.onMessage(client, message);
    else this.held.push((t) => t.onMessage(client, message));
  }

  onExit(client: WorkerClient, exitCode: number, error: Error | undefined): void {
    if (this.target !== undefined) this.target.onExit(client, exitCode, error);
    else this.held.push((t) => t.onExit(client, exitCode, error));
  }

  /** Nothing the driver posts before it attaches carries store memory; after, the target decides. */
  onPost(client: WorkerClient, message: ToWorker): ToWorker {
    return this.target?.onPost?.(client, message) ?? message;
  }

  /** From now on events go to `target`; what was held is delivered after the current turn's synchronous code. */
  attach(target: WorkerClientEvents): void {
    const held = this.held.splice(0);
    if (held.length === 0) {
      this.target = target;
      return;
    }
    queueMicrotask(() => {
      for (const f of held) f(target);
      this.target = target;
    });
  }
}

export interface PrestartedThread {
  readonly client: WorkerClient;
  readonly events: DeferredEvents;
}

/**
 * Starts `count` pool threads (numbered 1…count): the first at once, the
 * others when it has loaded its runtime and the driver's remote modules (or
 * after 250 ms). Threads booting together share the
 * cores with the driver loading its own runtime and slow each other down,
 * while the first task needs only one thread; messages for a thread not
 * started yet wait in its client.
 */
export function prestartThreads(
  identity: DriverIdentity,
  namespace: string,
  count: number,
  limits: WorkerLimits = {},
): PrestartedThread[] {
  checkWorkerEntry(); // at once, before any thread: never a retry per task (a bundled tsray)
  const threads: PrestartedThread[] = [];
  let first: Promise<void> | undefined;
  for (let n = 1; n <= count; n++) {
    const events = new DeferredEvents();
    const client = new WorkerClient(threadData(identity, namespace, n, undefined), events, undefined, first, limits);
    // At most a short wait: a remote module that takes long to import must not hold the other threads back.
    first ??= Promise.race([client.ready, new Promise<void>((resolve) => setTimeout(resolve, 250).unref())]);
    threads.push({ client, events });
  }
  return threads;
}
