// Serializable classes and the tasks and actors that take and return them (transform-free spelling).
import * as ray from "tsray";

export class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
  get sum(): number {
    return this.x + this.y;
  }
}
ray.registerSerializable(Point);

export class Point3 extends Point {
  constructor(
    x: number,
    y: number,
    public z: number,
  ) {
    super(x, y);
  }
  override norm(): number {
    return Math.hypot(this.x, this.y, this.z);
  }
}
ray.registerSerializable(Point3);

/** Private state, sent through its own encoding. */
export class Account {
  #balance: number;
  constructor(balance: number) {
    this.#balance = balance;
  }
  get balance(): number {
    return this.#balance;
  }
  deposit(n: number): Account {
    return new Account(this.#balance + n);
  }
  static [ray.serialize](a: Account): number {
    return a.#balance;
  }
  static [ray.deserialize](balance: number): Account {
    return new Account(balance);
  }
}
ray.registerSerializable(Account);

export class Ring {
  next: Ring | undefined;
  constructor(public label: string) {}
}
ray.registerSerializable(Ring);

export class Unregistered {
  constructor(public n: number) {}
}

/** What a task saw of its argument: class name, instanceof, a method's result. */
export const inspect = ray.remote(function inspect(p: Point): { cls: string; isPoint: boolean; norm: number; sum: number } {
  return { cls: p.constructor.name, isPoint: p instanceof Point, norm: p.norm(), sum: p.sum };
});

/** Moves a point: an instance goes back. */
export const shift = ray.remote(function shift(p: Point, dx: number): Point {
  return new Point(p.x + dx, p.y);
});

/** Returns whatever it is given (instances inside it come back as instances). */
export const echo = ray.remote(function echo<T>(value: T): T {
  return value;
});

/** Checks a Map of instances and a ring (cycle) inside a task. */
export const checkNested = ray.remote(function checkNested(byName: Map<string, Point>, ring: Ring): string[] {
  const out = [...byName.values()].map((p) => `${p.constructor.name}:${p instanceof Point}:${p.norm()}`);
  out.push(`ring:${ring instanceof Ring}:${ring.next?.next === ring}`);
  return out;
});

export const depositTask = ray.remote(function depositTask(a: Account, n: number): Account {
  if (!(a instanceof Account)) throw new Error("not an Account");
  return a.deposit(n);
});

/** Returns an instance of a class nobody registered. */
export const makeUnregistered = ray.remote(function makeUnregistered(): Unregistered {
  return new Unregistered(1);
});

/** An actor that keeps instances and hands them back. */
export const Canvas = ray.remote(
  class Canvas {
    readonly points: Point[] = [];
    add(p: Point): number {
      if (!(p instanceof Point)) throw new Error("not a Point");
      this.points.push(p);
      return this.points.length;
    }
    all(): Point[] {
      return this.points;
    }
    keep(x: unknown): unknown {
      return x;
    }
    total(a: Account): number {
      return a.balance + this.points.reduce((s, p) => s + p.norm(), 0);
    }
  },
);
