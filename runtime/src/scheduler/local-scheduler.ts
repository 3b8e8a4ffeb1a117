/**
 * The scheduler of one node: the façade the runtime uses.
 *
 * It owns the node's `ResourcePool`, the queue of pending requests grouped by
 * scheduling class, and the bundles of placement groups reserved here. It is
 * pure bookkeeping: no threads, timers or I/O. Whenever something may let a
 * request start (submit, release, lend, new totals, a group removed) it runs a
 * dispatch pass and reports what happened through `events`:
 * - `onDispatch(request, grant)`: start it now, with these resources/GPU ids;
 * - `onInfeasible(request, missing, reason)`: no node could ever run it (once
 *   per scheduling class; it stays queued and cancellable);
 * - `onSpillback(request, nodeId)`: multi-node only, run it on another node;
 * - `onUnschedulable(request, reason)`: it can never run (hard affinity to a
 *   node not in the cluster): it left the queue, fail it. Without a handler it
 *   stays queued as infeasible instead;
 * - `onPlacementGroupReady(id)` / `onPlacementGroupInfeasible(id, reason)`.
 * Events are delivered after each pass, never from inside the bookkeeping, so
 * handlers may call back into the scheduler (release, submit, cancel…).
 *
 * Several nodes: decisions come from `placement-policy.ts` over one
 * `NodeView` per node; pass `remoteNodes` (views of the other nodes, e.g.
 * from the head's resource broadcasts) and handle `onSpillback`. Placement
 * groups (node-groups.ts) are planned here over this node alone
 * (`createPlacementGroup`), or across the cluster by its owner and reserved
 * here in two phases (`prepareBundles`, `commitBundles`).
 */
import type { PlacementGroupStrategy } from "./bundle-planner.js";
import { ResourcePool, type Allocation } from "./node-resources.js";
import type { NodeView } from "./node-view.js";
import type { BundleLedger } from "./placement-group.js";
import { NodeGroups, type GroupPlacement } from "./node-groups.js";
import { decidePlacement, type GroupView, type PlacementDecision } from "./placement-policy.js";
import type { ResourceSet } from "./resource-set.js";
import { schedulingClassKey, type Grant, type ScheduleRequest } from "./schedule-request.js";
import { SchedulingQueue, type AttemptOutcome, type ClassStatus } from "./scheduling-queue.js";

export interface SchedulerEvents<P> {
  onDispatch(request: ScheduleRequest<P>, grant: Grant<P>): void;
  onInfeasible?(request: ScheduleRequest<P>, missing: ResourceSet, reason: string): void;
  onSpillback?(request: ScheduleRequest<P>, nodeId: string): void;
  onUnschedulable?(request: ScheduleRequest<P>, reason: string): void;
  onPlacementGroupReady?(placementGroupId: string): void;
  onPlacementGroupInfeasible?(placementGroupId: string, reason: string): void;
  /** Something held here was given back (a grant, a group's bundles): a cluster-wide plan may fit now. */
  onResourcesFreed?(): void;
}

export interface LocalSchedulerOptions<P> {
  readonly nodeId: string;
  /** CPU, GPU (whole), memory and custom totals of this node. */
  readonly totals: ResourceSet;
  /** GPU device ids (default 0..n-1), e.g. from `CUDA_VISIBLE_DEVICES`. */
  readonly gpuIds?: readonly number[];
  readonly spreadThreshold?: number;
  /** Views of the other nodes of the cluster (none on a single node). */
  readonly remoteNodes?: () => readonly NodeView[];
  /**
   * false: this node runs nothing and every request goes to the other nodes (a driver that joined a
   * cluster without resources of its own, as Ray's drivers do: its actors must be reachable by
   * everyone, which work in the driver's process is not). Default true.
   */
  readonly hostsWork?: boolean;
  readonly events: SchedulerEvents<P>;
}

interface HeldGrant<P> {
  /** Replaced (not the holding) when `handOver` passes it on. */
  grant: Grant<P>;
  readonly classKey: string;
  readonly allocation: Allocation;
  /** The node pool or a bundle pool; undefined once its group was removed. */
  pool: ResourcePool | undefined;
  lent: boolean;
}

