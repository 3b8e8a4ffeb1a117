/**
 * The node end of placement-group bundle messages (node-messages.ts `BundlesToNode`, issue 11):
 * each is the one call to this node's `LocalNodeClient` it stands for (its scheduler reserves,
 * commits, rolls back or removes the group), answered with one `bundlesDone`.
 *
 * `BundlesByOwner` remembers which groups each owner holds bundles of here, so that a group ends
 * with its owner (Ray's groups are job-scoped): when the owner's connection closes, its prepared
 * bundles are rolled back and its committed ones returned.
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

/** The groups each owner (its connection) holds bundles of on this node, and how far each got. */
export class BundlesByOwner<Owner> {
  private readonly owners = new Map<Owner, Map<string, "prepared" | "committed">>();

  constructor(private readonly node: NodeClient) {}

  serve(owner: Owner, m: BundlesToNode, reply: (m: FromNode) => void): void {
    let groups = this.owners.get(owner);
    if (m.t === "prepareBundles" || m.t === "commitBundles") {
      if (groups === undefined) this.owners.set(owner, (groups = new Map()));
      groups.set(m.placementGroupId, m.t === "commitBundles" ? "committed" : "prepared");
    } else if (groups !== undefined) {
      groups.delete(m.placementGroupId);
      if (groups.size === 0) this.owners.delete(owner);
    }
    serveBundles(this.node, m, reply);
  }

  /** The owner is gone: what it reserved here is released (nothing answers it any more). */
  ownerGone(owner: Owner): void {
    const groups = this.owners.get(owner);
    if (groups === undefined) return;
    this.owners.delete(owner);
    for (const [id, phase] of groups) {
      const released = phase === "committed" ? this.node.returnBundles(id) : this.node.cancelBundles(id);
      void Promise.resolve(released).catch(() => undefined);
    }
  }
}
