// Import rules checked by `npm test` (dependency-cruiser; type-only imports count too).
// The runtime's folders are layers: a folder may import its own layer and the ones below,
// never one above. The thread side (code that runs in worker threads) imports nothing of the
// driver side (node, owner, driver, object-store, cluster). See docs/architecture.md, "Layers".
const RUNTIME = "^runtime/src/";
// Lowest first. Folders on one rank may not import each other unless listed in `sameRank`.
const layers = [
  ["common"],
  ["scheduler"],
  ["api"],
  // util: utilities built on the public API alone (ActorPool, Queue, progress), as Ray's ray.util.
  ["util"],
  ["codec", "protocol"],
  // Implementations of protocol/connection.ts (thread ports, process IPC, in-memory pairs).
  ["transport"],
  // cluster: the cluster state (Ray's GCS) and its client; owner and node use it, it uses neither.
  ["object-store", "cluster"],
  ["thread", "node"],
  ["owner"],
  ["driver"],
  // node-process: a node as a process of its own (`tsray start`), built from driver's wiring.
  ["node-process"],
  ["internal"],
];
const rankOf = new Map(layers.flatMap((names, rank) => names.map((n) => [n, rank])));
const forbidden = [
  { name: "no-circular", comment: "Import cycles make the layers meaningless and load order fragile.", severity: "error", from: {}, to: { circular: true } },
  {
    name: "thread-imports-no-driver-side",
    comment: "Worker threads load only their own side (protocol, codec, api, common, scheduler types).",
    severity: "error",
    from: { path: `${RUNTIME}thread/` },
    to: { path: `${RUNTIME}(node|owner|driver|object-store|cluster|internal)/` },
  },
  {
    name: "nothing-imports-the-package-entry",
    comment: "index.ts is the public entry point: inside the runtime, import the module itself.",
    severity: "error",
    from: { path: RUNTIME, pathNot: `${RUNTIME}index\\.ts$` },
    to: { path: `${RUNTIME}index\\.ts$` },
  },
];
for (const [folder, rank] of rankOf) {
  const above = [...rankOf].filter(([other, r]) => other !== folder && r >= rank).map(([other]) => other);
  if (above.length === 0) continue;
  forbidden.push({
    name: `layer-${folder}`,
    comment: `runtime/src/${folder} may import only the layers below it (and its own folder).`,
    severity: "error",
    from: { path: `${RUNTIME}${folder}/` },
    to: { path: `${RUNTIME}(${above.join("|")})/` },
  });
}
module.exports = {
  forbidden,
  options: {
    tsConfig: { fileName: "tsconfig.base.json" },
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)dist/" },
  },
};
