// Instances of serializable classes through the codec alone (no workers): what is rebuilt, what is refused.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ray from "tsray";
import { registerClass } from "tsray/stubs";
import { makeCodec, roundTrip, thrown } from "./harness.js";
import { Point, Point3 } from "../runtime/remote-fns/shapes.js";

/** Registered parent, unregistered child. */
class Point4 extends Point {}

class Node {
  next: Node | undefined;
  constructor(public label: string) {}
}
ray.registerSerializable(Node);

class Account {
  #balance: number;
  constructor(balance: number) {
    this.#balance = balance;
  }
  get balance(): number {
    return this.#balance;
  }
  static [ray.serialize](a: Account): { balance: number } {
    return { balance: a.#balance };
  }
  static [ray.deserialize](data: { balance: number }): Account {
    return new Account(data.balance);
  }
}
ray.registerSerializable(Account);

class Vault {
  #secret = 1;
  peek(): number {
    return this.#secret;
  }
}
ray.registerSerializable(Vault);

class Tagged {
  constructor(public tags: string[]) {}
}
ray.registerSerializable(Tagged, {
  serialize: (t) => t.tags.join(","),
  deserialize: (s) => new Tagged((s as string).split(",")),
});

/** The decorator without the transform (a TS 5 class decorator): the id comes from this module. */
@ray.serializable
class Decorated {
  constructor(public v: number) {}
  twice(): number {
    return this.v * 2;
  }
}

@ray.serializable({ serialize: (c: Celsius) => c.degrees, deserialize: (d: number) => new Celsius(d) })
class Celsius {
  constructor(readonly degrees: number) {}
}

class Loose {
  constructor(public n: number) {}
}

const { codec } = makeCodec();

test("an instance comes back with its prototype, methods and getters", () => {
  const back = roundTrip(new Point(3, 4));
  assert.ok(back instanceof Point);
  assert.is(back.norm(), 5);
  assert.is(back.sum, 7);
  assert.equal(Object.keys(back), ["x", "y"]);
});

test("@ray.serializable works as a plain class decorator, with and without options", () => {
  const [d, c] = roundTrip([new Decorated(21), new Celsius(-3)]);
  assert.ok(d instanceof Decorated);
  assert.is(d.twice(), 42);
  assert.ok(c instanceof Celsius);
  assert.is(c.degrees, -3);
});

test("an own field that shadows a setter of the class is restored without running the setter", () => {
  class Guarded {
    constructor(label: string) {
      Object.defineProperty(this, "label", { value: label, writable: true, enumerable: true, configurable: true });
    }
    set label(_v: string) {
      throw new Error("setter ran");
    }
  }
  ray.registerSerializable(Guarded);
  const back = roundTrip(new Guarded("kept"));
  assert.ok(back instanceof Guarded);
  assert.equal(Object.getOwnPropertyDescriptor(back, "label")?.value, "kept");
  assert.ok(Object.getOwnPropertyDescriptor(Guarded.prototype, "label")?.set, "the class keeps its setter");
});

test("the constructor is not called when an instance is rebuilt", () => {
  let calls = 0;
  class Counted {
    constructor(public v: number) {
      calls++;
    }
  }
  ray.registerSerializable(Counted);
  const back = roundTrip(new Counted(1));
  assert.is(calls, 1);
  assert.ok(back instanceof Counted);
  assert.is(back.v, 1);
});

test("instances nested in arrays, Maps and other instances come back as instances", () => {
  const value = { list: [new Point(1, 2)], byName: new Map([["a", new Point(0, 1)]]), tagged: new Tagged(["x"]) };
  const back = roundTrip(value);
  assert.ok(back.list[0] instanceof Point);
  assert.ok(back.byName.get("a") instanceof Point);
  assert.is(back.byName.get("a")!.norm(), 1);
  assert.ok(back.tagged instanceof Tagged);
  assert.equal(back.tagged.tags, ["x"]);
});

test("a registered subclass is rebuilt as the subclass", () => {
  const back = roundTrip([new Point3(1, 2, 2), new Point(3, 4)]);
  assert.ok(back[0] instanceof Point3);
  assert.is(back[0]!.norm(), 3);
  assert.is(back[1]!.constructor, Point);
});

test("a subclass that is not registered itself is refused rather than sent as its parent", () => {
  const error = thrown(() => codec.encode({ p: new Point4(1, 1) }, "argument 1 of f"), ray.SerializationError);
  assert.match(error.message, "value.p is an instance of class Point4 (a subclass of the serializable class Point");
});

test("cycles and shared instances keep their shape", () => {
  const a = new Node("a");
  const b = new Node("b");
  a.next = b;
  b.next = a;
  const back = roundTrip({ first: a, again: a });
  assert.ok(back.first instanceof Node);
  assert.is(back.first.next!.next, back.first);
  assert.is(back.again, back.first);
  const self = new Node("self");
  self.next = self;
  const one = roundTrip(self);
  assert.is(one.next, one);
});

test("a class with its own encoding keeps its private fields", () => {
  const back = roundTrip({ accounts: [new Account(10), new Account(20)] });
  assert.ok(back.accounts[0] instanceof Account);
  assert.equal(back.accounts.map((a) => a.balance), [10, 20]);
});

test("private fields without an encoding hook are refused, saying to add the hook", () => {
  const error = thrown(() => codec.encode([new Vault()], "argument 1 of f"), ray.SerializationError);
  assert.match(error.message, "value[0] is an instance of class Vault, which has private members (#secret)");
  assert.match(error.message, "static [ray.serialize]");
});

test("a # in a string or a static private member does not count as a private field", () => {
  class Note {
    static #made = 0;
    text = "see #fix and #42";
    constructor() {
      Note.#made++;
    }
    static made(): number {
      return Note.#made;
    }
  }
  ray.registerSerializable(Note);
  const back = roundTrip(new Note());
  assert.ok(back instanceof Note);
  assert.is(back.text, "see #fix and #42");
});

test("private methods and accessors count as private members", () => {
  class Locked {
    #open(): boolean {
      return true;
    }
    get ok(): boolean {
      return this.#open();
    }
  }
  ray.registerSerializable(Locked);
  assert.match(thrown(() => codec.encode(new Locked(), "ray.put"), ray.SerializationError).message, "private members (#open)");
});

