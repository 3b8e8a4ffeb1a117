// The runtime's side of the thread protocol (driver/thread-requests.ts), with stand-ins for what it
// hands messages to: only what these behaviours touch.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as RequestsModule from "../../runtime/dist/driver/thread-requests.js";
import type { FromWorker } from "../../runtime/dist/protocol/thread-messages.js";

const dist = (path: string) => import(new URL(`../../../runtime/dist/${path}`, import.meta.url).href);
const { ThreadRequests } = (await dist("driver/thread-requests.js")) as typeof RequestsModule;

const JOB = "aaaa0001";

function requests() {
  const items: string[] = [];
  const streams = { onItem: (_c: unknown, taskId: string, index: number) => items.push(`${taskId}:${index}`) };
  const deps = { nodeId: "node-a", jobId: JOB, streams, holds: { active: () => undefined } } as unknown as RequestsModule.ThreadRequestsDeps;
  const client = {} as Parameters<InstanceType<typeof ThreadRequests>["route"]>[0];
  const route = (m: FromWorker) => new ThreadRequests(deps).route(client, undefined, m);
  return { items, route };
}

test("a generator value of this runtime's own task is kept", () => {
  const { items, route } = requests();
  route({ t: "genItem", taskId: `${JOB}.t1.3.7`, index: 0, bytes: Uint8Array.of(1) });
  assert.equal(items, [`${JOB}.t1.3.7:0`]);
});

test("a generator value of another job's task whose lease ended is dropped, not kept", () => {
  const { items, route } = requests();
  route({ t: "genItem", taskId: "bbbb0002.d1.5", index: 0, bytes: Uint8Array.of(1) });
  assert.equal(items, []);
});

test.run();
