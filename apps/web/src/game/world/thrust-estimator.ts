import type { Content } from '@perihelion/game';

/** Seconds over which velocity and acceleration estimates are smoothed. */
const VELOCITY_TAU = 0.08;
const ACCEL_TAU = 0.15;

/**
 * Snapshots carry no button state for other ships, so their exhaust is inferred from motion: the
 * forward acceleration plus what drag would have taken away is ~0 while coasting, ~thrust while
 * accelerating, and stays clearly positive while holding top speed. Returns a 0..1 intensity.
 */
export class ThrustEstimator {
  private lastX = 0;
  private lastY = 0;
  private vx = 0;
  private vy = 0;
  private forward = 0;
  private primed = false;

  constructor(private readonly ship: Content['ship']) {}

  update(x: number, y: number, angle: number, dt: number): number {
    if (!this.primed || dt <= 0) {
      this.lastX = x;
      this.lastY = y;
      this.primed = true;
      return 0;
    }
    const kv = 1 - Math.exp(-dt / VELOCITY_TAU);
    const nvx = this.vx + ((x - this.lastX) / dt - this.vx) * kv;
    const nvy = this.vy + ((y - this.lastY) / dt - this.vy) * kv;
    const hx = Math.cos(angle);
    const hy = Math.sin(angle);
    const accel = ((nvx - this.vx) * hx + (nvy - this.vy) * hy) / dt;
    const dragLoss = this.ship.drag * (nvx * hx + nvy * hy);
    const ka = 1 - Math.exp(-dt / ACCEL_TAU);
    this.forward += (accel + dragLoss - this.forward) * ka;
    this.vx = nvx;
    this.vy = nvy;
    this.lastX = x;
    this.lastY = y;
    return Math.max(0, Math.min(1, (this.forward - 40) / 160));
  }
}
