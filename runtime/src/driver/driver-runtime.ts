/**
 * The embedded local runtime of the driver thread: builds the node's parts
 * (object store, node scheduler, task manager, actor manager, worker pool), wires
 * their events to each other, and serves the public API (`Core`); what worker
 * threads send is served by thread-requests.ts, further in-process nodes are
 * made by in-process-node.ts. Loaded by `ray.init()` only, so worker threads
 * never load driver code.
 */
import { decodeNowOrLoading } from "../common/serializable-classes.js";
import { availableParallelism } from "node:os";
import { ActorManager } from "../owner/actor-manager.js";
import { actorRoute, foreignActorCalls } from "./actor-routes.js";
import type { ForeignActorCalls } from "../owner/foreign-actor-calls.js";
import { Codec, fromWireError } from "../codec/index.js";
import "../codec/native-strings.js";
import type { RuntimeContext } from "../common/context.js";
import type { Core, NodeInfo, PlacementGroupTableEntry } from "../api/core.js";
import type { ActorDescriptor, ActorSpecOptions, NamedActor, RemoteClassInfo, SchedulingOptions, Streaming, TaskCall, WireError } from "../common/task-spec.js";
import { InvalidArgumentError, ObjectFreedError, OwnerDiedError, TsrayError } from "../common/errors.js";
import { IdGenerator, driverIdPrefix, ownerOf, returnId } from "../common/ids.js";
import { ObjectRef, refsFor } from "../api/object-ref.js";
import { MemoryStore } from "../object-store/memory-store.js";
import { SlabPool, type SlabPoolStatus } from "../object-store/slab-pool.js";
import { ThreadSlabPins } from "../object-store/thread-slab-pins.js";
import { ReferenceCounter } from "../common/reference-counter.js";
import { ActorHolds } from "../owner/actor-holds.js";
import { waitFor } from "../object-store/wait-request.js";
import { actorCreation } from "../api/actor-creation.js";
import { compactCodec, encodeArgs } from "../protocol/encoded-values.js";
import { TaskManager } from "../owner/task-manager.js";
import { GeneratorStreams } from "../owner/generator-streams.js";
import { LocalScheduler } from "../scheduler/local-scheduler.js";
import type { PlacementGroupStrategy } from "../scheduler/bundle-planner.js";
import { InfeasibleWarnings } from "./infeasible-warnings.js";
import { createWireHooks } from "../codec/wire-hooks.js";
import { type ToWorker, type TsrayWorkerData } from "../protocol/thread-messages.js";
import { WorkerClient, type WorkerClientEvents } from "../node/worker-client.js";
import { ThreadStartPacer } from "../node/thread-start-pacer.js";
import { WorkerPool } from "../node/worker-pool.js";
import { LocalNodeClient } from "../node/local-node-client.js";
import type { NodeClient } from "../node/node-client.js";
import { newDriverIdentity, threadData, type DriverIdentity } from "../node/prestart.js";
import { ClusterState } from "../cluster/cluster-state.js";
import type { ClusterStateClient } from "../cluster/cluster-state-client.js";
import { InProcessClusterStateClient } from "../cluster/in-process-cluster-state-client.js";
import { clusterAvailable, clusterTotals, nodeInfos, registerOwnNode } from "./cluster-membership.js";
import { KeepAlive } from "./keep-alive.js";
import { ThreadRequests } from "./thread-requests.js";
import { startInProcessNode, type InProcessNode, type PeerNodeEvents } from "./in-process-node.js";
import { actorWorkerStarter } from "./actor-workers.js";
import { DriverPlacementGroups } from "./driver-placement-groups.js";
import type { ActorWorkerStarter } from "../node/local-node-client.js";
import { ClusterObjects } from "./cluster-objects.js";
import { RemoteNodes, type NodeViews } from "./remote-nodes.js";
import { OwnerNetwork } from "./owner-network.js";
import { NodeService } from "../node/node-service.js";
import { RemoteClusterStateClient } from "../cluster/remote-cluster-state-client.js";
import { ownerGone } from "./earlier-session.js";
import { userFramesFirst } from "../common/user-frames-first.js";
import type { DriverOptions } from "./driver-options.js";

const callerId = "driver";

