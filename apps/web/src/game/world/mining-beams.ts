import type { RenderEntity } from '@perihelion/client';
import { asteroidRadius, type Content, EntityKind, findMiningTarget, ShipVariant } from '@perihelion/game';
import type Phaser from 'phaser';
import { Depth } from './depth.js';

interface Rock {
  x: number;
  y: number;
  radius: number;
}

interface Beam {
  fromX: number;
  fromY: number;
  rock: Rock;
  own: boolean;
}

/** Another ship's beam is drawn to its nearest rock when that rock is at most this far past range. */
const OTHERS_SLACK = 40;
const BEAM_COLOUR = 0x6bffb0;

/**
 * Mining beams: from the own ship while the mine key is held and a rock is in range (the same
 * rule the server uses to pick it, applied to the asteroids as drawn), and from every other ship
 * the server marks as mining, to the rock nearest it. One Graphics for all, redrawn each frame.
 */
export class MiningBeams {
  private readonly g: Phaser.GameObjects.Graphics;

  constructor(
    scene: Phaser.Scene,
    private readonly content: () => Content,
  ) {
    this.g = scene.add.graphics().setDepth(Depth.Beam);
  }

  /** `own` is the own ship while it is trying to mine, else null. Returns whether its beam hit. */
  render(own: { x: number; y: number } | null, others: readonly RenderEntity[], time: number): boolean {
    const content = this.content();
    const rocks: Rock[] = [];
    for (const e of others) {
      if (e.kind === EntityKind.Asteroid)
        rocks.push({ x: e.x, y: e.y, radius: asteroidRadius(e.variant, content) });
    }
    const beams: Beam[] = [];
    const ownTarget = own ? findMiningTarget(own, rocks, content) : null;
    if (own && ownTarget) beams.push({ fromX: own.x, fromY: own.y, rock: ownTarget, own: true });
    for (const e of others) {
      if (e.kind !== EntityKind.Ship || e.variant !== ShipVariant.Mining) continue;
      const rock = nearest(e, rocks, content.mining.range + OTHERS_SLACK);
      if (rock) beams.push({ fromX: e.x, fromY: e.y, rock, own: false });
    }
    this.draw(beams, time);
    return ownTarget !== null;
  }

  destroy(): void {
    this.g.destroy();
  }

  private draw(beams: readonly Beam[], time: number): void {
    const g = this.g;
    g.clear();
    for (const [i, { fromX, fromY, rock, own }] of beams.entries()) {
      const dx = rock.x - fromX;
      const dy = rock.y - fromY;
      const d = Math.hypot(dx, dy);
      if (d < 1) continue;
      // The beam bites a little into the rock's surface rather than stopping at its centre.
      const reach = Math.max(0, d - rock.radius * 0.75);
      const toX = fromX + (dx / d) * reach;
      const toY = fromY + (dy / d) * reach;
      const pulse = 0.75 + 0.25 * Math.sin(time * 18 + i * 1.7);
      g.lineStyle(own ? 14 : 10, BEAM_COLOUR, 0.14 * pulse);
      g.lineBetween(fromX, fromY, toX, toY);
      g.lineStyle(own ? 6 : 4, BEAM_COLOUR, 0.45 * pulse);
      g.lineBetween(fromX, fromY, toX, toY);
      g.lineStyle(2, 0xe8fff4, 0.95 * pulse);
      g.lineBetween(fromX, fromY, toX, toY);
      // Sparks where the beam cuts.
      g.fillStyle(BEAM_COLOUR, 0.3 * pulse);
      g.fillCircle(toX, toY, 9 * pulse);
      g.fillStyle(0xffffff, 0.85);
      g.fillCircle(toX, toY, 2.5 + pulse);
    }
  }
}

function nearest(ship: { x: number; y: number }, rocks: readonly Rock[], maxGap: number): Rock | null {
  let best: Rock | null = null;
  let bestGap = maxGap;
  for (const rock of rocks) {
    const gap = Math.hypot(rock.x - ship.x, rock.y - ship.y) - rock.radius;
    if (gap <= bestGap) {
      best = rock;
      bestGap = gap;
    }
  }
  return best;
}
