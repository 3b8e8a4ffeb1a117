/**
 * The head's cluster-state service: a `WsServer` (handshake, token, frame limits, TLS) whose
 * accepted connections are served by a `ClusterStateServer` on `state`.
 */
import { WsServer, type WsServerOptions } from "../transport/ws-server.js";
import { checkToHead } from "./cluster-message-checks.js";
import type { FromHead, NodeLoad, ToHead } from "./cluster-messages.js";
import type { ClusterState } from "./cluster-state.js";
import { ClusterStateServer } from "./cluster-state-server.js";

export interface ClusterServiceOptions extends Omit<WsServerOptions, "check"> {
  readonly heartbeatMs?: number | undefined;
  readonly deadAfterMs?: number | undefined;
  readonly localLoad?: (() => readonly NodeLoad[]) | undefined;
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
  const ws = await WsServer.listen<FromHead, ToHead>({ ...options, log, check: checkToHead }, (connection, peer) =>
    server.accept(connection, peer.kind, `${peer.kind} peer ${peer.remoteAddress}`),
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