test("a subclass of Map or Array without its own encoding is refused, with one it round-trips", () => {
  class Registry extends Map<string, number> {}
  ray.registerSerializable(Registry);
  assert.match(
    thrown(() => codec.encode(new Registry([["a", 1]]), "ray.put"), ray.SerializationError).message,
    "value is an instance of class Registry, which extends Map",
  );
  class Stack extends Array<number> {
    static [ray.serialize](s: Stack): number[] {
      return [...s];
    }
    static [ray.deserialize](items: number[]): Stack {
      return Stack.from(items) as Stack;
    }
  }
  ray.registerSerializable(Stack);
  const back = roundTrip(Stack.from([1, 2]) as Stack);
  assert.ok(back instanceof Stack);
  assert.equal([...back], [1, 2]);
});

test("an unregistered class instance is refused naming the path and how to register it", () => {
  const error = thrown(() => codec.encode({ items: [new Loose(1)] }, "argument 2 of add"), ray.SerializationError);
  assert.match(error.message, "Cannot serialize argument 2 of add: value.items[0] is an instance of class Loose.");
  assert.match(error.message, "@ray.serializable, or call ray.registerSerializable(Loose)");
});

test("a serialize hook whose data leads back to the instance is refused", () => {
  class Loop {
    static [ray.serialize](l: Loop): unknown {
      return { me: l };
    }
    static [ray.deserialize](): Loop {
      return new Loop();
    }
  }
  ray.registerSerializable(Loop);
  const error = thrown(() => codec.encode(new Loop(), "ray.put"), ray.SerializationError);
  assert.match(error.message, "value.me is a reference back to an instance from inside what its [ray.serialize] returned");
});

test("an instance of a class the decoding side does not know fails with ClassNotLoaded naming the id", async () => {
  class Ghost {
    v = 1;
  }
  registerClass(Ghost, { kind: "tsray:serializable", abi: 1, id: "ghost.ts#Ghost", name: "Ghost", url: "file:///nowhere/ghost.js" });
  const bytes = codec.encode(new Ghost(), "ray.put");
  // The same bytes, read where the id is another class's: change the id in place ("ghost" → "ghosT").
  const text = Buffer.from(bytes).toString("latin1").replace("ghost.ts#Ghost", "ghosT.ts#Ghost");
  const error = thrown(() => codec.decode(Buffer.from(text, "latin1")), ray.SerializationError);
  assert.match(error.message, 'Cannot decode an instance of class "ghosT.ts#Ghost"');
});

test("registering two classes under one id is refused", () => {
  class A {}
  class B {}
  ray.registerSerializable(A, { id: "same#id" });
  const error = thrown(() => ray.registerSerializable(B, { id: "same#id" }), ray.InvalidArgumentError);
  assert.match(error.message, 'Two different serializable classes have the id "same#id"');
});

test("plain objects are unaffected by registered classes", () => {
  const value = { a: 1, b: [1, 2, { c: "x" }], m: new Map([[1, 2]]) };
  assert.equal(roundTrip(value), value);
});

test.run();
