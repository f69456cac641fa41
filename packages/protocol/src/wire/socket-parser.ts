import { Emitter } from '@socket.io/component-emitter';
import { Decoder as JsonDecoder, Encoder as JsonEncoder, type Packet, PacketType } from 'socket.io-parser';
import { asBytes } from '../codec/bytes.js';

/**
 * Perihelion's Socket.IO parser, used by the server and every SDK client (`parser` option).
 *
 * Socket.IO's default parser sends an event with a binary argument as two WebSocket frames: a
 * text header with a placeholder, then the bytes. Snapshots are such events, sent to every player
 * 15–20 times a second, so the default doubles the frames, the syscalls and the framing bytes of
 * the hottest path. Here an event whose only argument is bytes (and that expects no answer)
 * travels as ONE binary frame:
 *
 *   [0x01] [namespace length] [namespace, ASCII] [event length] [event, ASCII] [payload …]
 *
 * Every other packet is encoded exactly as the default parser does (JSON text, and default binary
 * attachments for anything else carrying bytes), so JSON events are unchanged on the wire. The
 * decoder tells the two binary kinds apart by order: after a default binary header it hands the
 * announced number of attachments to the default decoder; any other binary frame is compact.
 */

const COMPACT_EVENT = 0x01;
/** Namespace and event names in a compact frame are at most this long (one length byte). */
const MAX_NAME_BYTES = 255;

function bytesOf(value: unknown): Uint8Array | null {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? asBytes(value) : null;
}

