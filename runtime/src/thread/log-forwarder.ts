/**
 * Sends what tasks and actors print to the driver's terminal: replaces this
 * thread's `console.log/info/debug/warn/error` with versions that format the
 * arguments like Node does and post the text, labelled with the call that
 * printed it (read from the task context, so interleaved async calls are
 * labelled right). The driver adds the origin prefix to every line.
 */
import { formatWithOptions } from "node:util";
import type { FromWorker } from "../protocol/thread-messages.js";
import type { TaskContextStorage } from "./task-context.js";

export function installLogForwarder(
  target: Console,
  context: TaskContextStorage,
  idleLabel: string,
  post: (message: FromWorker) => void,
): void {
  const forward = (stream: "out" | "err") => (...args: unknown[]) => {
    const task = context.getStore();
    post({ t: "log", stream, label: task?.name ?? idleLabel, text: formatWithOptions({ colors: false }, ...args), taskId: task?.taskId });
  };
  target.log = forward("out");
  target.info = forward("out");
  target.debug = forward("out");
  target.warn = forward("err");
  target.error = forward("err");
}
