import type { Content } from '@perihelion/game';

/** One value the panel offers, with the slider's range (typed values may go beyond it). */
export interface TuningField {
  path: string;
  label: string;
  kind: 'number' | 'boolean';
  min?: number;
  max?: number;
  step?: number;
}

export interface TuningGroup {
  title: string;
  fields: TuningField[];
}

const num = (path: string, label: string, min: number, max: number, step: number): TuningField => ({
  path,
  label,
  kind: 'number',
  min,
  max,
  step,
});

/**
 * The numbers designers reach for most: ship handling, mining, each structure's cost and build
 * time, the raid schedule and the asteroid field. Everything else stays in the content files.
 */
export function tuningGroups(content: Content): TuningGroup[] {
  return [
    {
      title: 'Ship',
      fields: [
        num('ship.maxSpeed', 'Top speed', 20, 2000, 10),
        num('ship.thrust', 'Thrust', 20, 3000, 10),
        num('ship.turnRate', 'Turn rate', 0.2, 12, 0.1),
        num('ship.drag', 'Drag', 0, 5, 0.05),
        num('ship.brake', 'Brake', 0, 20, 0.1),
      ],
    },
    {
      title: 'Mining',
      fields: [
        num('mining.rate', 'Ore per second', 0.1, 50, 0.1),
        num('mining.range', 'Beam range', 10, 1000, 10),
        num('mining.respawnSeconds', 'Asteroid respawn (s)', 1, 3600, 1),
      ],
    },
    ...Object.entries(content.structures).map(([kind, spec]) => ({
      title: spec.name,
      fields: [
        num(`structures.${kind}.buildSeconds`, 'Build time (s)', 1, 7200, 1),
        num(`structures.${kind}.cost.ore`, 'Ore cost', 0, 1000, 1),
        num(`structures.${kind}.cost.credits`, 'Credit cost', 0, 1000, 1),
      ],
    })),
    {
      title: 'Raids',
      fields: [
        { path: 'raids.enabled', label: 'Enabled', kind: 'boolean' },
        num('raids.intervalSeconds', 'Every (s)', 30, 14_400, 10),
        num('raids.warningSeconds', 'Warning (s)', 5, 3600, 5),
        num('raids.durationSeconds', 'Duration (s)', 5, 1800, 5),
        num('raids.damage', 'Damage', 0, 1000, 5),
        num('raids.dragons', 'Dragons', 0, 50, 1),
      ],
    },
    {
      title: 'Asteroids',
      fields: [num('asteroids.count', 'Count', 0, 500, 1)],
    },
  ];
}
