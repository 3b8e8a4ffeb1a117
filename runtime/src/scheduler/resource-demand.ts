/**
 * What a task or actor asks the scheduler for, built from validated options.
 *
 * Tasks hold `numCpus` (default 1), `numGpus`, `memory` and custom resources
 * while they run.
 *
 * Actors follow Ray's rule (python/ray/actor.py, "DEFAULT_ACTOR_*_CPU_*"):
 * - nothing asked for but `memory` ("simple" actor): it needs 1 CPU *free* to
 *   be placed, yet holds 0 CPU while alive, so any number of such actors can
 *   live on a node that has a CPU;
 * - anything asked for (`numCpus`, `numGpus` or a custom resource, even 0):
 *   it holds that, plus 1 CPU unless `numCpus` says otherwise, for its whole
 *   life, and placing it needs exactly that.
 * So an actor demand has two parts: `placement` must fit the node's free
 * resources at dispatch time (never allocated), `lifetime` is what the grant
 * takes and keeps until the actor dies.
 */
import type { ActorOptions, ResourceOptions } from "../common/options.js";
import { UNITS_PER_WHOLE, toUnits, type Units } from "./fixed-point.js";
import { validateResourceOptions } from "./options-validation.js";
import { CPU, GPU, MEMORY, ResourceSet } from "./resource-set.js";

export interface ActorDemand {
  /** Must be free on the node to place the actor; not held. */
  readonly placement: ResourceSet;
  /** Held from placement until the actor dies. */
  readonly lifetime: ResourceSet;
}

/** A task's demand. Validates the resource options (throws `InvalidArgumentError`). */
export function taskDemand(options: ResourceOptions | undefined, where: string): ResourceSet {
  validateResourceOptions(options, where);
  return fromOptions(options ?? {}, where, UNITS_PER_WHOLE);
}

/** An actor's placement and lifetime demands (Ray's rule, see the file comment). */
export function actorDemand(options: ActorOptions | undefined, where: string): ActorDemand {
  validateResourceOptions(options, where);
  const o = options ?? {};
  const specified =
    o.numCpus !== undefined || o.numGpus !== undefined || Object.keys(o.resources ?? {}).length > 0;
  if (specified) {
    const lifetime = fromOptions(o, where, UNITS_PER_WHOLE);
    return { placement: lifetime, lifetime };
  }
  const lifetime = fromOptions(o, where, 0n);
  return { placement: lifetime.add(ResourceSet.fromUnits([[CPU, UNITS_PER_WHOLE]])), lifetime };
}

function fromOptions(o: ResourceOptions, where: string, defaultCpu: Units): ResourceSet {
  const entries: Array<[string, Units]> = [
    [CPU, o.numCpus === undefined ? defaultCpu : toUnits(o.numCpus, `numCpus of ${where}`)],
  ];
  if (o.numGpus !== undefined) entries.push([GPU, toUnits(o.numGpus, `numGpus of ${where}`)]);
  if (o.memory !== undefined) entries.push([MEMORY, toUnits(o.memory, `memory of ${where}`)]);
  for (const [name, value] of Object.entries(o.resources ?? {})) {
    entries.push([name, toUnits(value, `resources.${name} of ${where}`)]);
  }
  return ResourceSet.fromUnits(entries);
}
