import type Phaser from 'phaser';
import { SHIP_COLOURS, UNKNOWN_SHIP_COLOUR } from '../palette.js';
import { mix, shade } from './colour-math.js';
import { bakeTexture, fillPolygon, type Point, strokePolygon, transform } from './draw-helpers.js';
import { shipGlowTextureKey, shipTextureKey, TextureKey } from './texture-keys.js';

const SHIP_W = 60;
const SHIP_H = 48;
const GLOW_SIZE = 96;

/**
 * Hull outline around the ship's centre, nose pointing +x (angle 0), so sprite rotation equals the
 * simulation's angle. About 40 × 36 units: the physics radius is 18.
 */
const HULL: readonly Point[] = [
  [24, 0],
  [5, -7],
  [-15, -18],
  [-11, -7],
  [-15, -5],
  [-10, 0],
  [-15, 5],
  [-11, 7],
  [-15, 18],
  [5, 7],
];

const SPINE: readonly Point[] = [
  [18, 0],
  [2, -4],
  [-9, 0],
  [2, 4],
];

/** A hull and a glow in every pilot colour, and the shared exhaust plume. */
export function createShipTextures(scene: Phaser.Scene): void {
  for (const colour of [...SHIP_COLOURS, UNKNOWN_SHIP_COLOUR]) {
    bakeTexture(scene, shipTextureKey(colour), SHIP_W, SHIP_H, (g) => drawHull(g, colour));
    bakeTexture(scene, shipGlowTextureKey(colour), GLOW_SIZE, GLOW_SIZE, (g) => drawGlow(g, colour));
  }
  bakeTexture(scene, TextureKey.Flame, 40, 20, drawFlame);
}

function drawHull(g: Phaser.GameObjects.Graphics, colour: number): void {
  const cx = SHIP_W / 2;
  const cy = SHIP_H / 2;
  g.fillStyle(mix(colour, 0xffffff, 0.1), 1);
  fillPolygon(g, transform(HULL, 1, cx, cy));
  g.fillStyle(shade(colour, 0.62), 1);
  fillPolygon(g, transform(SPINE, 1, cx, cy));
  // Engine housings at the tail.
  g.fillStyle(0x4a5060, 1);
  g.fillRect(cx - 15, cy - 7, 5, 4);
  g.fillRect(cx - 15, cy + 3, 5, 4);
  // Canopy: dark glass with a glint, so the ship's facing reads even at a glance.
  g.fillStyle(0x0e1320, 1);
  g.fillEllipse(cx + 7, cy, 11, 6);
  g.fillStyle(0xffffff, 0.8);
  g.fillEllipse(cx + 9, cy - 1, 4, 2);
  g.lineStyle(1.5, mix(colour, 0xffffff, 0.6), 1);
  strokePolygon(g, transform(HULL, 1, cx, cy));
}

/** A soft radial glow from stacked translucent discs (baked textures cannot hold gradients). */
function drawGlow(g: Phaser.GameObjects.Graphics, colour: number): void {
  const steps = 24;
  for (let i = 0; i < steps; i++) {
    g.fillStyle(colour, 0.03);
    g.fillCircle(GLOW_SIZE / 2, GLOW_SIZE / 2, (GLOW_SIZE / 2) * (1 - i / steps));
  }
}

/** Exhaust plume; its right edge is the nozzle (the sprite's origin is set there). */
function drawFlame(g: Phaser.GameObjects.Graphics): void {
  g.fillStyle(0xff5a1a, 0.55);
  fillPolygon(g, [
    [40, 10],
    [30, 2],
    [0, 10],
    [30, 18],
  ]);
  g.fillStyle(0xffc25a, 0.85);
  fillPolygon(g, [
    [40, 10],
    [33, 5],
    [14, 10],
    [33, 15],
  ]);
  g.fillStyle(0xffffff, 0.95);
  fillPolygon(g, [
    [40, 10],
    [36, 7.5],
    [27, 10],
    [36, 12.5],
  ]);
}
