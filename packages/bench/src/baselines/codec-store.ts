/**
 * In-process baselines for `ray.put`/`ray.get` of small values: what the
 * cheapest possible object store does, an id → encoded-bytes Map, with
 * msgpackr or structuredClone as the copy. A put must copy (later changes to
 * the value are not seen) and a get must decode a fresh value, so these are
 * floors for a local object store, not a different design.
 */
import { Packr } from "msgpackr";
import type { Measurement } from "../case.js";
import { nowMs, perSecond } from "../timing.js";

const packr = new Packr({ structuredClone: true });

/** `ops` puts of `value` into a Map, each packed with msgpackr; puts per second. */
export function msgpackrPut(value: unknown, ops: number): Measurement {
  return {
    label: "msgpackr pack + Map.set",
    async run() {
      const store = new Map<number, Uint8Array>();
      const t0 = nowMs();
      for (let i = 0; i < ops; i++) store.set(i, packr.pack(value));
      return { value: perSecond(ops, nowMs() - t0) };
    },
  };
}

export function structuredClonePut(value: unknown, ops: number): Measurement {
  return {
    label: "structuredClone + Map.set",
    async run() {
      const store = new Map<number, unknown>();
      const t0 = nowMs();
      for (let i = 0; i < ops; i++) store.set(i, structuredClone(value));
      return { value: perSecond(ops, nowMs() - t0) };
    },
  };
}

/**
 * `ops` gets, each awaited as `ray.get` is: Map lookup, msgpackr unpack, one
 * resolved promise. Gets per second.
 */
export function msgpackrGet(value: unknown, ops: number): Measurement {
  const store = new Map<number, Uint8Array>([[1, packr.pack(value)]]);
  return {
    label: "msgpackr unpack + await",
    async run() {
      const t0 = nowMs();
      for (let i = 0; i < ops; i++) await Promise.resolve(packr.unpack(store.get(1)!));
      return { value: perSecond(ops, nowMs() - t0) };
    },
  };
}

export function structuredCloneGet(value: unknown, ops: number): Measurement {
  const store = new Map<number, unknown>([[1, structuredClone(value)]]);
  return {
    label: "structuredClone + await",
    async run() {
      const t0 = nowMs();
      for (let i = 0; i < ops; i++) await Promise.resolve(structuredClone(store.get(1)));
      return { value: perSecond(ops, nowMs() - t0) };
    },
  };
}