type Event = () => void;

const NO_GPUS: readonly number[] = Object.freeze([]);

export class LocalScheduler<P> {
  readonly nodeId: string;
  private readonly node: ResourcePool;
  private readonly queue = new SchedulingQueue<ScheduleRequest<P>>();
  private readonly held = new Map<string, HeldGrant<P>>();
  private readonly groups: NodeGroups;
  private readonly events: SchedulerEvents<P>;
  private readonly remoteNodes: () => readonly NodeView[];
  private readonly hasRemoteNodes: boolean;
  private readonly hostsWork: boolean;
  private readonly spreadThreshold: number | undefined;
  private spreadCursor = 0;
  private epoch = 0;
  private pumping = false;
  private again = false;
  private outbox: Event[] = [];

  constructor(options: LocalSchedulerOptions<P>) {
    this.nodeId = options.nodeId;
    this.node = new ResourcePool(options.totals);
    if (options.gpuIds !== undefined) this.node.setTotal(options.totals, options.gpuIds);
    this.events = options.events;
    this.remoteNodes = options.remoteNodes ?? (() => []);
    this.hasRemoteNodes = options.remoteNodes !== undefined;
    this.hostsWork = options.hostsWork !== false;
    this.spreadThreshold = options.spreadThreshold;
    this.groups = new NodeGroups(this.node, this.nodeId);
  }

  /** Queues a request and dispatches what can run. Throws `InvalidArgumentError` for a bad group reference. */
  submit(request: ScheduleRequest<P>): void {
    if (this.queue.has(request.id) || this.held.has(request.id)) {
      throw new Error(`request ${request.id} was submitted twice`);
    }
    this.groups.check(request);
    // Fast path: nothing waits (so nothing is overtaken) and it fits now on this node.
    if (!this.pumping && this.queue.size === 0 && this.isFastPath(request) && !this.groups.hasPending()) {
      const allocation = this.node.tryAllocate(request.demand);
      if (allocation !== undefined) {
        this.granted(request, allocation, this.node, undefined);
        this.deliver();
        return;
      }
    }
    const key = schedulingClassKey(request);
    // Behind a queued request of its class it cannot start before that one, and a
    // longer tail changes nothing for other classes: no dispatch pass needed.
    const behind = this.queue.classSize(key) > 0;
    this.queue.enqueue(key, request);
    if (!behind) this.pump();
  }

  /**
   * Puts requests back at the front of their classes, in order (e.g. tasks a
   * worker handed back unstarted), and dispatches what can run.
   */
  submitFront(requests: ReadonlyArray<ScheduleRequest<P>>): void {
    const byClass = new Map<string, Array<ScheduleRequest<P>>>();
    for (const request of requests) {
      if (this.queue.has(request.id) || this.held.has(request.id)) {
        throw new Error(`request ${request.id} was submitted twice`);
      }
      const key = schedulingClassKey(request);
      let list = byClass.get(key);
      if (list === undefined) byClass.set(key, (list = []));
      list.push(request);
    }
    for (const [key, list] of byClass) this.queue.enqueueFront(key, list);
    this.pump();
  }

  /**
   * Pipelining: the head of the held grant's scheduling class, removed from
   * the queue if `accept` takes it. Nothing is granted: the caller runs it
   * after the grant's current request, under the same resources (`handOver`).
   * Same class means same demand and strategy, so it needs exactly what the
   * grant holds.
   */
  takeNext(grantId: string, accept: (request: ScheduleRequest<P>) => boolean): ScheduleRequest<P> | undefined {
    const held = this.held.get(grantId);
    if (held === undefined || held.pool === undefined) return undefined;
    return this.queue.takeHead(held.classKey, accept);
  }

  /** Requests waiting in the held grant's scheduling class (0 if it is not held). */
  queuedLike(grantId: string): number {
    const held = this.held.get(grantId);
    return held === undefined ? 0 : this.queue.classSize(held.classKey);
  }

