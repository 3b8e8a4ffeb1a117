/**
 * The node end of placement-group bundle messages (node-messages.ts `BundlesToNode`, issue 11):
 * each is the one call to this node's `LocalNodeClient` it stands for (its scheduler reserves,
 * commits, rolls back or removes the group), answered with one `bundlesDone`.
 */
import { ResourceSet } from "../scheduler/resource-set.js";
import type { NodeClient } from "./node-client.js";
import { unreachableNode, type BundlesToNode, type FromNode } from "./node-messages.js";

export function serveBundles(node: NodeClient, m: BundlesToNode, reply: (m: FromNode) => void): void {
  const answer = (done: Promise<boolean | void>): void => {
    done.then(
      (ok) => reply({ t: "bundlesDone", reqId: m.reqId, ok: ok !== false }),
      () => reply({ t: "bundlesDone", reqId: m.reqId, ok: false }),
    );
  };
  const id = m.placementGroupId;
  switch (m.t) {
    case "prepareBundles": {
      const bundles = m.bundles.map((b) => ({ bundleIndex: b.bundleIndex, resources: ResourceSet.of(b.resources, `bundle ${b.bundleIndex} of ${id}`) }));
      return answer(node.prepareBundles({ placementGroupId: id, bundleCount: m.bundleCount, bundles }));
    }
    case "commitBundles":
      return answer(node.commitBundles({ placementGroupId: id, bundleNodes: m.bundleNodes, bundles: m.bundles.map((b, i) => ResourceSet.of(b, `bundle ${i} of ${id}`)) }));
    case "cancelBundles":
      return answer(node.cancelBundles(id));
    case "returnBundles":
      return answer(node.returnBundles(id));
    default:
      return unreachableNode(m);
  }
}

const kinds: ReadonlySet<string> = new Set<BundlesToNode["t"]>(["prepareBundles", "commitBundles", "cancelBundles", "returnBundles"]);

export function isBundlesToNode(m: { readonly t: string }): m is BundlesToNode {
  return kinds.has(m.t);
}
