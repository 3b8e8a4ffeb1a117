import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidArgumentError } from "tsray";
import * as S from "tsray/internal/scheduler";

const { ResourcePool, ResourceSet } = S;
const rs = (o: Record<string, number>) => ResourceSet.of(o);

test("an allocation takes its demand and freeing it restores availability", () => {
  const pool = new ResourcePool(rs({ CPU: 4, memory: 1000 }));
  const a = pool.tryAllocate(rs({ CPU: 3, memory: 600 }));
  assert.ok(a);
  assert.equal(pool.available().toJSON(), { CPU: 1, memory: 400 });
  assert.is(pool.tryAllocate(rs({ CPU: 2 })), undefined);
  pool.free(a!);
  assert.ok(pool.available().equals(pool.total()));
});

test("0.7 + 0.7 of a capacity-1 resource runs one at a time", () => {
  const pool = new ResourcePool(rs({ CPU: 8, Custom: 1 }));
  const first = pool.tryAllocate(rs({ Custom: 0.7 }));
  assert.ok(first);
  assert.is(pool.tryAllocate(rs({ Custom: 0.7 })), undefined);
  pool.free(first!);
  assert.ok(pool.tryAllocate(rs({ Custom: 0.7 })));
});

test("a GPU allocation names the devices it got", () => {
  const pool = new ResourcePool(rs({ CPU: 2, GPU: 2 }));
  const a = pool.tryAllocate(rs({ CPU: 1, GPU: 1 }));
  const b = pool.tryAllocate(rs({ CPU: 1, GPU: 1 }));
  assert.equal(a?.gpus.map((s) => s.id), [0]);
  assert.equal(b?.gpus.map((s) => s.id), [1]);
  assert.is(pool.available().get("GPU"), 0n);
});

test("a failed allocation changes nothing", () => {
  const pool = new ResourcePool(rs({ CPU: 2, GPU: 2 }));
  pool.tryAllocate(rs({ GPU: 0.5 }));
  pool.tryAllocate(rs({ GPU: 0.6 }));
  const before = pool.available();
  assert.is(pool.tryAllocate(rs({ CPU: 1, GPU: 1 })), undefined, "only GPU fragments are free");
  assert.ok(pool.available().equals(before));
});

test("lending a blocked task's CPU frees it for others; reclaiming may oversubscribe", () => {
  const pool = new ResourcePool(rs({ CPU: 1 }));
  const blocked = pool.tryAllocate(rs({ CPU: 1 }))!;
  pool.lendCpu(blocked);
  const child = pool.tryAllocate(rs({ CPU: 1 }));
  assert.ok(child, "the child task runs on the lent CPU");
  pool.reclaimCpu(blocked);
  assert.is(pool.available().get("CPU"), -10_000n, "one CPU oversubscribed");
  assert.is(pool.tryAllocate(rs({ CPU: 0.5 })), undefined);
  pool.free(child!);
  pool.free(blocked);
  assert.ok(pool.available().equals(pool.total()));
});

test("lending returns only CPUs: GPUs stay held", () => {
  const pool = new ResourcePool(rs({ CPU: 1, GPU: 1 }));
  const a = pool.tryAllocate(rs({ CPU: 1, GPU: 1 }))!;
  pool.lendCpu(a);
  assert.equal(pool.available().toJSON(), { CPU: 1 });
  pool.free(a, true);
  assert.ok(pool.available().equals(pool.total()));
});

test("new totals move availability by the difference", () => {
  const pool = new ResourcePool(rs({ CPU: 2 }));
  pool.tryAllocate(rs({ CPU: 2 }));
  pool.setTotal(rs({ CPU: 4, Custom: 1 }));
  assert.equal(pool.available().toJSON(), { CPU: 2, Custom: 1 });
  pool.setTotal(rs({ CPU: 1 }));
  assert.is(pool.available().get("CPU"), -10_000n);
});

test("GPU devices cannot be removed while in use, and node GPU totals must be whole", () => {
  const pool = new ResourcePool(rs({ GPU: 2 }));
  pool.tryAllocate(rs({ GPU: 1 }));
  assert.throws(() => pool.setTotal(rs({ GPU: 1 })), (e: unknown) => e instanceof InvalidArgumentError);
  assert.throws(() => new ResourcePool(rs({ GPU: 1.5 })), (e: unknown) => e instanceof InvalidArgumentError);
});

test("explicit GPU ids are used in order", () => {
  const pool = new ResourcePool(rs({ GPU: 2 }));
  pool.setTotal(rs({ GPU: 2 }), [3, 5]);
  assert.equal(pool.tryAllocate(rs({ GPU: 2 }))?.gpus.map((s) => s.id), [3, 5]);
});

test.run();
