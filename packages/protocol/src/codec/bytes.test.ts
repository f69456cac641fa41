import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from './bytes.js';

describe('varints', () => {
  const unsigned = [
    0,
    1,
    127,
    128,
    300,
    16_383,
    16_384,
    2 ** 28,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32 + 5,
    2 ** 53 - 1,
  ];
  const signed = [0, 1, -1, 63, -64, 64, -65, 2 ** 30, -(2 ** 30), 2 ** 40, -(2 ** 40)];

  it('read back every unsigned value written, across the integer and the float paths', () => {
    const w = new ByteWriter(4);
    for (const v of unsigned) w.varuint(v);
    const r = new ByteReader(w.toBytes());
    expect(unsigned.map(() => r.varuint())).toEqual(unsigned);
    expect(r.remaining).toBe(0);
  });

  it('read back every signed value written (zigzag), small magnitudes in one byte', () => {
    const w = new ByteWriter(4);
    for (const v of signed) w.varint(v);
    const r = new ByteReader(w.toBytes());
    expect(signed.map(() => r.varint())).toEqual(signed);
    const one = new ByteWriter();
    one.varint(-64);
    expect(one.length).toBe(1);
  });
});
