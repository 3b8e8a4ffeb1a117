// Two "hosts" on one machine: network namespaces joined by a veth pair, each with an address of its
// own. A head in one binds its non-loopback address (so it needs a token), a worker node in the
// other joins it over that link. Needs root and `ip netns` (CI runs as root); otherwise skipped,
// saying why.
import { execFileSync } from "node:child_process";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { TestCluster } from "./tsray-cli.js";

const id = process.pid % 10_000;
const nsA = `tsray-a-${id}`;
const nsB = `tsray-b-${id}`;
const subnet = `10.231.${process.pid % 250}`;
const ipA = `${subnet}.1`;
const ipB = `${subnet}.2`;
const TOKEN = "netns-token";

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });

function makeHosts(): string | undefined {
  if (process.getuid?.() !== 0) return "not root";
  try {
    ip("netns", "add", nsA);
    ip("netns", "add", nsB);
    ip("link", "add", `veth-a-${id}`, "type", "veth", "peer", "name", `veth-b-${id}`);
    ip("link", "set", `veth-a-${id}`, "netns", nsA);
    ip("link", "set", `veth-b-${id}`, "netns", nsB);
    ip("-n", nsA, "addr", "add", `${ipA}/24`, "dev", `veth-a-${id}`);
    ip("-n", nsB, "addr", "add", `${ipB}/24`, "dev", `veth-b-${id}`);
    for (const [ns, dev] of [[nsA, `veth-a-${id}`], [nsB, `veth-b-${id}`]] as const) {
      ip("-n", ns, "link", "set", dev, "up");
      ip("-n", ns, "link", "set", "lo", "up");
    }
    return undefined;
  } catch (e) {
    removeHosts();
    return `ip netns failed: ${(e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message}`;
  }
}

function removeHosts(): void {
  for (const ns of [nsA, nsB]) {
    try {
      ip("netns", "del", ns); // takes its end of the veth pair, and so the pair, with it
    } catch {
      // not made
    }
  }
}

const inA = ["ip", "netns", "exec", nsA];
const inB = ["ip", "netns", "exec", nsB];

const t = suite("nodes on two hosts (network namespaces)");
const skipped = makeHosts();

if (skipped !== undefined) {
  t("skipped", () => console.log(`  skipped: cannot make network namespaces here (${skipped})`));
} else {
  const cluster = new TestCluster();
  t.after(async () => {
    await cluster.cleanup();
    removeHosts();
  });

  t("a head bound to its own address refuses to start without a token", async () => {
    const r = await cluster.run(["start", "--head", "--host", ipA, "--port", "6390"], inA);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, /without a token/);
  });

  t("a worker node on the other host joins the head with the token; a wrong token is refused", async () => {
    const head = await cluster.start(["--head", "--host", ipA, "--port", "6390", "--num-cpus", "1", "--token", TOKEN], inA);
    assert.is(head.url, `ws://${ipA}:6390`);
    const refused = await cluster.run(["start", "--address", head.url, "--host", ipB, "--num-cpus", "1", "--token", "wrong"], inB);
    assert.is(refused.code, 1);
    assert.match(refused.stderr + refused.stdout, /refused this node's token/);
    const worker = await cluster.start(["--address", head.url, "--host", ipB, "--num-cpus", "1", "--token", TOKEN], inB);
    assert.match(worker.url, new RegExp(`^ws://${ipB.replace(/\./g, "\\.")}:\\d+$`));
    // Asked from host B, across the link.
    const status = await cluster.run(["status", "--address", head.url, "--token", TOKEN, "--json"], inB);
    assert.is(status.code, 0, status.stderr);
    const nodes = (JSON.parse(status.stdout) as { nodes: Array<{ nodeId: string; address: string; alive: boolean }> }).nodes;
    assert.equal(nodes.map((n) => [n.nodeId, n.address, n.alive]), [
      [head.nodeId, head.url, true],
      [worker.nodeId, worker.url, true],
    ]);
  });
}

t.run();
