/**
 * `get` over the memory store: the bytes of every object, in input order.
 * Rejects as soon as any of them holds an error (without waiting for the
 * rest), with `GetTimeoutError` once the timeout passes, or with the store's
 * error when it closes. One record per request, no closure per object: a get
 * of a million pending refs waits on a million objects. An object held on
 * another node is pulled to the owner's node first (`WaitableStore.fetch`).
 */
import { GetTimeoutError } from "../common/errors.js";
import type { Settled, WaitableStore } from "./waiter.js";
import { StoreRequest } from "./store-request.js";

export class GetRequest extends StoreRequest<Uint8Array[]> {
  private readonly out: Uint8Array[];
  private remaining: number;

  constructor(
    store: WaitableStore,
    ids: readonly string[],
    resolve: (bytes: Uint8Array[]) => void,
    reject: (error: Error) => void,
    /** The node the bytes are for (objects held elsewhere are pulled there); default the owner's. */
    private readonly on?: string,
  ) {
    super(store, ids, resolve, reject);
    this.out = new Array<Uint8Array>(ids.length);
    this.remaining = ids.length;
  }

  start(timeoutS: number | undefined): void {
    if (this.remaining === 0) return this.finish();
    this.waitAll(timeoutS, () => this.finish(new GetTimeoutError(timeoutS!)));
  }

  settled(at: number, settled: Settled): void {
    if (this.done) return;
    if (settled instanceof Error) return this.finish(settled);
    if (!(settled instanceof Uint8Array)) return this.store.fetchFor(this, at, settled, this.on);
    this.out[at] = settled;
    if (--this.remaining === 0) this.finish();
  }

  protected result(): Uint8Array[] {
    return this.out;
  }
}
