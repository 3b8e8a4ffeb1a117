/**
 * `ws_round_trip` (issue 11's baseline for the network): a small message (`{ n }`) to an echo
 * server over loopback and back, through tsray's ws connection (handshake done, codec-encoded
 * binary frames, validated at the receiving end) against raw `ws` with the same options
 * (perMessageDeflate off, bufferutil) echoing a msgpackr-encoded frame. Figures: the round trip of
 * one message at a time, and messages per second with 1,000 in flight.
 */
import { pack, unpack } from "msgpackr";
import { WebSocketServer } from "ws";
import { connectWs, WsServer, type WsConnection } from "tsray/internal/ws-transport";
import { RawWsClient, type Echo } from "../baselines/raw-ws-peer.js";
import type { CaseDefinition, Measurement } from "../case.js";
import { microsPerOp, nowMs, perSecond } from "../timing.js";

type Msg = { n: number };
const check = (m: unknown) => (typeof m === "object" && m !== null && typeof (m as Msg).n === "number" ? undefined : "not { n }");

async function tsrayEcho(): Promise<Echo> {
  const server = await WsServer.listen<Msg, Msg>({ host: "127.0.0.1", port: 0, check }, (conn) => (conn.onMessage = (m) => conn.send(m)));
  const conn: WsConnection<Msg, Msg> = connectWs<Msg, Msg>(server.url, { kind: "cli", check });
  await conn.opened;
  let waiting: ((n: number) => void) | undefined;
  conn.onMessage = (m) => waiting?.(m.n);
  return {
    roundTrip: (n) => new Promise((resolve) => ((waiting = resolve), conn.send({ n }))),
    burst: (count) =>
      new Promise((resolve) => {
        let left = count;
        waiting = () => void (--left === 0 && resolve());
        for (let i = 0; i < count; i++) conn.send({ n: i });
      }),
    close: async () => {
      conn.close();
      await server.close();
    },
  };
}

async function rawEcho(): Promise<Echo> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  await new Promise((resolve) => wss.once("listening", resolve));
  wss.on("connection", (ws) => ws.on("message", (data) => ws.send(pack(unpack(data as Buffer)))));
  const client = await RawWsClient.connect(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  return {
    roundTrip: (n) => client.roundTrip(n),
    burst: (count) => client.burst(count),
    close: async () => {
      await client.close();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

export function measureEcho(label: string, echo: Echo, roundTrips: number, burst: number): Measurement {
  return {
    label,
    rewarm: true,
    async run() {
      let t0 = nowMs();
      for (let i = 0; i < roundTrips; i++) await echo.roundTrip(i);
      const rtt = microsPerOp(roundTrips, nowMs() - t0);
      t0 = nowMs();
      await echo.burst(burst);
      return { rtt, pipelined: perSecond(burst, nowMs() - t0) };
    },
  };
}

export const wsRoundTrip: CaseDefinition = {
  name: "ws_round_trip",
  summary: "a small message to a ws echo server on loopback and back: tsray's connection against raw ws",
  needsRuntime: false,
  metrics: [
    { key: "rtt", unit: "µs", title: "round trip, one at a time" },
    { key: "pipelined", unit: "ops/s", title: "1,000 in flight" },
  ],
  async setup(ctx) {
    const roundTrips = ctx.quick ? 500 : 2000;
    const burst = 1000;
    const ours = await tsrayEcho();
    const raw = await rawEcho();
    return {
      notes: [`${roundTrips} sequential round trips and a burst of ${burst} per run; server and client in one process`],
      tsray: measureEcho("tsray ws connection", ours, roundTrips, burst),
      baselines: [measureEcho("raw ws + msgpackr", raw, roundTrips, burst)],
      async teardown() {
        await ours.close();
        await raw.close();
      },
    };
  },
};