  /**
   * Moves what a grant holds to `next` (taken with `takeNext`) when the
   * grant's request ended: no release and re-grant, so availability never
   * shows a gap between pipelined tasks. CPUs lent by the ended request are
   * taken back first. Returns the new grant, or undefined if `grantId` was not held.
   */
  handOver(grantId: string, next: ScheduleRequest<P>): Grant<P> | undefined {
    const held = this.held.get(grantId);
    if (held === undefined) return undefined;
    if (this.queue.has(next.id) || (this.held.has(next.id) && next.id !== grantId)) {
      throw new Error(`request ${next.id} is queued or held already`);
    }
    if (held.lent) {
      held.lent = false;
      held.pool?.reclaimCpu(held.allocation);
    }
    const old = held.grant;
    const grant: Grant<P> = {
      id: next.id,
      request: next,
      nodeId: old.nodeId,
      resources: old.resources,
      gpuIds: old.gpuIds,
      gpuShares: old.gpuShares,
      ...(old.bundle !== undefined ? { bundle: old.bundle } : {}),
    };
    held.grant = grant;
    this.held.delete(grantId);
    this.held.set(next.id, held);
    return grant;
  }

  /** Removes a pending request (also an infeasible one). Undefined if it is not pending. */
  cancel(id: string): ScheduleRequest<P> | undefined {
    return this.queue.remove(id);
  }

  /** Gives back what a grant holds (task finished, failed or was cancelled; actor died). False if unknown. */
  release(grantId: string): boolean {
    const held = this.held.get(grantId);
    if (held === undefined) return false;
    this.held.delete(grantId);
    held.pool?.free(held.allocation, held.lent);
    // Nothing waits for what was freed: no dispatch pass needed.
    if (this.queue.size > 0 || this.groups.hasPending()) this.pump();
    this.events.onResourcesFreed?.();
    return true;
  }

  /** The grant's task is blocked in `ray.get`: lend its CPUs to others until `reclaim`. */
  lend(grantId: string): void {
    const held = this.held.get(grantId);
    if (held === undefined || held.lent) return;
    held.lent = true;
    held.pool?.lendCpu(held.allocation);
    this.pump();
  }

  /** The task is runnable again: take its CPUs back, even if that oversubscribes for a while. */
  reclaim(grantId: string): void {
    const held = this.held.get(grantId);
    if (held === undefined || !held.lent) return;
    held.lent = false;
    held.pool?.reclaimCpu(held.allocation);
  }

  /** New totals for this node (availability moves by the difference); re-evaluates infeasible work. */
  setNodeTotals(totals: ResourceSet, gpuIds?: readonly number[]): void {
    this.node.setTotal(totals, gpuIds);
    this.nodesChanged();
  }

  /** Call when the views from `remoteNodes` changed (a node joined, left or changed totals). */
  nodesChanged(): void {
    this.epoch++;
    this.pump();
  }

  /**
   * Asks to reserve a placement group's bundles (validated with `validateBundles`).
   * `onPlacementGroupReady` fires once they are reserved; until then tasks for the group wait.
   */
  createPlacementGroup(id: string, bundles: readonly ResourceSet[], strategy: PlacementGroupStrategy): void {
    this.groups.create(id, bundles, strategy);
    this.epoch++;
    this.pump();
  }

  /**
   * Phase one of a reservation made across the cluster: reserves these bundles of the group
   * here, all or none (false: nothing is held). The group is known here from now on, pending
   * (requests into it wait) until `commitBundles`. An empty `bundles` only makes it known.
   */
  prepareBundles(id: string, bundleCount: number, bundles: ReadonlyArray<{ readonly bundleIndex: number; readonly resources: ResourceSet }>): boolean {
    const prepared = this.groups.prepare(id, bundleCount, bundles);
    if (prepared && bundles.length > 0) this.epoch++;
    return prepared;
  }

