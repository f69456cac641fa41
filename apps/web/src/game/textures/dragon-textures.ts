import type Phaser from 'phaser';
import { bakeTexture, fillPolygon, type Point, strokePolygon, transform } from './draw-helpers.js';
import { TextureKey } from './texture-keys.js';

export const DRAGON_W = 96;
export const DRAGON_H = 88;
const GLOW_SIZE = 160;

const SCALE = 0xc0283a;
const SCALE_DARK = 0x6e1020;
const BELLY = 0xff8a3d;
const WING = 0x8a1a34;
const WING_EDGE = 0xff5a6a;
const EYE = 0xfff06a;

/** Body from snout (+x) to tail tip, so sprite rotation equals the entity's angle. */
const BODY: readonly Point[] = [
  [40, 0],
  [32, -5],
  [22, -7],
  [8, -8],
  [-8, -6],
  [-22, -4],
  [-34, -1],
  [-44, 4],
  [-36, 2],
  [-22, 4],
  [-8, 6],
  [8, 8],
  [22, 7],
  [32, 5],
];

const TAIL_BLADE: readonly Point[] = [
  [-44, 4],
  [-48, -4],
  [-40, 1],
];

/** A membrane wing on the +y side; mirrored for the other one. `spread` 0..1 opens it. */
function wing(spread: number): Point[] {
  const reach = 22 + 18 * spread;
  return [
    [12, 6],
    [6, 6 + reach * 0.7],
    [-2, 6 + reach],
    [-6, 6 + reach * 0.6],
    [-12, 6 + reach * 0.85],
    [-16, 6 + reach * 0.4],
    [-22, 6 + reach * 0.55],
    [-20, 5],
  ];
}

/**
 * A space dragon in two poses (wings spread, wings raised) that the world alternates between for a
 * wing beat, and a hot red glow. Nothing else in the sector is red: raiders read at a glance.
 */
export function createDragonTextures(scene: Phaser.Scene): void {
  bakeTexture(scene, TextureKey.DragonOpen, DRAGON_W, DRAGON_H, (g) => drawDragon(g, 1));
  bakeTexture(scene, TextureKey.DragonClosed, DRAGON_W, DRAGON_H, (g) => drawDragon(g, 0.35));
  bakeTexture(scene, TextureKey.DragonGlow, GLOW_SIZE, GLOW_SIZE, (g) => {
    for (let i = 0; i < 20; i++) {
      g.fillStyle(0xff3a3a, 0.035);
      g.fillCircle(GLOW_SIZE / 2, GLOW_SIZE / 2, (GLOW_SIZE / 2) * (1 - i / 20));
    }
  });
}

function drawDragon(g: Phaser.GameObjects.Graphics, spread: number): void {
  const cx = DRAGON_W / 2 + 2;
  const cy = DRAGON_H / 2;
  const right = wing(spread);
  const left = right.map(([x, y]) => [x, -y] as const);
  for (const side of [left, right]) {
    g.fillStyle(WING, 0.92);
    fillPolygon(g, transform(side, 1, cx, cy));
    g.lineStyle(1.5, WING_EDGE, 0.9);
    strokePolygon(g, transform(side, 1, cx, cy));
  }
  g.fillStyle(SCALE_DARK, 1);
  fillPolygon(g, transform(TAIL_BLADE, 1, cx, cy));
  g.fillStyle(SCALE, 1);
  fillPolygon(g, transform(BODY, 1, cx, cy));
  // Belly stripe and spine ridges.
  g.fillStyle(BELLY, 0.85);
  g.fillEllipse(cx + 6, cy + 2, 46, 5);
  g.fillStyle(SCALE_DARK, 1);
  for (let i = 0; i < 6; i++) {
    const x = cx + 20 - i * 9;
    g.fillTriangle(x, cy - 6, x - 5, cy - 6, x - 2.5, cy - 10);
  }
  // Horns and eyes.
  g.fillStyle(0xe8d8c0, 1);
  g.fillTriangle(cx + 30, cy - 5, cx + 22, cy - 6, cx + 20, cy - 12);
  g.fillTriangle(cx + 30, cy + 5, cx + 22, cy + 6, cx + 20, cy + 12);
  g.fillStyle(EYE, 1);
  g.fillCircle(cx + 32, cy - 2.5, 1.6);
  g.fillCircle(cx + 32, cy + 2.5, 1.6);
  g.lineStyle(1, 0xff9aa4, 0.9);
  strokePolygon(g, transform(BODY, 1, cx, cy));
}
