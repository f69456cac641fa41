const TWO_PI = Math.PI * 2;

/** Wraps an angle into [-π, π). */
export function wrapAngle(a: number): number {
  const r = (((a + Math.PI) % TWO_PI) + TWO_PI) % TWO_PI;
  return r - Math.PI;
}

/** Signed shortest rotation from `from` to `to`, in [-π, π). */
export function angleDelta(from: number, to: number): number {
  return wrapAngle(to - from);
}

export function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Interpolates angles the short way round, so 179° → -179° turns 2°, not 358°. */
export function lerpAngle(a: number, b: number, t: number): number {
  return wrapAngle(a + angleDelta(a, b) * t);
}

/**
 * Own-entity state arrays are opaque to the SDK except for this convention: indices 0 and 1 are
 * x and y, and index 4 (when present) is an angle in radians, blended the short way round.
 */
export const OWN_ANGLE_INDEX = 4;

/** Blends two own-state arrays index by index (the angle index the short way round). */
export function lerpState(a: readonly number[], b: readonly number[], t: number): number[] {
  const out = new Array<number>(b.length);
  for (let i = 0; i < b.length; i++) {
    const from = a[i] ?? b[i]!;
    out[i] = i === OWN_ANGLE_INDEX ? lerpAngle(from, b[i]!, t) : lerp(from, b[i]!, t);
  }
  return out;
}

/** `a - b` index by index (the angle index as the shortest signed rotation). */
export function diffState(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(b.length);
  for (let i = 0; i < b.length; i++) {
    const ai = a[i] ?? b[i]!;
    out[i] = i === OWN_ANGLE_INDEX ? angleDelta(b[i]!, ai) : ai - b[i]!;
  }
  return out;
}
