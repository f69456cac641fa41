/** Draw order of the world, back to front. */
export const Depth = {
  Backdrop: -100,
  Bounds: -50,
  Asteroid: 0,
  ShipGlow: 9,
  Flame: 10,
  Ship: 11,
  Label: 20,
} as const;
