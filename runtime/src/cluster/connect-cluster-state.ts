/**
 * Joining a head: opens a ws connection (handshake with the token), wraps it in a
 * `RemoteClusterStateClient`, and resolves once the head's snapshot is in its cache. Rejects with
 * the handshake's typed error (`AuthenticationError`, `ProtocolVersionError`) or a
 * `ConnectionClosedError` naming the address when the head cannot be reached.
 */
import type { PeerKind } from "../protocol/handshake.js";
import { openWs } from "../transport/ws-connection.js";
import { checkFromHead } from "./cluster-message-checks.js";
import type { FromHead, ToHead } from "./cluster-messages.js";
import { RemoteClusterStateClient, type RemoteClusterStateClientOptions } from "./remote-cluster-state-client.js";

export interface JoinOptions extends RemoteClusterStateClientOptions {
  readonly kind: PeerKind;
  readonly token?: string | undefined;
  readonly ca?: string | Buffer | undefined;
  readonly log?: ((line: string) => void) | undefined;
  /** Only tests set it. */
  readonly protocolVersion?: number | undefined;
}

export async function connectClusterState(address: string, options: JoinOptions): Promise<RemoteClusterStateClient> {
  const connection = await openWs<ToHead, FromHead>(address, {
    kind: options.kind,
    token: options.token,
    check: checkFromHead,
    ca: options.ca,
    log: options.log,
    protocolVersion: options.protocolVersion,
  });
  // A driver's program exits once its work is done: its connection holds the process only while
  // a call waits for the head (the runtime's keep-alive holds it while work is in flight).
  const holdWhileWaiting = options.kind === "driver" ? (hold: boolean) => connection.holdProcess(hold) : undefined;
  const client = new RemoteClusterStateClient(connection, { ...options, holdWhileWaiting });
  // The tsray command gets no snapshot (it only asks).
  if (options.kind !== "cli") await client.ready;
  holdWhileWaiting?.(false);
  return client;
}
