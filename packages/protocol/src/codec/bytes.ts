/**
 * Minimal growable byte writer / reader with LEB128 varints and zigzag for signed values.
 * Hand-written because the snapshot path wants zero allocations per field and exact sizes.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialSize = 1024) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  reset(): void {
    this.pos = 0;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = value & 0xff;
  }

  /** Unsigned varint; values must be non-negative integers below 2^53. */
  varuint(value: number): void {
    if (this.pos + 8 > this.buf.length) this.ensure(8);
    let v = value;
    if (v < 0x8000_0000) {
      // Integer ops for what snapshots carry (small deltas, ids); the float path handles the rest.
      while (v >= 0x80) {
        this.buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.pos++] = v;
      return;
    }
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** Signed varint via zigzag, so small magnitudes of either sign take one byte. */
  varint(value: number): void {
    this.varuint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  f32(value: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, value, true);
    this.pos += 4;
  }

  /** Appends everything `other` holds. */
  append(other: ByteWriter): void {
    this.ensure(other.pos);
    this.buf.set(other.buf.subarray(0, other.pos), this.pos);
    this.pos += other.pos;
  }

  /** A copy of the bytes written so far (the internal buffer is reused). */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /**
   * The bytes written so far, without copying: valid only until the next write or reset. For a
   * consumer that copies them at once (the socket parser does, building the frame).
   */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

export class ByteReader {
  private readonly view: DataView;
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw new RangeError('snapshot truncated');
    return this.buf[this.pos++]!;
  }

  varuint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const byte = this.u8();
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 0x80;
    }
    throw new RangeError('varint too long');
  }

  varint(): number {
    const z = this.varuint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  f32(): number {
    if (this.pos + 4 > this.buf.length) throw new RangeError('snapshot truncated');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
}

/** Accepts what Socket.IO hands over: a Node Buffer, a Uint8Array or a browser ArrayBuffer. */
export function asBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