export class DriverRuntime implements Core {
  private readonly identity: DriverIdentity;
  readonly nodeId: string;
  readonly jobId: string;
  private readonly session: number;
  private readonly ids: IdGenerator;
  /** Large objects `put` here live in reused shared memory; readers get views of it (slab-pool.ts). */
  private readonly slabs = new SlabPool();
  private readonly slabPins = new ThreadSlabPins(this.slabs);
  /** With other nodes: each node's object store and the transfers between them (cluster-objects.ts; tests read its stats). */
  readonly objects: ClusterObjects | undefined;
  private readonly store: MemoryStore;
  private readonly refs = new ReferenceCounter((id) => this.store.delete(id));
  /** Values of the streaming generators called here or in workers (owner/generator-streams.ts). */
  readonly generators: GeneratorStreams;
  /** Actor reference counting: what holds each actor in this process, and this process's borrows elsewhere (owner/actor-holds.ts). */
  readonly holds: ActorHolds;
  private readonly hooks = createWireHooks({
    encodedRef: (id) => this.refs.escape(id),
    encodedHandle: (actorId) => this.holds.encoded(actorId),
    decodedHandle: (handle, actorId) => this.holds.instance(handle, actorId),
  });
  private readonly codec = compactCodec(new Codec(this.hooks), this.slabs);
  /** For `put`: a large frame is written straight into a slab (task arguments still get their own buffer, which moves to the worker). */
  private readonly putCodec = compactCodec(new Codec(this.hooks, { allocate: (n) => this.slabs.allocate(n) }), this.slabs);
  /** Every message to a worker: slabs it shares with a thread are pinned; a child process gets copies. */
  private readonly pinSlabsFor = (c: WorkerClient, m: ToWorker): ToWorker => this.slabPins.posting(c, c.gpuIds === undefined, m);
  /** A worker thread or process ended: its slab views and its actor borrows are let go. */
  private readonly threadGone = (c: WorkerClient): void => (this.slabPins.threadGone(c), this.holds.holderGone(c));
  private readonly scheduler: LocalScheduler<unknown>;
  private readonly tasks: TaskManager;
  /** The owner's client of this node: task leases and runs go through it (node/node-client.ts). */
  private readonly node: LocalNodeClient;
  /** The nodes of a ws cluster this driver joined (node processes), leased through the node protocol. */
  private readonly remote: RemoteNodes | undefined;
  /** On a ws cluster: refs asked of their owners in other processes, this runtime's answered, pulls from any node (owner-network.ts). */
  private readonly owners: OwnerNetwork | undefined;
  /** A node process's: serves owners in other processes (node/node-service.ts). */
  readonly nodeService: NodeService | undefined;
  /** The other nodes of an in-process cluster (none on a single node). */
  private readonly peers: readonly InProcessNode[];
  /** Placement groups: records in the cluster state, reservations on the nodes (driver-placement-groups.ts). */
  private readonly groups: DriverPlacementGroups;
  /**
   * Named actors and placement-group records live in the cluster state (one source of truth);
   * the scheduler keeps only this node's bundle reservations.
   */
  private readonly cluster: ClusterStateClient;
  private readonly infeasible = new InfeasibleWarnings();
  private readonly actors: ActorManager;
  private readonly foreign: ForeignActorCalls; // calls to actors other processes own (ray.cancel reaches them here)
  private readonly pool: WorkerPool;
  /** Starts actor threads one per event-loop turn, at most one booting per core (see thread-start-pacer.ts). */
  private readonly threadStarts = new ThreadStartPacer(Math.max(1, availableParallelism()));
  private threadCounter: number;
  private closed = false;
  /** Holds the process open while work is in flight, and only then (keep-alive.ts). */
  private readonly keepAlive = new KeepAlive();
  /** Serves what worker threads and processes send (thread-requests.ts). */
  private readonly threads: ThreadRequests;
  private readonly actorWorkers: (identity: DriverIdentity) => ActorWorkerStarter;