function isAscii(text: string): boolean {
  if (text.length > MAX_NAME_BYTES) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The compact frame's header for (namespace, event): built once per pair and reused. */
const headers = new Map<string, Uint8Array>();
const MAX_CACHED_HEADERS = 256;

function compactHeader(nsp: string, event: string): Uint8Array {
  const key = `${nsp}\u0000${event}`;
  let header = headers.get(key);
  if (header) return header;
  header = new Uint8Array(3 + nsp.length + event.length);
  header[0] = COMPACT_EVENT;
  header[1] = nsp.length;
  for (let i = 0; i < nsp.length; i++) header[2 + i] = nsp.charCodeAt(i);
  header[2 + nsp.length] = event.length;
  for (let i = 0; i < event.length; i++) header[3 + nsp.length + i] = event.charCodeAt(i);
  if (headers.size < MAX_CACHED_HEADERS) headers.set(key, header);
  return header;
}

/** The bytes of a packet that fits the compact form, else null. */
function compactPayload(packet: Packet): Uint8Array | null {
  if (packet.type !== PacketType.EVENT && packet.type !== PacketType.BINARY_EVENT) return null;
  if (packet.id !== undefined) return null;
  const data: unknown = packet.data;
  if (!Array.isArray(data) || data.length !== 2) return null;
  const [event, payload] = data as [unknown, unknown];
  if (typeof event !== 'string' || !isAscii(event) || !isAscii(packet.nsp)) return null;
  return bytesOf(payload);
}

/**
 * The compact frame carrying `event` with `payload` on namespace `nsp` (ASCII names of at most 255
 * characters): what the encoder sends, and what a server may write to a raw WebSocket itself.
 */
export function compactFrame(nsp: string, event: string, payload: Uint8Array): Uint8Array {
  const header = compactHeader(nsp, event);
  const frame = new Uint8Array(header.length + payload.byteLength);
  frame.set(header, 0);
  frame.set(payload, header.length);
  return frame;
}

const textEncoder = new JsonEncoder();

/**
 * The Socket.IO packet text of a JSON event (`2/chat,["event",{…}]`), exactly as the encoder
 * sends it, for a server that writes one encoded event to many connections itself; null when the
 * payload holds binary data (which travels as more than one frame).
 */
export function jsonEventText(nsp: string, event: string, payload: unknown): string | null {
  const encoded = textEncoder.encode({ type: PacketType.EVENT, nsp, data: [event, payload] });
  const text = encoded.length === 1 ? encoded[0] : undefined;
  return typeof text === 'string' ? text : null;
}

/** Encodes one packet as one compact binary frame, or as the default parser would. */
export class Encoder {
  private readonly json = new JsonEncoder();

  encode(packet: Packet): (string | Uint8Array)[] {
    const payload = compactPayload(packet);
    if (!payload) return this.json.encode(packet) as (string | Uint8Array)[];
    return [compactFrame(packet.nsp, (packet.data as [string, unknown])[0], payload)];
  }
}

/** Thrown for a binary frame that is not a well-formed compact event (the connection is closed). */
export class CompactFrameError extends Error {}

/** Names read from a header, kept so the frames of a busy connection do not rebuild strings. */
interface HeaderNames {
  bytes: Uint8Array;
  nsp: string;
  event: string;
}

function sameBytes(a: Uint8Array, frame: Uint8Array, end: number): boolean {
  if (a.length !== end) return false;
  for (let i = 0; i < end; i++) if (a[i] !== frame[i]) return false;
  return true;
}

/** Whether `frame` begins with the bytes of `header`. */
function startsWith(frame: Uint8Array, header: Uint8Array): boolean {
  if (frame.length < header.length) return false;
  for (let i = 0; i < header.length; i++) if (frame[i] !== header[i]) return false;
  return true;
}

/**
 * Reads a compact binary frame back into the packet it was encoded from. `cache` holds the names
 * of the previous frame's header (a connection sends the same few events over and over).
 */
export function decodeCompactFrame(frame: Uint8Array, cache?: { last: HeaderNames | null }): Packet {
  if (frame.byteLength < 3 || frame[0] !== COMPACT_EVENT) {
    throw new CompactFrameError('unexpected binary frame');
  }
  const nspLength = frame[1]!;
  const eventAt = 2 + nspLength;
  if (eventAt >= frame.byteLength) throw new CompactFrameError('truncated binary frame');
  const eventLength = frame[eventAt]!;
  const payloadAt = eventAt + 1 + eventLength;
  if (payloadAt > frame.byteLength) {
    throw new CompactFrameError('truncated binary frame');
  }
  const known = cache?.last;
  if (known && sameBytes(known.bytes, frame, payloadAt)) {
    return { type: PacketType.EVENT, nsp: known.nsp, data: [known.event, frame.subarray(payloadAt)] };
  }
  const nsp = String.fromCharCode(...frame.subarray(2, eventAt));
  const event = String.fromCharCode(...frame.subarray(eventAt + 1, payloadAt));
  if (!nsp.startsWith('/') || !isAscii(nsp) || !isAscii(event)) {
    throw new CompactFrameError('malformed binary frame header');
  }
  if (cache) cache.last = { bytes: frame.slice(0, payloadAt), nsp, event };
  return { type: PacketType.EVENT, nsp, data: [event, frame.subarray(payloadAt)] };
}

/** "5<n>-…" / "6<n>-…": a default binary header announcing n attachment frames. */
const BINARY_HEADER = /^[56](\d+)-/;

interface DecoderEvents {
  decoded: (packet: Packet) => void;
}

/** Decodes text and default binary frames as the default parser does, and compact frames. */
export class Decoder extends Emitter<Record<string, never>, Record<string, never>, DecoderEvents> {
  private readonly json = new JsonDecoder();
  /** Binary frames still owed to the default decoder's current packet. */
  private pendingAttachments = 0;
  private readonly headers: { last: HeaderNames | null } = { last: null };
  /** Handlers of tapped binary events, by namespace, then event. */
  private readonly taps = new Map<string, Map<string, (payload: Uint8Array) => void>>();
  /**
   * The last tapped frame's header and handler: a connection's next frame is usually the same
   * event (an input step every tick), recognised by its header bytes alone, with no packet built.
   */
  private lastTap: { header: Uint8Array; handler: (payload: Uint8Array) => void } | null = null;

  constructor() {
    super();
    this.json.on('decoded', (packet: Packet) => this.emitReserved('decoded', packet));
  }

  add(chunk: string | ArrayBuffer | ArrayBufferView): void {
    if (typeof chunk === 'string') {
      if (this.pendingAttachments > 0) throw new CompactFrameError('got text while awaiting binary data');
      const header = BINARY_HEADER.exec(chunk);
      // The default decoder validates the count itself (and refuses too many attachments).
      this.json.add(chunk);
      this.pendingAttachments = header ? Number(header[1]) : 0;
      return;
    }
    const bytes = bytesOf(chunk);
    if (!bytes) throw new CompactFrameError('unexpected frame type');
    if (this.pendingAttachments > 0) {
      this.pendingAttachments--;
      this.json.add(chunk);
      return;
    }
    const fast = this.lastTap;
    if (fast && startsWith(bytes, fast.header)) {
      fast.handler(bytes.subarray(fast.header.length));
      return;
    }
    const packet = decodeCompactFrame(bytes, this.headers);
    const [event, payload] = packet.data as [string, Uint8Array];
    const tapped = this.taps.get(packet.nsp)?.get(event);
    if (tapped) {
      // The cache holds exactly this frame's header now (see decodeCompactFrame).
      this.lastTap = { header: this.headers.last!.bytes, handler: tapped };
      tapped(payload);
    } else {
      this.emitReserved('decoded', packet);
    }
  }

  /**
   * Hands the payload of every compact frame of `event` on `nsp` to `handler` as it is decoded,
   * instead of emitting it as a packet: Socket.IO's dispatch (its per-packet tick, middleware,
   * acknowledgements, listeners) never sees those frames, so the handler must do what a
   * middleware would (validate, rate-limit). For a server's hottest event, e.g. a game's input
   * step arriving 30 times a second from every player; frames are still handled in arrival order
   * among themselves. Returns the function that removes the tap.
   */
  tap(nsp: string, event: string, handler: (payload: Uint8Array) => void): () => void {
    let events = this.taps.get(nsp);
    if (!events) {
      events = new Map();
      this.taps.set(nsp, events);
    }
    events.set(event, handler);
    this.lastTap = null;
    return () => {
      const current = this.taps.get(nsp);
      if (current?.get(event) !== handler) return;
      this.lastTap = null;
      current.delete(event);
      if (current.size === 0) this.taps.delete(nsp);
    };
  }

  destroy(): void {
    this.json.destroy();
    this.pendingAttachments = 0;
    this.taps.clear();
    this.lastTap = null;
  }
}

/** Pass as `parser` to Socket.IO's Server and to socket.io-client's Manager. */
export const perihelionParser = { Encoder, Decoder };
