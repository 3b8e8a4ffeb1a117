// The remote function of the two-node quick start (README, "A cluster of node processes"), in the
// spelling that needs no build. Workers on every node import this module to find it, so it has no
// top-level side effects: declarations only.
import * as ray from "tsray";

/** Prints where it runs (the line reaches the driver's terminal) and returns that node's id. */
export const where = ray.remote(function where(label) {
  console.log(`${label}: running here`);
  return ray.getRuntimeContext().nodeId;
});