  constructor(private readonly options: DriverOptions) {
    this.identity = options.identity ?? newDriverIdentity();
    this.nodeId = this.identity.nodeId;
    this.jobId = this.identity.jobId;
    this.session = this.identity.session;
    this.ids = new IdGenerator(driverIdPrefix(this.jobId, this.session));
    this.threadCounter = options.prestarted?.length ?? 0;
    const otherProcesses = { owns: (id: string) => ownerOf(id)?.jobId === this.jobId, free: (ids: readonly string[]) => this.remote?.freeObjects(ids) };
    this.objects = options.inProcessNodes?.length || options.network !== undefined ? new ClusterObjects(undefined, otherProcesses) : undefined;
    this.store = new MemoryStore(this.slabs, (id) => ownerGone(id, this.session), this.objects);
    this.generators = new GeneratorStreams(this.store, this.refs, (id) => this.holds.objectDeleted(id));
    this.holds = new ActorHolds({ jobId: this.jobId, store: this.store, outOfScope: (id) => this.actors.outOfScope(id), owners: () => this.owners?.links });
    this.store.onDelete((id) => this.holds.objectDeleted(id));
    this.cluster = options.cluster ?? new InProcessClusterStateClient(new ClusterState());
    if (options.registerNode !== false) this.tell(registerOwnNode(this.cluster, this.nodeId, { ...options, jobId: this.jobId }, () => this.scheduler, () => this.objects?.stores.get(this.nodeId)?.stats()));
    this.store.onBusyChange((busy) => this.keepAlive.storeBusyChanged(busy));
    const peerTotals = options.inProcessNodes ?? [];
    const multiNode = peerTotals.length > 0;
    const join = options.network?.join;
    const joined: NodeViews | undefined = join?.views ?? (join !== undefined && this.cluster instanceof RemoteClusterStateClient ? this.cluster : undefined);
    this.scheduler = new LocalScheduler<unknown>({
      nodeId: this.nodeId,
      // Only with other nodes: a single node's scheduler keeps its fast path.
      ...(multiNode ? { remoteNodes: () => this.peers.map((p) => p.client.resourceView()) } : {}),
      ...(joined !== undefined ? { remoteNodes: () => this.remote!.views() } : {}),
      totals: options.node.totals,
      hostsWork: options.registerNode !== false,
      ...(options.node.gpuIds !== undefined ? { gpuIds: options.node.gpuIds } : {}),
      events: {
        // Task and actor lease requests: the node client serves both.
        onDispatch: (request, grant) => this.node.granted(request, grant),
        onInfeasible: (request, missing, reason) => this.infeasible.warn(request, missing, reason),
        onSpillback: (request, nodeId) => this.node.spilledBack(request, nodeId),
        onUnschedulable: (request, reason) => this.node.unschedulable(request, reason),
        onPlacementGroupReady: (id) => this.groups.reserved(id),
        onPlacementGroupInfeasible: (id, reason) => this.groups.infeasible(id, reason),
        ...(multiNode || joined !== undefined ? { onResourcesFreed: () => this.groups.resourcesFreed() } : {}),
      },
    });
    // The user's frames first in a task's error (common/user-frames-first.ts).
    const rebuildError = (w: WireError): Error => userFramesFirst(fromWireError(w as Parameters<typeof fromWireError>[0]));
    const processes = options.gpuWorkers === "process";
    this.owners = options.network && new OwnerNetwork({ jobId: this.jobId, nodeId: this.nodeId, store: this.store, cluster: this.cluster, token: join?.token, objects: this.objects!, remote: () => this.remote, serves: options.network.serve === true, actors: this.holds });
    const objects = this.objects?.addDriverNode(this.nodeId, this.store, this.owners?.reach);
    const limits = { heapMb: options.workerHeapMb };
    // An actor's thread on another node names that node (its gets pull there); a guest actor's answers its owner (node-actor-service.ts).
    const actorEvents = (node: string | undefined): WorkerClientEvents => ({
      onMessage: (c, m) => (this.nodeService?.actors.workerMessage(c, m) === true ? undefined : this.threads.route(c, undefined, m, node)),
      onExit: (c, code, error) => {
        this.threadGone(c);
        if (this.nodeService?.actors.workerExited(c, code, error) !== true && !this.closed) this.actors.onWorkerExit(c, code, error);
      },
      onPost: this.pinSlabsFor,
    });
    // How this process's nodes start actor workers (actor-workers.ts), with each node's identity.
    this.actorWorkers = (identity) =>
      actorWorkerStarter({
        events: actorEvents(identity.nodeId === this.nodeId ? undefined : identity.nodeId),
        threadData: (actorId) => threadData(identity, options.namespace, ++this.threadCounter, actorId),
        threadStarts: this.threadStarts,
        processes,
        limits,
      });
    this.node = new LocalNodeClient({
      scheduler: this.scheduler,
      pool: () => this.pool,
      gpuProcesses: processes,
      actorWorkers: this.actorWorkers(this.identity),
      ...(objects && { objects }),
    });
    const nodeById = (id: string): NodeClient | undefined =>
      id === this.nodeId ? this.node : (this.peers.find((p) => p.identity.nodeId === id)?.client ?? this.remote?.byId(id));
    this.tasks = new TaskManager({ store: this.store, node: this.node, rebuildError, nodeById, streamStarted: this.generators.started });
    this.actors = new ActorManager({
      store: this.store,
      node: this.node,
      nodeById,
      rebuildError,
      cluster: this.cluster,
      streamStarted: this.generators.started,
      foreign: (this.foreign = foreignActorCalls(this.store, this.cluster, rebuildError, (id) => actorRoute(id, this.nodeId, this.actors, this.remote, this.nodeService, this.generators))),
      cancelledCallEnded: this.tasks.cancelledCallEnded,
      ended: (id) => this.holds.actorEnded(id),
    });
    // Before the pool: prestarted threads may have messages waiting that the pool hands on at once.
    this.threads = new ThreadRequests({
      nodeId: this.nodeId,
      jobId: this.jobId,
      tasks: this.tasks,
      actors: this.actors,
      store: this.store,
      slabPins: this.slabPins,
      core: this,
      streams: this.generators,
      holds: this.holds,
      guests: { onBlocked: (id) => this.nodeService?.onBlocked(id), onUnblocked: (id) => this.nodeService?.onUnblocked(id) },
    });
    const cpus = Number(options.node.totals.toJSON()["CPU"] ?? 0);
    this.pool = new WorkerPool(
      Math.max(1, Math.ceil(cpus)),
      () => this.workerData(undefined),
      {
        onMessage: (w, m) =>
          // A task of an owner in another process (node-service.ts) is answered to it, and its log lines go to it.
          ((m.t === "done" || m.t === "failed" || m.t === "genItem") && this.nodeService?.taskMessage(w, m) === true) ||
          (m.t === "log" && this.nodeService?.forwardLog(w, m) === true)
            ? undefined
            : this.threads.route(w.client, w, m),
        onExit: (w, code, error) => {
          this.threadGone(w.client);
          if (!this.closed) this.node.workerExited(w, code, error);
        },
        onPost: this.pinSlabsFor,
      },
      options.prestarted,
      limits,
    );
    const peerEvents: PeerNodeEvents = {
      threadData: (identity) => threadData(identity, this.options.namespace, ++this.threadCounter, undefined),
      onMessage: (w, m, node) => this.threads.route(w.client, w, m, node),
      onThreadGone: (client) => this.threadGone(client),
      closed: () => this.closed,
      onPost: this.pinSlabsFor,
      owner: this.tasks,
      actorOwner: this.actors,
      actorWorkers: (identity) => this.actorWorkers(identity),
      onResourcesFreed: () => this.groups.resourcesFreed(),
      register: (node) => this.tell(this.cluster.registerNode(node)),
      onDone: (w, taskId, results) => this.tasks.onDone(w, taskId, results),
      onItem: (w, taskId, index, value) => this.generators.onItem(w.client, taskId, index, value),
      objects: this.objects!, // made whenever there are peers to start
    };
    if (joined !== undefined) {
      this.remote = new RemoteNodes({
        cluster: joined,
        ownNodeId: this.nodeId,
        token: join!.token,
        owner: this.tasks,
        actorOwner: this.actors,
        objects: this.objects!,
        items: this.generators,
        changed: () => this.scheduler.nodesChanged(),
        connected: this.owners?.linkTo,
        handles: this.holds,
      });
      joined.onViewChange = () => (this.scheduler.nodesChanged(), this.owners?.nodesChanged(), this.groups.resourcesFreed());
    }
    if (options.network?.serve === true) {
      const store = this.objects!.stores.get(this.nodeId)!;
      this.nodeService = new NodeService({
        node: this.node,
        objects: store,
        functionNumber: (fn) => this.tasks.functionNumber(fn),
        keepLarge: (taskId, results) => this.objects!.keepLarge(store, taskId, results),
        keepValue: (objectId, bytes) => this.objects!.keepLargeOne(store, objectId, bytes),
        log: (line) => process.stderr.write(`tsray: ${line}\n`),
        reportActorDead: (actorId) => this.tell(this.cluster.updateActorState(actorId, { state: "DEAD" })),
        ownerLink: this.owners?.accept,
        handles: this.holds,
        ownActor: (id) => this.actors.localWorker(id),
      });
    }
    this.peers = peerTotals.map((totals) => startInProcessNode(this.identity, totals, processes, limits, peerEvents));
    this.groups = new DriverPlacementGroups({
      cluster: this.cluster,
      node: this.node,
      scheduler: this.scheduler,
      clusterNodes: multiNode ? () => [this.node, ...this.peers.map((p) => p.client)] : joined !== undefined ? () => [this.node, ...this.remote!.liveClients()] : undefined,
      keepAlive: this.keepAlive,
      tell: (report) => this.tell(report),
    });
  }

