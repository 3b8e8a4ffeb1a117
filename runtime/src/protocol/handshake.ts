/**
 * The first frame on every cluster connection (a node, a driver or the `tsray` command joining a
 * head or a node), before any message of the connection's own protocol: the client says who it is,
 * which protocol it speaks and the cluster token; the server answers `welcome` or closes the
 * connection with one of the refusal codes below and a short reason (a WebSocket close reason holds
 * at most 123 bytes), which the client turns into a typed error saying what to do
 * (`AuthenticationError`, `ProtocolVersionError`).
 *
 * Invariant: nothing but a `hello` is read from a client before its `welcome` is sent, and nothing
 * of the connection's protocol is sent to it before; a refused connection has exchanged nothing else.
 */

/**
 * The version of everything a cluster connection carries (this handshake, the cluster-state protocol,
 * later the node protocol). Bumped on any change a peer of the previous version would misread; peers
 * of different versions refuse each other (no negotiation: all processes of a cluster run one release).
 */
export const PROTOCOL_VERSION = 1;

/**
 * Who connects: a node registering with the head, a driver joining, the `tsray` command asking, or
 * an owner (a driver) using a node's workers through the node protocol (node/node-messages.ts).
 */
export type PeerKind = "node" | "driver" | "cli" | "owner";

export interface HelloFrame {
  readonly tsray: "hello";
  readonly version: number;
  /** The cluster token, or "" for a cluster without one. */
  readonly token: string;
  readonly kind: PeerKind;
}

export interface WelcomeFrame {
  readonly tsray: "welcome";
  readonly version: number;
}

/** Close codes of cluster connections: WebSocket's application range (4000–4999) for the handshake, its own for bad input. */
export const ClusterCloseCode = {
  /** The token did not match the cluster's (or one was needed). */
  AUTHENTICATION_FAILED: 4001,
  /** The client speaks another protocol version. */
  PROTOCOL_VERSION_MISMATCH: 4002,
  /** The first frame was not a well-formed `hello`, or none came in time. */
  HANDSHAKE_FAILED: 4003,
  /** The peer stopped sending heartbeats for longer than the liveness bound. */
  HEARTBEAT_TIMEOUT: 4004,
  /** RFC 6455: a text frame (the protocol is binary msgpack). */
  UNSUPPORTED_DATA: 1003,
  /** RFC 6455: a frame whose bytes are not valid msgpack. */
  INVALID_PAYLOAD: 1007,
  /** RFC 6455: a well-formed frame that is not a message of the protocol (unknown kind, ill-typed fields); `CloseCode.PROTOCOL_ERROR`. */
  PROTOCOL_ERROR: 1002,
  /** RFC 6455: a message the protocol knows but this peer may not send (the tsray command writing), or a peer too far behind. */
  POLICY_VIOLATION: 1008,
  /** RFC 6455: a frame over the size limit (ws closes with it by itself at `maxPayload`). */
  MESSAGE_TOO_BIG: 1009,
} as const;

const peerKinds: ReadonlySet<string> = new Set<PeerKind>(["node", "driver", "cli", "owner"]);

/** The hello in `m`, or why `m` is not one. */
export function readHello(m: unknown): HelloFrame | string {
  if (typeof m !== "object" || m === null || Array.isArray(m)) return "the first frame is not a hello object";
  const h = m as Record<string, unknown>;
  if (h["tsray"] !== "hello") return "the first frame is not a hello";
  if (typeof h["version"] !== "number" || !Number.isInteger(h["version"])) return "the hello has no integer version";
  if (typeof h["token"] !== "string") return "the hello's token is not a string";
  if (typeof h["kind"] !== "string" || !peerKinds.has(h["kind"])) return "the hello's peer kind is not node, driver, cli or owner";
  return { tsray: "hello", version: h["version"], token: h["token"], kind: h["kind"] as PeerKind };
}

/** The welcome in `m`, or why `m` is not one. */
export function readWelcome(m: unknown): WelcomeFrame | string {
  if (typeof m !== "object" || m === null) return "the server's first frame is not a welcome";
  const w = m as Record<string, unknown>;
  if (w["tsray"] !== "welcome" || typeof w["version"] !== "number") return "the server's first frame is not a welcome";
  return { tsray: "welcome", version: w["version"] };
}
