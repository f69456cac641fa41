import type { Content } from './content.js';
import { mulberry32 } from './random.js';

export interface Asteroid {
  x: number;
  y: number;
  vx: number;
  vy: number;
  angle: number;
  spin: number;
  radius: number;
}

/** Size classes travel as the entity variant; the client draws each class at its radius. */
export const ASTEROID_SIZE_CLASSES = 8;

export function asteroidRadius(variant: number, content: Content): number {
  const { minRadius, maxRadius } = content.asteroids;
  const t = Math.min(variant, ASTEROID_SIZE_CLASSES - 1) / (ASTEROID_SIZE_CLASSES - 1);
  return minRadius + (maxRadius - minRadius) * t;
}

export function asteroidVariant(radius: number, content: Content): number {
  const { minRadius, maxRadius } = content.asteroids;
  if (maxRadius === minRadius) return 0;
  return Math.round(((radius - minRadius) / (maxRadius - minRadius)) * (ASTEROID_SIZE_CLASSES - 1));
}

/** The same seed always yields the same field. */
export function createAsteroidField(seed: number, content: Content): Asteroid[] {
  const rand = mulberry32(seed);
  const { width, height } = content.sector;
  const a = content.asteroids;
  const field: Asteroid[] = [];
  for (let i = 0; i < a.count; i++) {
    const variant = Math.floor(rand() * ASTEROID_SIZE_CLASSES);
    const radius = asteroidRadius(variant, content);
    const heading = rand() * Math.PI * 2;
    const drift = rand() * a.maxDrift;
    field.push({
      x: (rand() - 0.5) * (width - 2 * radius),
      y: (rand() - 0.5) * (height - 2 * radius),
      vx: Math.cos(heading) * drift,
      vy: Math.sin(heading) * drift,
      angle: rand() * Math.PI * 2 - Math.PI,
      spin: (rand() * 2 - 1) * a.maxSpin,
      radius,
    });
  }
  return field;
}

/** Drifts and spins an asteroid for one step; it bounces off the sector's edges. */
export function stepAsteroid(a: Asteroid, dt: number, content: Content): void {
  const halfW = content.sector.width / 2 - a.radius;
  const halfH = content.sector.height / 2 - a.radius;
  a.x += a.vx * dt;
  a.y += a.vy * dt;
  if (a.x < -halfW || a.x > halfW) {
    a.x = Math.min(halfW, Math.max(-halfW, a.x));
    a.vx = -a.vx;
  }
  if (a.y < -halfH || a.y > halfH) {
    a.y = Math.min(halfH, Math.max(-halfH, a.y));
    a.vy = -a.vy;
  }
  a.angle += a.spin * dt;
  if (a.angle >= Math.PI) a.angle -= Math.PI * 2;
  else if (a.angle < -Math.PI) a.angle += Math.PI * 2;
}
