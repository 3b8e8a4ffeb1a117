/**
 * Stand-in CPU accounting for the local node until the scheduler modules
 * (`scheduler/`, issue 4) are wired in: `total` CPU slots, amounts in
 * fixed point (1e-4, as Ray) so fractional demands add up exactly, and a
 * first-fit FIFO of work waiting for slots.
 *
 * Only CPUs are accounted; GPU and custom-resource demands are checked for
 * feasibility against the node's totals but not held.
 *
 * Invariant: `free` = total − Σ held; it may go below zero only through
 * `acquireAnyway` (a task resuming from `ray.get` takes its CPU back at once
 * rather than waiting behind the children it waited for, as in Ray).
 */

const scale = 10_000;
const toFixed = (cpus: number) => Math.round(cpus * scale);

export interface SlotRequest {
  readonly cpus: number;
  /** Called once the CPUs are held. */
  start(): void;
}

export interface CpuSlots {
  readonly total: number;
  /** Queues `request` until its CPUs are free; starts it at once when they are. */
  request(request: SlotRequest): void;
  /** Removes a request that has not started; false if it was not queued. */
  withdraw(request: SlotRequest): boolean;
  release(cpus: number): void;
  /** Takes CPUs back even if that oversubscribes for a while. */
  acquireAnyway(cpus: number): void;
  /** CPUs free right now (for introspection). */
  available(): number;
  /** Requests waiting. */
  queued(): number;
  /**
   * Removes and returns the oldest queued request if it asks for exactly
   * `cpus` and `accept`s it, without granting anything: its owner runs it
   * under CPUs it already holds (pipelining behind a running task).
   */
  takeHead(cpus: number, accept: (r: SlotRequest) => boolean): SlotRequest | undefined;
  /** Puts requests back at the front of the queue, in the given order (work handed back). */
  requeueFront(requests: readonly SlotRequest[]): void;
}

export class FifoCpuSlots implements CpuSlots {
  private free: number;
  private queue: (SlotRequest | undefined)[] = [];
  private head = 0;
  private draining = false;

  constructor(readonly total: number) {
    this.free = toFixed(total);
  }

  request(request: SlotRequest): void {
    const need = toFixed(request.cpus);
    // Zero-CPU work never waits; other work waits behind what is already queued.
    if (need === 0 || (this.head === this.queue.length && need <= this.free)) {
      this.free -= need;
      request.start();
      return;
    }
    this.queue.push(request);
    // Older requests may be waiting for more CPUs than are free; this one may fit now (first fit).
    if (need <= this.free) this.drain();
  }

  withdraw(request: SlotRequest): boolean {
    const i = this.queue.indexOf(request, this.head);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    return true;
  }

  release(cpus: number): void {
    this.free += toFixed(cpus);
    this.drain();
  }

  acquireAnyway(cpus: number): void {
    this.free -= toFixed(cpus);
  }

  available(): number {
    return this.free / scale;
  }

  queued(): number {
    return this.queue.length - this.head;
  }

  takeHead(cpus: number, accept: (r: SlotRequest) => boolean): SlotRequest | undefined {
    const r = this.queue[this.head];
    if (r === undefined || toFixed(r.cpus) !== toFixed(cpus) || !accept(r)) return undefined;
    this.queue[this.head++] = undefined;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return r;
  }

  requeueFront(requests: readonly SlotRequest[]): void {
    if (requests.length === 0) return;
    this.queue = [...requests, ...this.queue.slice(this.head)];
    this.head = 0;
    this.drain();
  }

  /** Starts queued requests that fit, oldest first, skipping ones that do not fit yet. */
  private drain(): void {
    if (this.draining) return; // a start() that releases re-enters here; the outer loop continues
    this.draining = true;
    try {
      let i = this.head;
      while (i < this.queue.length && this.free > 0) {
        const r = this.queue[i]!;
        const need = toFixed(r.cpus);
        if (need > this.free) {
          i++;
          continue;
        }
        this.free -= need;
        if (i === this.head) {
          this.queue[i] = undefined;
          this.head++;
          i++;
        } else {
          this.queue.splice(i, 1);
        }
        r.start();
      }
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
    } finally {
      this.draining = false;
    }
  }
}
