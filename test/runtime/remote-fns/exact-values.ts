// Remote functions for exact-values.test.ts: values a worker encodes that the
// codec must send exactly or refuse. No top-level side effects: worker threads
// import this module.
import { threadId } from "node:worker_threads";
import * as ray from "tsray";

/** A value `depth` plain objects deep. */
export function nested(depth: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

export const deepResult = ray.remote(function deepResult(depth: number): unknown {
  return nested(depth);
});

/** Returns a revoked Proxy: the worker's encode of the result must refuse it. */
export const revokedResult = ray.remote(function revokedResult(): unknown {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return { inner: proxy };
});

/** Returns a revoked Proxy itself: reading its `then` throws. */
export const revokedItself = ray.remote(function revokedItself(): unknown {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
});

/** The worker thread's id, to tell that a later task ran on a thread that survived. */
export const whichThread = ray.remote(function whichThread(_arg?: unknown): number {
  return threadId;
});

/** ray.put of a revoked Proxy inside a task: the error it throws, as name and message. */
export const putRevokedInTask = ray.remote(function putRevokedInTask(): string {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  try {
    ray.put({ foo: proxy });
    return "no error";
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
});
