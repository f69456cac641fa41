import { z } from 'zod';
import rawContent from './content.json';

const positive = z.number().positive();

/** Everything a designer tunes lives in content.json and is validated here, once. */
export const contentSchema = z
  .object({
    ship: z.object({
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
    sector: z.object({
      width: positive,
      height: positive,
      /** Ships appear within this distance of the sector's centre. */
      spawnRadius: z.number().min(0),
      /** Entities farther than this from a player's ship are not sent to that player. */
      viewRadius: positive,
    }),
    asteroids: z.object({
      count: z.number().int().min(0).max(2000),
      minRadius: positive,
      maxRadius: positive,
      /** Units per second. */
      maxDrift: z.number().min(0),
      /** Radians per second. */
      maxSpin: z.number().min(0),
    }),
  })
  .refine((c) => c.asteroids.minRadius <= c.asteroids.maxRadius, {
    message: 'asteroids.minRadius must not exceed asteroids.maxRadius',
    path: ['asteroids', 'minRadius'],
  });

export type Content = z.infer<typeof contentSchema>;

export function parseContent(raw: unknown): Content {
  const result = contentSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(`invalid game content:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

export const defaultContent: Content = parseContent(rawContent);
