// Remote functions that throw hostile values: errors whose getters throw,
// a revoked Proxy, an AggregateError of many errors.
// No top-level side effects: worker threads import this module.
import * as ray from "tsray";

/** An error whose `key` getters throw when read. */
function hostileError(message: string, ...keys: string[]): Error {
  const e = new Error(message);
  for (const key of keys) {
    Object.defineProperty(e, key, {
      get(): never {
        throw new TypeError(`the ${key} getter refuses`);
      },
    });
  }
  return e;
}

export const throwBadName = ray.remote(function throwBadName(): never {
  throw hostileError("named badly", "name");
});

export const rejectBadName = ray.remote(async function rejectBadName(): Promise<never> {
  await new Promise((r) => setImmediate(r));
  throw hostileError("named badly, later", "name");
});

export const throwBadMessageAndStack = ray.remote(function throwBadMessageAndStack(): never {
  throw hostileError("unreadable", "stack", "message"); // stack first: redefining it formats the stack, which reads the message
});

export const throwRevokedProxy = ray.remote(function throwRevokedProxy(): never {
  const { proxy, revoke } = Proxy.revocable(new Error("revoked"), {});
  revoke();
  throw proxy;
});

export const throwManyErrors = ray.remote(function throwManyErrors(n: number): never {
  throw new AggregateError(
    Array.from({ length: n }, (_, i) => new Error(`item ${i}`)),
    `${n} things failed`,
  );
});

export const whichWorker = ray.remote(function whichWorker(): string {
  return ray.getRuntimeContext().workerId;
});
