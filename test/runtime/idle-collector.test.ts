// A thread with actor handles to find collects its garbage when idle (common/idle-collector.ts): a
// dropped object is finalized without anyone calling gc() or allocating, and collecting stops once
// nothing is left to find.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as CollectorModule from "../../runtime/dist/common/idle-collector.js";
import { until } from "./helpers.js";

const dist = (path: string) => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href);
const { IdleCollector } = (await dist("common/idle-collector.js")) as typeof CollectorModule;

test("an idle thread that holds something to find collects, and a dropped object is finalized", async () => {
  let finalized = false;
  const registry = new FinalizationRegistry<number>(() => (finalized = true));
  (() => registry.register({ dropped: true }, 1))();
  let rounds = 0;
  const collector = new IdleCollector(() => (rounds++, !finalized), 1_000);
  collector.restart();
  await until(() => finalized, "the dropped object finalized", 3_000);
  const after = rounds;
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(rounds <= after + 1, "it stops once nothing is held");
});

test.run();
