// Instances of the user's classes passed to tasks and actors, in threads and in child processes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { registerClass } from "tsray/stubs";
import { Account, Canvas, Point, Point3, Ring, Unregistered, checkNested, depositTask, echo, inspect, makeUnregistered, shift } from "./remote-fns/shapes.js";
import { Badge } from "./remote-fns/lone-class.js";
import { rejection, thrown } from "./helpers.js";

test.before(async () => {
  await ray.init({ numCpus: 2, namespace: "serializable-suite" });
});
test.after(async () => {
  await ray.shutdown();
});

for (const isolation of ["thread", "process"] as const) {
  test(`a task (${isolation}) gets a real instance: prototype, methods, getters, instanceof`, async () => {
    const seen = await ray.get(inspect.options({ isolation }).remote(new Point(3, 4)));
    assert.equal(seen, { cls: "Point", isPoint: true, norm: 5, sum: 7 });
  });

  test(`an instance a task (${isolation}) returns is a real instance in the driver`, async () => {
    const p = await ray.get(shift.options({ isolation }).remote(new Point(1, 4), 2));
    assert.ok(p instanceof Point);
    assert.is(p.norm(), 5);
  });

  test(`a Map of instances and a cycle of instances reach a task (${isolation}) intact`, async () => {
    const a = new Ring("a");
    a.next = new Ring("b");
    a.next.next = a;
    const byName = new Map<string, Point>([["p", new Point(3, 4)], ["q", new Point3(1, 2, 2)]]);
    const out = await ray.get(checkNested.options({ isolation }).remote(byName, a));
    assert.equal(out, ["Point:true:5", "Point3:true:3", "ring:true:true"]);
    const back = (await ray.get(echo.options({ isolation }).remote({ ring: a, byName }))) as { ring: Ring; byName: Map<string, Point> };
    assert.ok(back.ring instanceof Ring && back.ring.next!.next === back.ring);
    assert.ok(back.byName.get("q") instanceof Point3);
  });

  test(`a class with #private state and its own encoding round-trips through a task (${isolation})`, async () => {
    const a = await ray.get(depositTask.options({ isolation }).remote(new Account(10), 5));
    assert.ok(a instanceof Account);
    assert.is(a.balance, 15);
  });

  test(`an actor (${isolation}) takes and returns instances`, async () => {
    const canvas = Canvas.options({ isolation }).remote();
    assert.is(await ray.get(canvas.add.remote(new Point(3, 4))), 1);
    assert.is(await ray.get(canvas.add.remote(new Point3(2, 3, 6))), 2);
    const all = await ray.get(canvas.all.remote());
    assert.ok(all[0] instanceof Point && all[1] instanceof Point3);
    assert.is(all[1]!.norm(), 7);
    assert.is(await ray.get(canvas.total.remote(new Account(100))), 112);
    ray.kill(canvas);
  });
}

test("a worker imports the module of a class it has not seen, then decodes the instance", async () => {
  const back = (await ray.get(echo.options({ isolation: "process" }).remote([new Badge("hi")]))) as Badge[];
  assert.ok(back[0] instanceof Badge);
  assert.is(back[0]!.shout(), "HI!");
  const canvas = Canvas.remote();
  const kept = (await ray.get(canvas.keep.remote(new Badge("yo")))) as Badge;
  assert.is(kept.shout(), "YO!");
  ray.kill(canvas);
});

test("ray.put and get of an instance give a real instance", async () => {
  const p = await ray.get(ray.put(new Point(6, 8)));
  assert.ok(p instanceof Point);
  assert.is(p.norm(), 10);
});

test("an unregistered class instance is refused at the sender, naming the argument and how to register it", () => {
  const e = thrown(() => echo.remote({ item: new Unregistered(1) }), ray.SerializationError);
  assert.match(e.message, "argument 1 of echo");
  assert.match(e.message, "value.item is an instance of class Unregistered");
  assert.match(e.message, "@ray.serializable, or call ray.registerSerializable(Unregistered)");
});

test("a task returning an unregistered class instance fails with that error", async () => {
  const e = await rejection(ray.get(makeUnregistered.remote()), ray.TaskError);
  assert.instance(e.cause, ray.SerializationError);
  assert.match(e.message, "Cannot serialize the return value of makeUnregistered: value is an instance of class Unregistered");
});

test("a class whose module cannot be loaded by the worker is a clear error, not a plain object", async () => {
  class Ghost {
    v = 1;
  }
  registerClass(Ghost, { kind: "tsray:serializable", abi: 1, id: "nowhere/ghost.ts#Ghost", name: "Ghost", url: "file:///nowhere/ghost.js" });
  const e = await rejection(ray.get(echo.remote(new Ghost())), ray.TaskError);
  assert.instance(e.cause, ray.SerializationError);
  assert.match(e.message, 'Cannot decode an instance of class "nowhere/ghost.ts#Ghost": its module file:///nowhere/ghost.js could not be imported');
});

test("a class id its module does not register is a clear error", async () => {
  class Phantom {
    v = 1;
  }
  const url = new URL("./remote-fns/shapes.js", import.meta.url).href;
  registerClass(Phantom, { kind: "tsray:serializable", abi: 1, id: "shapes.ts#Phantom", name: "Phantom", url });
  const e = await rejection(ray.get(echo.remote(new Phantom())), ray.TaskError);
  assert.instance(e.cause, ray.SerializationError);
  assert.match(e.message, `importing ${url} did not register it here`);
});

test.run();