  /** Rolls phase one back: the bundles prepared here are free again; the group stays known and pending. */
  cancelPreparedBundles(id: string): void {
    if (!this.groups.cancelPrepared(id)) return;
    this.nodesChanged();
    this.events.onResourcesFreed?.();
  }

  /**
   * Phase two: the group is ready; bundle i (of resources `bundles[i]`) is held by node
   * `bundleNodes[i]`. Requests waiting for it are dispatched (here, or sent to their bundle's node).
   */
  commitBundles(id: string, bundleNodes: readonly string[], bundles: readonly ResourceSet[]): void {
    this.groups.commit(id, bundleNodes, bundles);
    this.nodesChanged();
  }

  /**
   * Removes a group and frees its bundles. Returns the requests that were waiting
   * for it (now dropped: fail them) and the grants running inside it (kill them;
   * their later `release` is harmless).
   */
  removePlacementGroup(id: string): { pending: Array<ScheduleRequest<P>>; running: Array<Grant<P>> } {
    if (!this.groups.remove(id)) return { pending: [], running: [] };
    const inGroup = (r: ScheduleRequest<P>) => r.placement.kind === "placement-group" && r.placement.placementGroupId === id;
    const pending = this.queue.removeWhere(inGroup);
    const running: Array<Grant<P>> = [];
    for (const held of this.held.values()) {
      if (held.grant.bundle?.placementGroupId === id) {
        held.pool = undefined;
        running.push(held.grant);
      }
    }
    this.epoch++;
    this.pump();
    this.events.onResourcesFreed?.();
    return { pending, running };
  }

  placementGroupState(id: string): "pending" | "ready" | undefined {
    return this.groups.state(id);
  }

  /** This node's totals. */
  total(): ResourceSet {
    return this.node.total();
  }

  /** What is free now on this node (bundle reservations excluded), zero and negative amounts left out as Ray reports. */
  available(): ResourceSet {
    return this.node.available().positive();
  }

  /** Free units of one resource now, without building a set (CPU may be negative while lent CPUs are reclaimed). */
  availableUnits(name: string): bigint {
    return this.node.availableOf(name);
  }

  /** This node as a placement view (what the cluster would broadcast). */
  view(): NodeView {
    return this.node.view(this.nodeId);
  }

  /** Pending requests per scheduling class, with infeasibility (for `tsray status`). */
  pending(): Array<ClassStatus<ScheduleRequest<P>>> {
    return this.queue.status();
  }

  bundles(): ReturnType<BundleLedger["report"]> {
    return this.groups.ledger.report();
  }

  grant(id: string): Grant<P> | undefined {
    return this.held.get(id)?.grant;
  }

