// Remote functions of the remote-logs suite. No top-level side effects: workers import this.
import * as ray from "tsray";

/** Prints `text` to stdout and `warn: text` to stderr where it runs; returns that node's id. */
export const shout = ray.remote(function shout(text: string): string {
  console.log(text);
  console.error(`warn: ${text}`);
  return ray.getRuntimeContext().nodeId;
});

/** An actor that prints where it runs, in its constructor and in a call. */
export const Crier = ray.remote(
  class Crier {
    constructor(text: string) {
      console.log(`born: ${text}`);
    }
    cry(text: string): string {
      console.error(`cry: ${text}`);
      return ray.getRuntimeContext().nodeId;
    }
  },
);
