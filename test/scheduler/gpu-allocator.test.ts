import { test } from "uvu";
import * as assert from "uvu/assert";
import * as S from "tsray/internal/scheduler";

const { GpuAllocator, toUnits } = S;
const u = (x: number) => toUnits(x, "GPU");

test("fractional GPU tasks pack onto device 0 before using device 1", () => {
  const gpus = GpuAllocator.whole(2);
  const a = gpus.tryAllocate(u(0.5));
  const b = gpus.tryAllocate(u(0.5));
  assert.equal(a, [{ id: 0, units: u(0.5) }]);
  assert.equal(b, [{ id: 0, units: u(0.5) }]);
  assert.equal(gpus.tryAllocate(u(0.5)), [{ id: 1, units: u(0.5) }]);
});

test("a fraction goes to the device with the least room left after it (best fit)", () => {
  const gpus = GpuAllocator.whole(2);
  gpus.tryAllocate(u(0.3)); // device 0 has 0.7 left
  gpus.tryAllocate(u(1)); // needs a whole free device: device 1
  const first = gpus.tryAllocate(u(0.7));
  assert.equal(first, [{ id: 0, units: u(0.7) }]);
  assert.is(gpus.tryAllocate(u(0.1)), undefined);
});

test("whole GPU demands get distinct, entirely free devices", () => {
  const gpus = GpuAllocator.whole(3);
  gpus.tryAllocate(u(0.5)); // device 0 partly used
  const two = gpus.tryAllocate(u(2));
  assert.equal(two?.map((s) => s.id), [1, 2]);
  assert.is(gpus.tryAllocate(u(1)), undefined, "device 0 is half used, so no whole device is free");
});

test("a whole demand is refused while the free GPU total is only fragments", () => {
  const gpus = GpuAllocator.whole(2);
  gpus.tryAllocate(u(0.5));
  gpus.tryAllocate(u(0.6)); // does not fit the 0.5 left on device 0, so device 1
  assert.is(gpus.availableUnits(), u(0.9));
  assert.is(gpus.tryAllocate(u(1)), undefined);
});

test("a demand above 1 that is not whole is never allocated", () => {
  const gpus = GpuAllocator.whole(4);
  assert.is(gpus.tryAllocate(u(1.5)), undefined);
  assert.is(gpus.availableUnits(), u(4));
});

test("freeing returns the shares to the same devices", () => {
  const gpus = GpuAllocator.whole(2, [4, 7]);
  const whole = gpus.tryAllocate(u(2));
  assert.equal(whole?.map((s) => s.id), [4, 7]);
  assert.is(gpus.tryAllocate(u(0.1)), undefined);
  gpus.free(whole ?? []);
  assert.is(gpus.availableUnits(), u(2));
  assert.equal(gpus.tryAllocate(u(1))?.map((s) => s.id), [4]);
});

test("freeing more than was allocated on a device throws", () => {
  const gpus = GpuAllocator.whole(1);
  assert.throws(() => gpus.free([{ id: 0, units: u(0.5) }]), /did not allocate/);
});

test.run();
