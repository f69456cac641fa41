import { z } from 'zod';
import rawContent from './content.json';

const positive = z.number().positive();
const nonNegative = z.number().min(0);
const seconds = z.number().positive();

/** Stable ids of structure kinds: they are stored with every structure and travel on the wire. */
export const StructureKind = {
  StationCore: 'station-core',
  ShieldModule: 'shield-module',
} as const;

const kindIdSchema = z
  .string()
  .max(40)
  .regex(/^[a-z][a-z0-9-]*$/, 'a structure kind id is lower-case letters, digits and dashes');

const structureSpecSchema = z.strictObject({
  /** What players read ("Station core"). */
  name: z.string().min(1),
  cost: z.strictObject({ ore: z.number().int().min(0), credits: z.number().int().min(0) }),
  buildSeconds: seconds,
  hp: z.number().int().positive(),
  /** Drawn size, and the footprint used for spacing between structures. */
  radius: positive,
  /** Only buildable with the builder's own ACTIVE structure of `kind` within `within` units. */
  requires: z.strictObject({ kind: kindIdSchema, within: positive }).optional(),
  /** When active, protects every structure within this distance from raids. */
  shieldRadius: positive.optional(),
});

/**
 * Everything a designer tunes lives in content.json and is validated here, once. Objects are
 * strict so that a misspelt key in an override is an error rather than a silently ignored value.
 */
export const contentSchema = z
  .strictObject({
    ship: z.strictObject({
      /** Acceleration while thrusting, units/s². */
      thrust: positive,
      /** Radians per second. */
      turnRate: positive,
      /** Fraction of velocity lost per second while coasting. */
      drag: z.number().min(0).max(10),
      /** Fraction of velocity removed per second while braking (on top of drag). */
      brake: z.number().min(0).max(30),
      maxSpeed: positive,
      radius: positive,
    }),
    sector: z.strictObject({
      width: positive,
      height: positive,
      /** Ships appear within this distance of the sector's centre. */
      spawnRadius: nonNegative,
      /** Entities farther than this from a player's ship are not sent to that player. */
      viewRadius: positive,
      /** A ship spawned near a point (its owner's station) appears this far from it. */
      spawnNear: z.strictObject({ minDistance: nonNegative, maxDistance: nonNegative }),
    }),
    asteroids: z.strictObject({
      count: z.number().int().min(0).max(2000),
      minRadius: positive,
      maxRadius: positive,
      /** Units per second. */
      maxDrift: nonNegative,
      /** Radians per second. */
      maxSpin: nonNegative,
      /** An asteroid holds round(radius × orePerRadius) ore. */
      orePerRadius: positive,
    }),
    profile: z.strictObject({
      /** Credits a new player starts with (ore always starts at 0). */
      startingCredits: z.number().int().min(0),
    }),
    mining: z.strictObject({
      /** Maximum distance from the ship's centre to the asteroid's surface. */
      range: positive,
      /** Ore per second while the beam is on. */
      rate: positive,
      /** A depleted asteroid comes back, full, after this long. */
      respawnSeconds: seconds,
    }),
    structures: z.record(kindIdSchema, structureSpecSchema),
    construction: z.strictObject({
      /** Maximum distance from the builder's ship to the build site. */
      buildRange: positive,
      /** Clear space required between the footprints of two structures. */
      minSpacing: nonNegative,
      /** Share of the cost given back when a construction is cancelled. */
      refundRatio: z.number().min(0).max(1),
    }),
    raids: z.strictObject({
      enabled: z.boolean(),
      /** Time from one raid's warning to the next one's. */
      intervalSeconds: seconds,
      /** How long before a raid its warning is announced. */
      warningSeconds: seconds,
      durationSeconds: seconds,
      /** HP every unshielded structure loses per raid. */
      damage: z.number().int().min(0),
      dragons: z.number().int().min(0).max(50),
      /** Units per second. */
      dragonSpeed: positive,
      /** Dragons circle their target at about this distance. */
      circleRadius: positive,
    }),
  })
  .superRefine((c, ctx) => {
    if (c.asteroids.minRadius > c.asteroids.maxRadius) {
      ctx.addIssue({
        code: 'custom',
        message: 'asteroids.minRadius must not exceed asteroids.maxRadius',
        path: ['asteroids', 'minRadius'],
      });
    }
    if (c.sector.spawnNear.minDistance > c.sector.spawnNear.maxDistance) {
      ctx.addIssue({
        code: 'custom',
        message: 'sector.spawnNear.minDistance must not exceed sector.spawnNear.maxDistance',
        path: ['sector', 'spawnNear', 'minDistance'],
      });
    }
    if (c.raids.warningSeconds + c.raids.durationSeconds >= c.raids.intervalSeconds) {
      ctx.addIssue({
        code: 'custom',
        message: 'raids.warningSeconds + raids.durationSeconds must be shorter than raids.intervalSeconds',
        path: ['raids', 'intervalSeconds'],
      });
    }
    for (const [kind, spec] of Object.entries(c.structures)) {
      if (spec.requires && !Object.hasOwn(c.structures, spec.requires.kind)) {
        ctx.addIssue({
          code: 'custom',
          message: `requires an unknown structure kind "${spec.requires.kind}"`,
          path: ['structures', kind, 'requires', 'kind'],
        });
      }
    }
  });

export type Content = z.infer<typeof contentSchema>;
export type StructureSpec = z.infer<typeof structureSpecSchema>;

/** One line per problem, with the dotted path a designer would write ("raids.damage: …"). */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `  ${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`)
    .join('\n');
}

/** Validates content; throws naming `source` and the path of every bad value. */
export function parseContent(raw: unknown, source = 'game content'): Content {
  const result = contentSchema.safeParse(raw);
  if (!result.success) throw new Error(`invalid ${source}:\n${describeIssues(result.error)}`);
  return result.data;
}

/** The spec of a structure kind, or undefined when the content has no such kind. */
export function structureSpec(kind: string, content: Content): StructureSpec | undefined {
  return Object.hasOwn(content.structures, kind) ? content.structures[kind] : undefined;
}

export const defaultContent: Content = parseContent(rawContent);
