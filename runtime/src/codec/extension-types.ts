/**
 * The table of msgpack extension type codes tsray writes, in one place.
 *
 * msgpackr already uses some codes for its structured-clone extension; tsray
 * keeps those (their decoders stay registered) and adds its own in 0x20–0x2f:
 *
 * | code | meaning                                   | written by          |
 * |------|-------------------------------------------|---------------------|
 * | 0x00 | `undefined`                               | msgpackr            |
 * | 0x42 | BigInt beyond 64 bits                     | msgpackr            |
 * | 0x62 | string bundle (unused: `bundleStrings` off)| msgpackr            |
 * | 0x65 | Error, msgpackr's lossy form (decode only)| msgpackr            |
 * | 0x69 | structured clone: id of a shared object   | msgpackr            |
 * | 0x70 | structured clone: pointer to that id      | msgpackr            |
 * | 0x72 | record (object shape) definition          | msgpackr            |
 * | 0x73 | Set                                       | msgpackr            |
 * | 0x74 | small typed array / ArrayBuffer / DataView| tsray, msgpackr's format (see {@link BinaryKind}) |
 * | 0x78 | RegExp                                    | msgpackr            |
 * | 0xff | Date (msgpack timestamp, type -1)         | msgpackr            |
 * | 0x20 | ObjectRef (payload: `WireHooks.encodeRef`)| tsray               |
 * | 0x21 | ActorHandle (payload: `encodeHandle`)     | tsray               |
 * | 0x22 | Error (payload: a `WireError`)            | tsray               |
 * | 0x23 | negative zero                             | tsray               |
 * | 0x24 | small Buffer (payload: its bytes)         | tsray               |
 * | 0x25 | small SharedArrayBuffer (its bytes)       | tsray               |
 * | 0x26 | large binary stored after the body        | tsray (see frame.ts)|
 * | 0x27 | string as UTF-16 code units (payload: a Buffer)| tsray (exact-forms.ts) |
 * | 0x28 | exact container (payload: [0x29, entries…])| tsray (exact-forms.ts) |
 * | 0x29 | exact container's opening (payload: [kind, length] or, for a class instance, [3, 0, classId, url]) | tsray (exact-forms.ts) |
 * | 0x2a | back-reference to an open exact container | tsray (exact-forms.ts) |
 * | 0x2b | instance with its own encoding (payload: [classId, url, data]) | tsray (exact-forms.ts) |
 *
 * Codes are part of the wire format: never renumber one; add new codes instead.
 */
export const ExtensionType = {
  ObjectRef: 0x20,
  ActorHandle: 0x21,
  Error: 0x22,
  NegativeZero: 0x23,
  Buffer: 0x24,
  SharedArrayBuffer: 0x25,
  OutOfBandBinary: 0x26,
  Utf16String: 0x27,
  ExactContainer: 0x28,
  ExactOpen: 0x29,
  ExactBackRef: 0x2a,
  CustomInstance: 0x2b,
  /** msgpackr's typed-array extension, which tsray also writes for small binaries. */
  TypedArray: 0x74,
} as const;

export type ExtensionType = (typeof ExtensionType)[keyof typeof ExtensionType];

/** Codes msgpackr itself reads or writes; tsray's own codes must avoid them. */
export const MSGPACKR_EXTENSION_TYPES: readonly number[] = [
  0x00, 0x42, 0x62, 0x65, 0x69, 0x70, 0x72, 0x73, 0x74, 0x78, 0xff,
];
