// Remote code for the cluster suites (no top-level side effects).
import * as ray from "tsray";

export const Keeper = ray.remote(
  class Keeper {
    ping(): string {
      return "pong";
    }
  },
);

export const touch = ray.remote(function touch(): number {
  return 1;
});
