import type { Content } from './content.js';
import type { ShipState } from './ship.js';

const f = Math.fround;
/** New ships face "up" on screen. */
const SPAWN_ANGLE = f(-Math.PI / 2);

/** A new ship somewhere within `sector.spawnRadius` of the centre, at rest. */
export function spawnAroundCentre(rand: () => number, content: Content): ShipState {
  const r = Math.sqrt(rand()) * content.sector.spawnRadius;
  const t = rand() * Math.PI * 2;
  return atRest(Math.cos(t) * r, Math.sin(t) * r, content);
}

/**
 * A new ship near `point` (e.g. its owner's station): `sector.spawnNear` distance away in a random
 * direction, kept inside the sector.
 */
export function spawnNearPoint(
  point: { x: number; y: number },
  rand: () => number,
  content: Content,
): ShipState {
  const { minDistance, maxDistance } = content.sector.spawnNear;
  const r = minDistance + rand() * (maxDistance - minDistance);
  const t = rand() * Math.PI * 2;
  return atRest(point.x + Math.cos(t) * r, point.y + Math.sin(t) * r, content);
}

function atRest(x: number, y: number, content: Content): ShipState {
  const halfW = content.sector.width / 2 - content.ship.radius;
  const halfH = content.sector.height / 2 - content.ship.radius;
  const cx = Math.min(halfW, Math.max(-halfW, x));
  const cy = Math.min(halfH, Math.max(-halfH, y));
  // Float32 like every ship state, so prediction starts from exactly the server's numbers.
  return { x: f(cx), y: f(cy), vx: 0, vy: 0, angle: SPAWN_ANGLE };
}
