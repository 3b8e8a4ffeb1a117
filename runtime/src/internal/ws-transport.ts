/**
 * `tsray/internal/ws-transport`: the WebSocket transport and the cluster-state service, for the
 * benchmarks and diagnostics. Not public API.
 */
export { connectWs, openWs, WsConnection, type WsConnectOptions } from "../transport/ws-connection.js";
export { WsServer, type WsServerOptions } from "../transport/ws-server.js";
export { frameCodec } from "../transport/ws-frame-codec.js";