  /** Runs dispatch passes until nothing changes, then delivers events. */
  private pump(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        this.placeGroups();
        this.queue.dispatch(
          (request) => this.attempt(request),
          (request, missing, reason) => this.outbox.push(() => this.events.onInfeasible?.(request, missing, reason)),
          this.epoch,
        );
        this.deliver();
      } while (this.again);
    } finally {
      this.pumping = false;
    }
  }

  private deliver(): void {
    if (this.outbox.length === 0) return;
    const events = this.outbox;
    this.outbox = [];
    let failure: { error: unknown } | undefined;
    for (const event of events) {
      try {
        event();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  private placeGroups(): void {
    if (this.groups.place(this.epoch, this.reportGroup)) this.epoch++;
  }

  /** What a dispatch pass's group planning reports (made once: passes run per submit and release). */
  private readonly reportGroup = (placed: GroupPlacement): void => {
    this.outbox.push(
      placed.kind === "ready"
        ? () => this.events.onPlacementGroupReady?.(placed.id)
        : () => this.events.onPlacementGroupInfeasible?.(placed.id, placed.reason),
    );
  };

  private attempt(request: ScheduleRequest<P>): AttemptOutcome {
    // Fast path (one node, default strategy, nothing held differs from what must fit):
    // the policy would pick this node exactly when the demand fits here now.
    if (this.isFastPath(request)) {
      const allocation = this.node.tryAllocate(request.demand);
      if (allocation !== undefined) return this.granted(request, allocation, this.node, undefined);
      // Node GPUs are whole devices, so fitting the totals means it only has to wait.
      if (this.node.total().fits(request.demand)) return { kind: "blocked" };
    }
    const decision = this.decide(request);
    // A SPREAD decision moves the round robin on whether it runs or waits there.
    if ((decision.kind === "run" || decision.kind === "wait") && decision.nextSpreadCursor !== undefined) this.spreadCursor = decision.nextSpreadCursor;
    if (decision.kind === "wait") {
      // Only another node can ever run it: it waits in that node's queue (spillback, as Ray's
      // raylet does), not here, where nothing frees up for it and no pass would run when that
      // node does. A request this node could run one day waits here; one bound to another node
      // (hard affinity, a bundle held there) never can, whatever it fits.
      const target = decision.nodeId;
      const bound = (request.placement.kind === "node-affinity" && !request.placement.soft) || request.placement.kind === "placement-group";
      if (target === undefined || target === this.nodeId || (!bound && this.node.total().fits(request.placementDemand ?? request.demand))) {
        return { kind: "blocked" };
      }
      this.outbox.push(() => this.events.onSpillback?.(request, target));
      return { kind: "taken" };
    }
    if (decision.kind === "infeasible") return decision;
    if (decision.kind === "unschedulable") {
      const fail = this.events.onUnschedulable;
      if (fail === undefined) return { kind: "infeasible", missing: request.demand, reason: decision.reason };
      this.outbox.push(() => fail(request, decision.reason));
      return { kind: "taken" };
    }
    if (decision.nodeId !== this.nodeId) {
      this.outbox.push(() => this.events.onSpillback?.(request, decision.nodeId));
      return { kind: "taken" };
    }
    const bundle =
      decision.bundleIndex !== undefined && request.placement.kind === "placement-group"
        ? { placementGroupId: request.placement.placementGroupId, bundleIndex: decision.bundleIndex }
        : undefined;
    const pool = bundle ? this.groups.ledger.pool(bundle.placementGroupId, bundle.bundleIndex) : this.node;
    const allocation = pool?.tryAllocate(request.demand);
    if (pool === undefined || allocation === undefined) return { kind: "blocked" };
    return this.granted(request, allocation, pool, bundle);
  }

  /** One node, default strategy, nothing to check beyond the demand itself. */
  private isFastPath(request: ScheduleRequest<P>): boolean {
    return request.placement.kind === "default" && request.placementDemand === undefined && !this.hasRemoteNodes && this.hostsWork;
  }

  private granted(
    request: ScheduleRequest<P>,
    allocation: Allocation,
    pool: ResourcePool,
    bundle: { readonly placementGroupId: string; readonly bundleIndex: number } | undefined,
  ): AttemptOutcome {
    const gpuIds = allocation.gpus.length === 0 ? NO_GPUS : [...new Set(allocation.gpus.map((s) => s.id))].sort((a, b) => a - b);
    const grant: Grant<P> = {
      id: request.id,
      request,
      nodeId: this.nodeId,
      resources: allocation.resources,
      gpuIds,
      gpuShares: allocation.gpus,
      ...(bundle ? { bundle } : {}),
    };
    this.held.set(request.id, { grant, classKey: schedulingClassKey(request), allocation, pool, lent: false });
    this.outbox.push(() => this.events.onDispatch(request, grant));
    return { kind: "taken" };
  }

  private decide(request: ScheduleRequest<P>): PlacementDecision {
    const nodes = this.hostsWork ? [this.view(), ...this.remoteNodes()] : this.remoteNodes();
    return decidePlacement(request.placementDemand ?? request.demand, request.placement, nodes, {
      localNodeId: this.nodeId,
      spreadCursor: this.spreadCursor,
      ...(this.spreadThreshold !== undefined ? { spreadThreshold: this.spreadThreshold } : {}),
      group: (id) => this.groupView(id),
    });
  }

  private groupView(id: string): GroupView | undefined {
    return this.groups.view(id);
  }
}
