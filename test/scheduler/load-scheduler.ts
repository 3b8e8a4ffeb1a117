// Loads the scheduler module under test. The `tsray` package exports only its
// public surface ("." and "./stubs"), and these suites are compiled from
// test/scheduler/ to test/dist/scheduler/ (one level deeper), so no single
// relative import works both for the type checker and at run time. Types come
// from a type-only import (resolved from this source file); the module itself
// is imported relative to the compiled file. If runtime/package.json gains an
// "./internal/scheduler" export, replace this file with a plain import.
import type * as SchedulerModule from "../../runtime/dist/scheduler/index.js";

const url = new URL("../../../runtime/dist/scheduler/index.js", import.meta.url);
const scheduler: typeof SchedulerModule = await import(url.href);

export default scheduler;
export type { SchedulerModule };
