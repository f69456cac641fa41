/**
 * Wire precision for entity positions and angles. Half a world unit is below what a player can
 * see once interpolated, and keeps a moving entity's per-snapshot delta in one byte per axis.
 */
export const POSITION_STEPS_PER_UNIT = 2;
export const ANGLE_STEPS = 256;

const TWO_PI = Math.PI * 2;

export function quantizePosition(v: number): number {
  return Math.round(v * POSITION_STEPS_PER_UNIT);
}

export function dequantizePosition(q: number): number {
  return q / POSITION_STEPS_PER_UNIT;
}

export function quantizeAngle(radians: number): number {
  const turns = radians / TWO_PI;
  return ((Math.round(turns * ANGLE_STEPS) % ANGLE_STEPS) + ANGLE_STEPS) % ANGLE_STEPS;
}

/** Back to radians in [-π, π). */
export function dequantizeAngle(q: number): number {
  const r = (q / ANGLE_STEPS) * TWO_PI;
  return r >= Math.PI ? r - TWO_PI : r;
}
