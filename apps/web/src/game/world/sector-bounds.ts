import type { Content } from '@perihelion/game';
import type Phaser from 'phaser';
import { Palette } from '../palette.js';
import { Depth } from './depth.js';

const GRID_STEP = 500;
/** How far past the edge the "outside" shade reaches; beyond the view radius is never visible. */
const OUTSIDE_MARGIN = 4000;

/**
 * The sector's edge, drawn once: a glowing border, corner brackets, a faint navigation grid inside
 * (which also makes motion readable near empty space), and shaded space outside.
 */
export function drawSectorBounds(
  scene: Phaser.Scene,
  sector: Content['sector'],
): Phaser.GameObjects.Graphics {
  const halfW = sector.width / 2;
  const halfH = sector.height / 2;
  const g = scene.add.graphics().setDepth(Depth.Bounds);

  g.fillStyle(Palette.outside, 0.55);
  const m = OUTSIDE_MARGIN;
  g.fillRect(-halfW - m, -halfH - m, sector.width + 2 * m, m);
  g.fillRect(-halfW - m, halfH, sector.width + 2 * m, m);
  g.fillRect(-halfW - m, -halfH, m, sector.height);
  g.fillRect(halfW, -halfH, m, sector.height);

  g.lineStyle(1, Palette.grid, 0.07);
  for (let x = -halfW + GRID_STEP; x < halfW; x += GRID_STEP) g.lineBetween(x, -halfH, x, halfH);
  for (let y = -halfH + GRID_STEP; y < halfH; y += GRID_STEP) g.lineBetween(-halfW, y, halfW, y);
  // The centre cross marks where everyone spawns.
  g.lineStyle(2, Palette.grid, 0.16);
  g.lineBetween(-60, 0, 60, 0);
  g.lineBetween(0, -60, 0, 60);

  for (const [width, alpha] of [
    [18, 0.05],
    [8, 0.12],
    [2, 0.85],
  ] as const) {
    g.lineStyle(width, Palette.boundary, alpha);
    g.strokeRect(-halfW, -halfH, sector.width, sector.height);
  }

  const arm = 140;
  g.lineStyle(6, Palette.boundary, 1);
  for (const [sx, sy] of [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ] as const) {
    const cx = sx * halfW;
    const cy = sy * halfH;
    g.lineBetween(cx, cy, cx - sx * arm, cy);
    g.lineBetween(cx, cy, cx, cy - sy * arm);
  }
  return g;
}
