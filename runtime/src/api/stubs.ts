/**
 * The runtime half of the transform's entry-module guard (stub ABI v1, see
 * docs/architecture.md). Emitted code imports this module as `tsray/stubs`;
 * it must stay tiny and free of side effects beyond computing `inWorker`.
 */
import { workerData } from "node:worker_threads";

/**
 * True in tsray worker threads (and child-process workers): top-level
 * statements of user modules are skipped there, so importing the program's
 * entry module to find a remote function does not run the program again.
 */
export const inWorker: boolean =
  (workerData as { tsrayWorker?: unknown } | null | undefined)?.tsrayWorker === true ||
  process.env["TSRAY_WORKER"] === "1";

/**
 * Stands in for a skipped destructuring initializer: any property of it, and
 * the first elements of it iterated, are `skipped` again, so
 * `const { a, b: [c] } = skipped` binds without throwing. It is not a
 * thenable (`then` is undefined) so awaiting it does not hang, and iteration
 * ends after a bounded count so a rest element terminates.
 */
export const skipped: unknown = makeSkipped();

function makeSkipped(): unknown {
  const maxElements = 64;
  const target = Object.freeze(Object.create(null) as object);
  const proxy: object = new Proxy(target, {
    get(_t, key) {
      if (key === Symbol.iterator) {
        return function* (): Generator<unknown> {
          for (let i = 0; i < maxElements; i++) yield proxy;
        };
      }
      if (key === "then" || typeof key === "symbol") return undefined;
      return proxy;
    },
  });
  return proxy;
}

/**
 * The transform's automatic registration of a class used in a remote signature (stub ABI v1):
 * `__tsray.registerClass(Point, { kind: "tsray:serializable", abi: 1, id, name, url: import.meta.url })`.
 */
export { registerClass } from "../common/serializable-classes.js";