  // ------------------------------------------------------------ Core (the driver's own calls)

  /** The driver's task and actor arguments; a top-level ref of an earlier session is refused at once (nothing is submitted). */
  private encodeArgs(args: readonly unknown[], name: string): ReturnType<typeof encodeArgs> {
    const encoded = encodeArgs(this.codec, args, name);
    const ids = encoded.refIds ?? [];
    for (let k = 0; k < ids.length; k++) {
      const gone = ownerGone(ids[k]!, this.session);
      if (gone !== undefined) throw new OwnerDiedError(ids[k]!, `Argument ${encoded.refIdx![k]} of ${name}: ${gone.message}`);
    }
    return encoded;
  }

  // Handles written into arguments or a put value hold their actors until the call settles, the actor ends, the object is deleted.
  submitTask(call: TaskCall, args: readonly unknown[]): ObjectRef | ObjectRef[] {
    this.groups.check(call.demand, call.name);
    const { value: encoded, actors } = this.holds.collect(() => this.encodeArgs(args, call.name));
    const taskId = this.ids.next();
    this.tasks.submit(taskId, call, encoded, undefined);
    if (actors !== undefined) this.holds.hold(actors, { k: "settled", id: returnId(taskId, call.numReturns, 0) });
    return this.refs.trackAll(refsFor(taskId, call.numReturns));
  }

