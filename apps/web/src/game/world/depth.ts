/** Draw order of the world, back to front. */
export const Depth = {
  Backdrop: -100,
  Bounds: -50,
  Shield: -20,
  Structure: -10,
  StructureOverlay: -9,
  Asteroid: 0,
  Beam: 8,
  ShipGlow: 9,
  Flame: 10,
  Ship: 11,
  DragonGlow: 13,
  Dragon: 14,
  Label: 20,
} as const;
