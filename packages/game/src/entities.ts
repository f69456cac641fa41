/** Entity kinds as they travel on the wire (the engine treats them as opaque numbers). */
export const EntityKind = {
  /** variant: 1 while the ship's beam is mining, else 0. */
  Ship: 1,
  /** variant: the size class (see asteroidRadius). */
  Asteroid: 2,
  /** A raiding space dragon; only present during a raid. */
  Dragon: 3,
} as const;
export type EntityKind = (typeof EntityKind)[keyof typeof EntityKind];

/** Ship variants. */
export const ShipVariant = {
  Idle: 0,
  Mining: 1,
} as const;

export function entityKindName(kind: number): string {
  switch (kind) {
    case EntityKind.Ship:
      return 'ship';
    case EntityKind.Asteroid:
      return 'asteroid';
    case EntityKind.Dragon:
      return 'dragon';
    default:
      return 'unknown';
  }
}
