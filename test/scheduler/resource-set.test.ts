import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidArgumentError } from "tsray";
import * as S from "tsray/internal/scheduler";

const { ResourceSet } = S;
const rs = (o: Record<string, number>) => ResourceSet.of(o);

test("a demand fits when every amount is at most what is there", () => {
  assert.ok(rs({ CPU: 2, GPU: 1 }).fits(rs({ CPU: 2 })));
  assert.ok(rs({ CPU: 2, GPU: 1 }).fits(rs({ CPU: 1, GPU: 1 })));
  assert.not.ok(rs({ CPU: 2 }).fits(rs({ CPU: 2, GPU: 0.5 })));
  assert.not.ok(rs({ CPU: 1 }).fits(rs({ CPU: 1.0001 })));
});

test("an empty demand fits anywhere and zero amounts count as absent", () => {
  assert.ok(ResourceSet.EMPTY.fits(rs({ CPU: 0 })));
  assert.ok(rs({ CPU: 0, Custom: 0 }).isEmpty());
  assert.ok(rs({ CPU: 1, GPU: 0 }).equals(rs({ CPU: 1 })));
});

test("adding and subtracting are exact and drop entries that reach zero", () => {
  const a = rs({ CPU: 1.5, Custom: 1 });
  const b = rs({ CPU: 0.5, Custom: 1 });
  assert.equal(a.subtract(b).toJSON(), { CPU: 1 });
  assert.equal(a.add(b).toJSON(), { CPU: 2, Custom: 2 });
  assert.ok(a.subtract(a).isEmpty());
});

test("isSubsetOf compares amount by amount", () => {
  assert.ok(rs({ CPU: 1 }).isSubsetOf(rs({ CPU: 1, GPU: 1 })));
  assert.not.ok(rs({ CPU: 1, Custom: 1 }).isSubsetOf(rs({ CPU: 4 })));
});

test("missingIn names only what the capacity lacks, and by how much", () => {
  const missing = rs({ CPU: 4, GPU: 1, memory: 10 }).missingIn(rs({ CPU: 2, memory: 100 }));
  assert.equal(missing.toJSON(), { CPU: 2, GPU: 1 });
});

test("toJSON reports user units with names sorted; key ignores insertion order", () => {
  const a = rs({ memory: 1024, CPU: 0.25, Custom: 3 });
  assert.equal(Object.keys(a.toJSON()), ["CPU", "Custom", "memory"]);
  assert.equal(a.toJSON(), { CPU: 0.25, Custom: 3, memory: 1024 });
  assert.is(a.key(), rs({ Custom: 3, CPU: 0.25, memory: 1024 }).key());
  assert.is(JSON.stringify(rs({ CPU: 1 })), '{"CPU":1}');
});

test("pick, omit and positive select entries", () => {
  const a = rs({ CPU: 2, GPU: 1 });
  assert.equal(a.pick(["CPU"]).toJSON(), { CPU: 2 });
  assert.equal(a.omit(["CPU"]).toJSON(), { GPU: 1 });
  assert.equal(rs({ CPU: 1 }).subtract(rs({ CPU: 2 })).add(rs({ GPU: 1 })).positive().toJSON(), { GPU: 1 });
});

test("ResourceSet.of rejects bad amounts and empty names", () => {
  assert.throws(() => rs({ CPU: -1 }), (e: unknown) => e instanceof InvalidArgumentError);
  assert.throws(() => rs({ "": 1 }), (e: unknown) => e instanceof InvalidArgumentError);
});

test.run();
