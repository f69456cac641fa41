/**
 * One fixed step of player input on the wire, sent 30 times a second by every player: three
 * unsigned varints (sequence, button bits, last snapshot id received), at most 13 bytes. Binary,
 * so the protocol's parser carries it as one small frame and the server reads it without JSON.
 */
export type InputStep = [seq: number, buttons: number, lastSnapshotId: number];

const MAX_SEQ = 2 ** 31 - 1;
const MAX_BUTTONS = 0xffff;
/** Five 7-bit groups hold any value below 2^35; the fields are all below 2^31. */
const MAX_VARINT_BYTES = 5;

export function encodeInput([seq, buttons, lastSnapshotId]: InputStep): Uint8Array {
  const out = new Uint8Array(3 * MAX_VARINT_BYTES);
  let pos = 0;
  for (const field of [seq, buttons, lastSnapshotId]) {
    let v = field >>> 0;
    while (v >= 0x80) {
      out[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    out[pos++] = v;
  }
  return out.subarray(0, pos);
}

/** Read position of decodeInput (synchronous, so one cursor serves every call). */
let cursor = 0;

/** The varint at `cursor` (advancing it), or -1 when truncated or longer than any field may be. */
function readField(bytes: Uint8Array): number {
  let value = 0;
  for (let shift = 0; shift < 7 * MAX_VARINT_BYTES; shift += 7) {
    if (cursor >= bytes.length) return -1;
    const byte = bytes[cursor++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return value;
  }
  return -1;
}

/**
 * The step in `bytes`, or null when they are not exactly one well-formed, in-range step.
 * Runs for every input of every player (30 a second each): no closures, nothing allocated but the result.
 */
export function decodeInput(bytes: Uint8Array): InputStep | null {
  cursor = 0;
  const seq = readField(bytes);
  const buttons = readField(bytes);
  const lastSnapshotId = readField(bytes);
  if (cursor !== bytes.length) return null;
  if (seq < 1 || seq > MAX_SEQ || buttons < 0 || buttons > MAX_BUTTONS) return null;
  if (lastSnapshotId < 0 || lastSnapshotId > MAX_SEQ) return null;
  return [seq, buttons, lastSnapshotId];
}
