import { describe, expect, it } from 'vitest';
import { clientEventSchemas } from '../events.js';
import { decodeInput, encodeInput } from './input.js';

describe('input steps on the wire', () => {
  it('round-trip, in a handful of bytes', () => {
    for (const step of [
      [1, 0, 0],
      [300, 0xffff, 17],
      [2 ** 31 - 1, 5, 2 ** 31 - 1],
    ] as [number, number, number][]) {
      expect(decodeInput(encodeInput(step))).toEqual(step);
    }
    expect(encodeInput([40, 3, 12]).byteLength).toBe(3);
  });

  it('refuse what no honest client sends: out of range, truncated, trailing bytes', () => {
    expect(decodeInput(encodeInput([0, 1, 1]))).toBeNull();
    expect(decodeInput(encodeInput([1, 0x10000, 1]))).toBeNull();
    expect(decodeInput(new Uint8Array([1, 2]))).toBeNull();
    expect(decodeInput(new Uint8Array([1, 2, 3, 4]))).toBeNull();
    expect(decodeInput(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0]))).toBeNull();
  });

  it('are validated on arrival into the step tuple, with a clear error otherwise', () => {
    expect(clientEventSchemas.i.safeParse(encodeInput([9, 2, 4]))).toEqual({
      success: true,
      data: [9, 2, 4],
    });
    const bad = clientEventSchemas.i.safeParse([9, 2, 4]);
    expect(bad.success).toBe(false);
    expect(clientEventSchemas.i.safeParse(new Uint8Array([1])).error?.issues[0]?.message).toBe(
      'malformed input step',
    );
  });
});
