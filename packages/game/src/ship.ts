import { Button, has } from './buttons.js';
import type { Content } from './content.js';

/** A ship's full physical state. Every field is kept at float32 precision (see stepShip). */
export interface ShipState {
  x: number;
  y: number;
  vx: number;
  vy: number;
  angle: number;
}

const TWO_PI = Math.PI * 2;
const f = Math.fround;

export function wrapAngle(a: number): number {
  let r = a % TWO_PI;
  if (r >= Math.PI) r -= TWO_PI;
  else if (r < -Math.PI) r += TWO_PI;
  return r;
}

/**
 * Advances one ship by one fixed step of `dt` seconds under `buttons`. Pure and deterministic:
 * the server runs it as the authority and the client runs the same code to predict its own ship.
 * The result is rounded to float32 so the state the server sends (as f32) is exactly the state it
 * holds, and a client replaying its inputs from it lands on the same numbers.
 */
export function stepShip(s: ShipState, buttons: number, dt: number, content: Content): ShipState {
  const cfg = content.ship;
  let turn = 0;
  if (has(buttons, Button.Left)) turn -= 1;
  if (has(buttons, Button.Right)) turn += 1;
  const angle = wrapAngle(s.angle + turn * cfg.turnRate * dt);

  let vx = s.vx;
  let vy = s.vy;
  if (has(buttons, Button.Thrust)) {
    vx += Math.cos(angle) * cfg.thrust * dt;
    vy += Math.sin(angle) * cfg.thrust * dt;
  }
  const damping = Math.max(0, 1 - (cfg.drag + (has(buttons, Button.Brake) ? cfg.brake : 0)) * dt);
  vx *= damping;
  vy *= damping;

  const speed = Math.hypot(vx, vy);
  if (speed > cfg.maxSpeed) {
    const k = cfg.maxSpeed / speed;
    vx *= k;
    vy *= k;
  } else if (speed < 0.5 && !has(buttons, Button.Thrust)) {
    // Let a coasting ship come to a real stop instead of creeping forever.
    vx = 0;
    vy = 0;
  }

  let x = s.x + vx * dt;
  let y = s.y + vy * dt;
  const halfW = content.sector.width / 2 - cfg.radius;
  const halfH = content.sector.height / 2 - cfg.radius;
  if (x < -halfW || x > halfW) {
    x = Math.min(halfW, Math.max(-halfW, x));
    vx = 0;
  }
  if (y < -halfH || y > halfH) {
    y = Math.min(halfH, Math.max(-halfH, y));
    vy = 0;
  }
  return { x: f(x), y: f(y), vx: f(vx), vy: f(vy), angle: f(angle) };
}

/** Ship state travels as a plain number array ("own state" in snapshots). */
export function shipToArray(s: ShipState): number[] {
  return [s.x, s.y, s.vx, s.vy, s.angle];
}

export function shipFromArray(a: readonly number[]): ShipState | null {
  if (a.length < 5) return null;
  const [x, y, vx, vy, angle] = a as [number, number, number, number, number];
  if (![x, y, vx, vy, angle].every(Number.isFinite)) return null;
  return { x: f(x), y: f(y), vx: f(vx), vy: f(vy), angle: f(angle) };
}
