import type Phaser from 'phaser';
import type { RenderedEntity } from '../../session/rendered-frame.js';
import { shipColour } from '../palette.js';
import type { WorldRect } from './minimap.js';

/** Distance of a marker from the screen's edge, and its size. */
const INSET = 22;
const SIZE = 9;
/** A ship this close past the edge is still partly on screen: no marker yet. */
const SLACK = 24;

/**
 * A small arrow at the screen's edge for every ship that is near enough to be sent but outside
 * the view, pointing the way to it: in a big sector, this is how players find each other.
 */
export class OffscreenMarkers {
  private readonly g: Phaser.GameObjects.Graphics;

  constructor(scene: Phaser.Scene) {
    this.g = scene.add.graphics();
  }

  update(
    entities: readonly RenderedEntity[],
    ownId: string | null,
    view: WorldRect,
    screenW: number,
    screenH: number,
  ) {
    const g = this.g;
    g.clear();
    if (view.width <= 0 || view.height <= 0) return;
    const scaleX = screenW / view.width;
    const scaleY = screenH / view.height;
    const cx = screenW / 2;
    const cy = screenH / 2;
    for (const e of entities) {
      if (e.kind !== 'ship' || e.id === ownId) continue;
      const sx = (e.x - view.x) * scaleX;
      const sy = (e.y - view.y) * scaleY;
      if (sx >= -SLACK && sx <= screenW + SLACK && sy >= -SLACK && sy <= screenH + SLACK) continue;
      // Walk from the centre towards the ship until the inset frame is reached.
      const dx = sx - cx;
      const dy = sy - cy;
      const t = Math.min(Math.abs((cx - INSET) / dx), Math.abs((cy - INSET) / dy));
      const x = cx + dx * t;
      const y = cy + dy * t;
      const a = Math.atan2(dy, dx);
      g.fillStyle(shipColour(e.id), 0.9);
      g.fillTriangle(
        x + Math.cos(a) * SIZE,
        y + Math.sin(a) * SIZE,
        x + Math.cos(a + 2.4) * SIZE,
        y + Math.sin(a + 2.4) * SIZE,
        x + Math.cos(a - 2.4) * SIZE,
        y + Math.sin(a - 2.4) * SIZE,
      );
    }
  }
}
