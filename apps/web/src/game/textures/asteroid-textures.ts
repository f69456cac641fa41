import { ASTEROID_SIZE_CLASSES, asteroidRadius, type Content, mulberry32 } from '@perihelion/game';
import type Phaser from 'phaser';
import { bakeTexture, fillPolygon, type Point, strokePolygon, transform } from './draw-helpers.js';
import { ASTEROID_SHAPES, asteroidTextureKey } from './texture-keys.js';

/** Rock tones: base, lit face, outline. One per shape so neighbours differ a little. */
const ROCK_TONES = [
  { base: 0x5b554e, lit: 0x8a8278, edge: 0x9d958a, crater: 0x3b3732 },
  { base: 0x4f5561, lit: 0x7c8493, edge: 0x939bab, crater: 0x343943 },
  { base: 0x5e5045, lit: 0x8d7a6a, edge: 0xa08c7b, crater: 0x3d332c },
] as const;

/**
 * One texture per (size class, shape): the simulation sends only a size class, and the client
 * turns it into a lumpy rock whose outline reaches the class's physics radius.
 */
export function createAsteroidTextures(scene: Phaser.Scene, content: Content): void {
  for (let variant = 0; variant < ASTEROID_SIZE_CLASSES; variant++) {
    const radius = asteroidRadius(variant, content);
    for (let shape = 0; shape < ASTEROID_SHAPES; shape++) {
      const size = Math.ceil(radius * 2 + 6);
      const rand = mulberry32(variant * 7919 + shape * 104729 + 17);
      const tone = ROCK_TONES[shape % ROCK_TONES.length] ?? ROCK_TONES[0];
      bakeTexture(scene, asteroidTextureKey(variant, shape), size, size, (g) =>
        drawRock(g, size / 2, radius, rand, tone),
      );
    }
  }
}

function drawRock(
  g: Phaser.GameObjects.Graphics,
  centre: number,
  radius: number,
  rand: () => number,
  tone: (typeof ROCK_TONES)[number],
): void {
  const outline = lumpyOutline(radius, rand);
  g.fillStyle(tone.base, 1);
  fillPolygon(g, transform(outline, 1, centre, centre));
  // A lit face offset towards the upper left gives the rock some volume.
  g.fillStyle(tone.lit, 0.35);
  fillPolygon(g, transform(outline, 0.72, centre - radius * 0.12, centre - radius * 0.12));

  const craters = 2 + Math.floor(radius / 16);
  for (let i = 0; i < craters; i++) {
    const a = rand() * Math.PI * 2;
    const d = rand() * radius * 0.55;
    const r = radius * (0.08 + rand() * 0.12);
    const x = centre + Math.cos(a) * d;
    const y = centre + Math.sin(a) * d;
    g.fillStyle(tone.crater, 0.75);
    g.fillCircle(x, y, r);
    g.lineStyle(1, tone.lit, 0.5);
    g.beginPath();
    g.arc(x, y, r, Math.PI * 0.1, Math.PI * 0.9, false);
    g.strokePath();
  }

  g.lineStyle(2, tone.edge, 0.9);
  strokePolygon(g, transform(outline, 1, centre, centre));
}

function lumpyOutline(radius: number, rand: () => number): Point[] {
  const count = Math.max(9, Math.min(22, Math.round(radius / 3.2)));
  const raw: number[] = [];
  for (let i = 0; i < count; i++) raw.push(0.74 + rand() * 0.26);
  const points: Point[] = [];
  for (let i = 0; i < count; i++) {
    // Averaging with the neighbours keeps the lumps rounded instead of spiky.
    const prev = raw[(i + count - 1) % count] ?? 1;
    const next = raw[(i + 1) % count] ?? 1;
    const k = ((raw[i] ?? 1) * 2 + prev + next) / 4;
    const a = (i / count) * Math.PI * 2 + (rand() - 0.5) * 0.25;
    points.push([Math.cos(a) * radius * k, Math.sin(a) * radius * k]);
  }
  return points;
}
