import { describe, expect, it } from 'vitest';
import { dequantizeAngle, dequantizePosition, quantizeAngle, quantizePosition } from './quantize.js';

describe('quantization', () => {
  it('keeps positions within half a step', () => {
    for (const v of [0, 0.2, -0.26, 1234.567, -2999.9]) {
      expect(Math.abs(dequantizePosition(quantizePosition(v)) - v)).toBeLessThanOrEqual(0.25);
    }
  });

  it('maps angles into one byte and back to [-π, π)', () => {
    for (const a of [0, 1, -1, Math.PI - 0.001, -Math.PI, 3 * Math.PI]) {
      const q = quantizeAngle(a);
      expect(q).toBeGreaterThanOrEqual(0);
      expect(q).toBeLessThan(256);
      const back = dequantizeAngle(q);
      expect(back).toBeGreaterThanOrEqual(-Math.PI);
      expect(back).toBeLessThan(Math.PI);
      const diff = Math.atan2(Math.sin(back - a), Math.cos(back - a));
      expect(Math.abs(diff)).toBeLessThanOrEqual(Math.PI / 256 + 1e-9);
    }
  });
});