  createActor(cls: RemoteClassInfo, args: readonly unknown[], o: ActorSpecOptions): ActorDescriptor {
    this.groups.check(o.demand, cls.className);
    const { value: encoded, actors } = this.holds.collect(() => this.encodeArgs(args, `${cls.className}.constructor`));
    const created = this.actors.create(actorCreation(this.ids.next(), cls, encoded, o, this.options.namespace));
    if (actors !== undefined) this.holds.hold(actors, { k: "actorEnds", actorId: created.actorId });
    return created;
  }

  /** The handle `Cls.remote()` made for an unnamed, non-detached actor created here: counted until collected. */
  readonly trackActorHandle = (handle: object, actor: ActorDescriptor): void => (this.holds.own(actor.actorId), this.holds.instance(handle, actor.actorId));

  submitActorTask(actor: ActorDescriptor, method: string, args: readonly unknown[], numReturns: number, name: string, streaming?: Streaming, group?: string): ObjectRef | ObjectRef[] {
    const { value: encoded, actors } = this.holds.collect(() => this.encodeArgs(args, name));
    const taskId = this.ids.next();
    this.actors.submitCall({ taskId, actorId: actor.actorId, method, name, args: encoded, numReturns, streaming, callerId, group });
    if (actors !== undefined) this.holds.hold(actors, { k: "settled", id: returnId(taskId, numReturns, 0) });
    return this.refs.trackAll(refsFor(taskId, numReturns));
  }

  put(value: unknown): ObjectRef {
    const id = this.ids.next();
    const { value: bytes, actors } = this.holds.collect(() => this.putCodec.encode(value, "the value given to ray.put"));
    this.store.putBytes(id, bytes);
    if (actors !== undefined) this.holds.hold(actors, { k: "deleted", ids: [id] });
    const ref = new ObjectRef(id);
    this.refs.track(ref, id);
    return ref;
  }

