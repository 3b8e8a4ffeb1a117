/**
 * How a message becomes one binary WebSocket frame and back: the project's codec (msgpackr with
 * pinned options, codec/). Cluster messages are plain data (values inside them already travel as
 * encoded bytes), so an ObjectRef or ActorHandle met directly in a message is refused on both
 * sides: a peer cannot make this side build one from a frame.
 */
import { Codec, type WireHooks } from "../codec/index.js";
import { SerializationError } from "../common/errors.js";

const refuse = (what: string) => (): never => {
  throw new SerializationError("cluster message", `a cluster message cannot carry ${what} as such (encode the value first)`);
};

const plainDataOnly: WireHooks = {
  encodeRef: refuse("an ObjectRef"),
  decodeRef: refuse("an ObjectRef"),
  encodeHandle: refuse("an ActorHandle"),
  decodeHandle: refuse("an ActorHandle"),
};

/** One per connection end (a Codec is cheap, and keeps no state between calls). */
export function frameCodec(): Codec {
  return new Codec(plainDataOnly);
}
