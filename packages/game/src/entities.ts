/** Entity kinds as they travel on the wire (the engine treats them as opaque numbers). */
export const EntityKind = {
  Ship: 1,
  Asteroid: 2,
} as const;
export type EntityKind = (typeof EntityKind)[keyof typeof EntityKind];

export function entityKindName(kind: number): string {
  switch (kind) {
    case EntityKind.Ship:
      return 'ship';
    case EntityKind.Asteroid:
      return 'asteroid';
    default:
      return 'unknown';
  }
}