  getOne(ref: ObjectRef, timeoutS: number | undefined): Promise<unknown> {
    const due = this.slabs.finalizersDue();
    if (due !== undefined) return due.then(() => this.getOne(ref, timeoutS));
    const settled = this.store.peek(ref.id);
    if (settled instanceof Error) return Promise.reject(settled);
    // Held on another node (an `ObjectLocation`): pulled here by the store's get below.
    if (settled instanceof Uint8Array) {
      try {
        return Promise.resolve(decodeNowOrLoading(() => this.codec.decode(settled)));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.store.getOne(ref.id, timeoutS).then((b) => decodeNowOrLoading(() => this.codec.decode(b)));
  }

  get(refs: readonly ObjectRef[], timeoutS: number | undefined): Promise<unknown[]> {
    const due = this.slabs.finalizersDue();
    if (due !== undefined) return due.then(() => this.get(refs, timeoutS));
    return this.store.getMany(refs.map((r) => r.id), timeoutS).then((list) => decodeNowOrLoading(() => list.map((b) => this.codec.decode(b))));
  }

  slabStatus(): SlabPoolStatus {
    return this.slabs.status();
  }

  wait(refs: readonly ObjectRef[], numReturns: number, timeoutS: number | undefined): Promise<readonly boolean[]> {
    const due = this.slabs.finalizersDue();
    if (due !== undefined) return due.then(() => this.wait(refs, numReturns, timeoutS));
    return waitFor(this.store, refs.map((r) => r.id), numReturns, timeoutS);
  }

  cancel(ref: ObjectRef, force: boolean, recursive: boolean): void {
    const gone = ownerGone(ref.id, this.session);
    if (gone !== undefined) throw new InvalidArgumentError(`ray.cancel(): ${gone.message}`);
    if (this.tasks.owns(ref.id)) return this.tasks.cancel(ref.id, force, recursive);
    this.tasks.cancelChildrenOf(this.actors.cancelCall(ref.id, force), force, recursive);
    this.foreign.cancel(ref.id, force); // not found (an owned call's ref, or none): nothing
  }

  free(ids: readonly string[]): void {
    for (const id of ids) this.store.free(id, new ObjectFreedError(id, `Object ${id} was freed with ray.free(); compute or put it again.`));
  }

  kill(actor: ActorDescriptor, noRestart: boolean): void {
    this.actors.kill(actor.actorId, noRestart);
  }

  exitActor(): void {
    throw new InvalidArgumentError("ray.exitActor() can only be called inside an actor's method or constructor; the driver is not an actor.");
  }

  getActor(name: string, namespace: string | undefined): Promise<ActorDescriptor> {
    return this.actors.lookup(name, namespace ?? this.options.namespace);
  }

  listNamedActors(namespace: string | undefined): Promise<ReadonlyArray<NamedActor>> {
    return this.cluster.listNamedActors(namespace);
  }

  runtimeContext(): RuntimeContext {
    return { jobId: this.jobId, nodeId: this.nodeId, workerId: callerId, namespace: this.options.namespace };
  }

  gpuIds(): number[] {
    return [];
  }

  clusterResources(): Record<string, number> {
    return clusterTotals(this.cluster, this.scheduler.total().toJSON());
  }

  availableResources(): Record<string, number> {
    return clusterAvailable(this.cluster, this.nodeId, this.scheduler.available().toJSON());
  }

  nodes(): NodeInfo[] {
    return nodeInfos(this.cluster);
  }

  createPlacementGroup(id: string, bundles: ReadonlyArray<Record<string, number>>, strategy: PlacementGroupStrategy, name: string | undefined): void {
    this.groups.create(id, bundles, strategy, name);
  }

  placementGroupReady(id: string): Promise<void> {
    return this.groups.ready(id);
  }

  removePlacementGroup(id: string): void {
    this.groups.remove(id);
  }

  placementGroupTable(): Record<string, PlacementGroupTableEntry> {
    return this.groups.table();
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pending = () => new TsrayError("TSRAY_RUNTIME", "ray.shutdown() was called while this was still pending.");
    this.store.close(pending());
    this.objects?.close();
    this.remote?.close();
    this.owners?.links.close("the runtime shut down");
    // The actor manager reports its actors dead (freeing their names) before its first await,
    // and the node leaves the node table; only then is the client closed, which rejects
    // pending `pg.ready()` calls.
    const stopped = Promise.all([this.pool.terminateAll(), this.actors.shutdown(), ...this.peers.map((p) => p.pool.terminateAll())]);
    this.tell(this.cluster.unregisterNode(this.nodeId));
    for (const p of this.peers) this.tell(this.cluster.unregisterNode(p.identity.nodeId));
    this.cluster.close(pending());
    // Workers are unref'd: the process stays alive until they are gone and `shutdown()` resolves.
    await this.keepAlive.during(stopped);
    this.keepAlive.close();
  }

  // ------------------------------------------------------------ scheduling

  /** One-way reports to the cluster state: their answer carries nothing to act on. */
  private tell(report: Promise<unknown>): void {
    report.then(undefined, (error: unknown) => this.clusterUnreachable(error));
  }

  private clusterUnreachable(error: unknown): void {
    // After shutdown the client is closed on purpose.
    if (this.closed) return;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`tsray: warning: the cluster state did not take an update (${message}).\n`);
  }

  // ------------------------------------------------------------ worker threads

  private workerData(actorId: string | undefined): TsrayWorkerData {
    return threadData(this.identity, this.options.namespace, ++this.threadCounter, actorId);
  }
}
