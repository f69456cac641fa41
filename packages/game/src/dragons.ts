import type { EntityState } from '@perihelion/protocol';
import type { Content } from './content.js';
import { EntityKind } from './entities.js';
import { mulberry32 } from './random.js';

export interface Point {
  x: number;
  y: number;
}

interface Dragon {
  handle: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
  angle: number;
  /** Picks the landmark this dragon circles (modulo however many there are now). */
  pick: number;
  /** Where on its circle the dragon is heading, radians. */
  phase: number;
  /** +1 circles counter-clockwise, -1 clockwise. */
  turn: 1 | -1;
}

/** How quickly a dragon's velocity turns toward where it wants to go, per second. */
const STEERING = 2.5;
/** Dragons appear this far inside the sector's edge. */
const EDGE_INSET = 40;
/** With nothing to raid, dragons roam this many circle radii around the centre. */
const ROAM_SCALE = 3;

/**
 * The space dragons of a raid: they enter at the sector's edge and circle the landmarks they were
 * given (the sector's structures), or roam around the centre when there are none. Purely a sight:
 * a raid's damage is a rule applied by the server (see raidDamage), not a collision.
 */
export class DragonFlight {
  private dragons: Dragon[] = [];
  private landmarks: Point[] = [];
  private remainingSteps = 0;
  private readonly rand: () => number;

  constructor(
    seed: number,
    private readonly dt: number,
    private content: Content,
    private readonly newHandle: () => number,
  ) {
    this.rand = mulberry32(seed ^ 0xc2b2ae35);
  }

  /** Tuned content applies from the next step; a raid under way keeps the dragons it has. */
  setContent(content: Content): void {
    this.content = content;
  }

  get active(): boolean {
    return this.remainingSteps > 0;
  }

  setLandmarks(points: readonly Point[]): void {
    this.landmarks = points
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
      .map((p) => ({ ...p }));
  }

  /** Starts a raid lasting `durationSeconds`; a raid already running keeps its dragons. */
  start(durationSeconds: number): void {
    const steps = Math.max(1, Math.round(durationSeconds / this.dt));
    if (!this.active) this.dragons = Array.from({ length: this.content.raids.dragons }, () => this.hatch());
    this.remainingSteps = steps;
  }

  end(): void {
    this.dragons = [];
    this.remainingSteps = 0;
  }

  step(): void {
    if (!this.active) return;
    for (const d of this.dragons) this.fly(d);
    if (--this.remainingSteps === 0) this.end();
  }

  *entities(): Iterable<EntityState> {
    for (const d of this.dragons) {
      yield { handle: d.handle, kind: EntityKind.Dragon, variant: 0, x: d.x, y: d.y, angle: d.angle };
    }
  }

  private hatch(): Dragon {
    const halfW = this.content.sector.width / 2 - EDGE_INSET;
    const halfH = this.content.sector.height / 2 - EDGE_INSET;
    const along = this.rand() * 2 - 1;
    const side = Math.floor(this.rand() * 4);
    const x = side === 0 ? -halfW : side === 1 ? halfW : along * halfW;
    const y = side === 2 ? -halfH : side === 3 ? halfH : along * halfH;
    // Facing the centre, so they visibly fly in.
    const angle = Math.atan2(-y, -x);
    return {
      handle: this.newHandle(),
      x,
      y,
      vx: 0,
      vy: 0,
      angle,
      pick: Math.floor(this.rand() * 0x7fffffff),
      phase: this.rand() * Math.PI * 2,
      turn: this.rand() < 0.5 ? 1 : -1,
    };
  }

  /** Seeks a point that runs around the dragon's circle a little slower than the dragon flies. */
  private fly(d: Dragon): void {
    const { dragonSpeed: speed, circleRadius } = this.content.raids;
    const landmark = this.landmarks.length > 0 ? this.landmarks[d.pick % this.landmarks.length]! : null;
    const centre = landmark ?? { x: 0, y: 0 };
    const radius = landmark ? circleRadius : circleRadius * ROAM_SCALE;
    d.phase += (d.turn * 0.8 * speed * this.dt) / radius;
    const gx = centre.x + Math.cos(d.phase) * radius - d.x;
    const gy = centre.y + Math.sin(d.phase) * radius - d.y;
    const distance = Math.hypot(gx, gy);
    const wantX = distance > 0 ? (gx / distance) * speed : 0;
    const wantY = distance > 0 ? (gy / distance) * speed : 0;
    const k = Math.min(1, STEERING * this.dt);
    d.vx += (wantX - d.vx) * k;
    d.vy += (wantY - d.vy) * k;
    const v = Math.hypot(d.vx, d.vy);
    if (v > speed) {
      d.vx *= speed / v;
      d.vy *= speed / v;
    }
    const halfW = this.content.sector.width / 2;
    const halfH = this.content.sector.height / 2;
    d.x = Math.min(halfW, Math.max(-halfW, d.x + d.vx * this.dt));
    d.y = Math.min(halfH, Math.max(-halfH, d.y + d.vy * this.dt));
    if (v > 1) d.angle = Math.atan2(d.vy, d.vx);
  }
}
