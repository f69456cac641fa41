import { describe, expect, it } from 'vitest';
import { angleDelta, lerpAngle, wrapAngle } from './math.js';

describe('angles', () => {
  it('wraps into [-π, π)', () => {
    expect(wrapAngle(Math.PI)).toBeCloseTo(-Math.PI, 12);
    expect(wrapAngle(3 * Math.PI + 0.5)).toBeCloseTo(-Math.PI + 0.5, 12);
    expect(wrapAngle(-0.25)).toBeCloseTo(-0.25, 12);
  });

  it('takes the short way round', () => {
    expect(angleDelta(Math.PI - 0.1, -Math.PI + 0.1)).toBeCloseTo(0.2, 12);
    expect(lerpAngle(-Math.PI + 0.1, Math.PI - 0.1, 0.25)).toBeCloseTo(-Math.PI + 0.05, 12);
  });
});
