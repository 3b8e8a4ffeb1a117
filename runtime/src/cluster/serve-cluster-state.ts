/**
 * The head's cluster-state service: a `WsServer` (handshake, token, frame limits, TLS) whose
 * accepted connections are served by a `ClusterStateServer` on `state`.
 */
import { WsServer, type WsServerOptions } from "../transport/ws-server.js";
import type { MessageCheck } from "../transport/ws-connection.js";
import type { Connection } from "../protocol/connection.js";
import { ClusterCloseCode } from "../protocol/handshake.js";
import { checkToHead } from "./cluster-message-checks.js";
import type { FromHead, NodeLoad, ToHead } from "./cluster-messages.js";
import type { ClusterState } from "./cluster-state.js";
import { ClusterStateServer } from "./cluster-state-server.js";

export interface ClusterServiceOptions extends Omit<WsServerOptions, "check"> {
  readonly heartbeatMs?: number | undefined;
  readonly deadAfterMs?: number | undefined;
  readonly localLoad?: (() => readonly NodeLoad[]) | undefined;
  /**
   * The head's own node serves owners the node protocol on the cluster's address (peers of kind
   * `owner`, checked with `check`); absent (a head with no node): such peers are refused.
   */
  readonly owners?: { readonly check: MessageCheck; readonly accept: (connection: Connection<unknown, unknown>, peer: string) => void } | undefined;
}

export interface ClusterService {
  readonly url: string;
  readonly port: number;
  readonly server: ClusterStateServer;
  close(): Promise<void>;
}

export async function serveClusterState(state: ClusterState, options: ClusterServiceOptions): Promise<ClusterService> {
  const log = options.log ?? ((line: string) => process.stderr.write(`tsray: ${line}\n`));
  const server = new ClusterStateServer(state, { heartbeatMs: options.heartbeatMs, deadAfterMs: options.deadAfterMs, log, localLoad: options.localLoad });
  const owners = options.owners;
  const ws = await WsServer.listen<FromHead, ToHead>(
    { ...options, log, check: checkToHead, ...(owners !== undefined ? { checkFor: { owner: owners.check } } : {}) },
    (connection, peer) => {
      const name = `${peer.kind} peer ${peer.remoteAddress}`;
      if (peer.kind !== "owner") return server.accept(connection, peer.kind, name);
      if (owners === undefined) return connection.close(ClusterCloseCode.POLICY_VIOLATION, "this head runs no node (--num-cpus 0)");
      owners.accept(connection as unknown as Connection<unknown, unknown>, name);
    },
  );
  return {
    url: ws.url,
    port: ws.port,
    server,
    close: async () => {
      server.close();
      await ws.close();
    },
  };
}
