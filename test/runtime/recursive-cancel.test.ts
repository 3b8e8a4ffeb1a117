// The task manager on its own: a recursive cancel reaches every task a task
// submitted, however deeply nested, without recursing once per level.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as TaskManagerModule from "../../runtime/dist/owner/task-manager.js";
import type * as StoreModule from "../../runtime/dist/object-store/memory-store.js";
import type * as ResourceSetModule from "../../runtime/dist/scheduler/resource-set.js";
import type * as ErrorsModule from "../../runtime/dist/common/errors.js";

// Compiled to test/dist/runtime/: the runtime's dist is three levels up (as memory-store.test.ts does).
const load = async <M>(path: string): Promise<M> => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href) as Promise<M>;
const { TaskManager } = await load<typeof TaskManagerModule>("owner/task-manager.js");
const { MemoryStore } = await load<typeof StoreModule>("object-store/memory-store.js");
const { ResourceSet } = await load<typeof ResourceSetModule>("scheduler/resource-set.js");
const { TaskCancelledError } = await load<typeof ErrorsModule>("common/errors.js");

type Deps = ConstructorParameters<typeof TaskManager>[0];

test("a recursive cancel of a task nested 100,000 levels deep cancels the innermost one", () => {
  const store = new MemoryStore();
  // Every task waits for an argument that never settles, so nothing reaches the node.
  const node = { totalCpuUnits: () => ResourceSet.of({ CPU: 1 }).get("CPU"), attach: () => {} } as unknown as Deps["node"];
  const manager = new TaskManager({
    store,
    node,
    rebuildError: () => new Error("unused"),
  });
  store.expect("never");
  const call = {
    fn: { id: "chain#nested", url: "file:///nowhere.js" },
    name: "nested",
    numReturns: 1,
    demand: {},
    maxRetries: 0,
    retryExceptions: false,
  };
  const args = { bytes: new Uint8Array(0), refIdx: [0], refIds: ["never"] };
  const levels = 100_000;
  for (let i = 0; i < levels; i++) manager.submit(`t${i}`, call, args, i === 0 ? undefined : `t${i - 1}`);
  manager.cancel("t0", false, true);
  assert.instance(store.peek(`t${levels - 1}`), TaskCancelledError);
  assert.instance(store.peek("t0"), TaskCancelledError);
  assert.is(manager.owns(`t${levels - 1}`), false);
});

test.run();
