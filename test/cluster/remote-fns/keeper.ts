// An actor class for the cluster suites (no top-level side effects).
import * as ray from "tsray";

export const Keeper = ray.remote(
  class Keeper {
    ping(): string {
      return "pong";
    }
  },
);
