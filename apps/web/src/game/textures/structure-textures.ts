import { type Content, StructureKind } from '@perihelion/game';
import type Phaser from 'phaser';
import { bakeTexture, fillPolygon, type Point, strokePolygon } from './draw-helpers.js';
import { structureTextureKey } from './texture-keys.js';

/** Neutral hull tones: the owner's colour is added at draw time as a ring, so one texture fits all. */
const HULL = 0x4a5568;
const HULL_LIT = 0x7a889e;
const EDGE = 0xb8c6dc;
const DARK = 0x1a2030;
const LIGHT = 0x9fe7ff;

/** Kinds without art of their own (content added one) still get a recognisable structure. */
export const GENERIC_STRUCTURE = 'generic';
const GENERIC_RADIUS = 30;
const PAD = 4;

/** One texture per structure kind, sized to the content's radius for that kind. */
export function createStructureTextures(scene: Phaser.Scene, content: Content): void {
  const bake = (kind: string, radius: number, draw: (g: Phaser.GameObjects.Graphics, r: number) => void) => {
    const size = Math.ceil(radius * 2 + PAD * 2);
    bakeTexture(scene, structureTextureKey(kind), size, size, (g) => {
      g.translateCanvas(size / 2, size / 2);
      draw(g, radius);
    });
  };
  for (const [kind, spec] of Object.entries(content.structures)) {
    if (kind === StructureKind.StationCore) bake(kind, spec.radius, drawStationCore);
    else if (kind === StructureKind.ShieldModule) bake(kind, spec.radius, drawShieldModule);
    else bake(kind, spec.radius, drawGeneric);
  }
  bake(GENERIC_STRUCTURE, GENERIC_RADIUS, drawGeneric);
}

function regular(sides: number, radius: number, rotation = 0): Point[] {
  return Array.from({ length: sides }, (_, i) => {
    const a = rotation + (i / sides) * Math.PI * 2;
    return [Math.cos(a) * radius, Math.sin(a) * radius] as const;
  });
}

/** A wheel station: docking ring on four spokes around an octagonal hub with a lit core. */
function drawStationCore(g: Phaser.GameObjects.Graphics, r: number): void {
  g.lineStyle(r * 0.16, HULL, 1);
  g.strokeCircle(0, 0, r * 0.86);
  g.lineStyle(1.5, EDGE, 0.9);
  g.strokeCircle(0, 0, r * 0.94);
  g.strokeCircle(0, 0, r * 0.78);
  for (let i = 0; i < 4; i++) {
    const a = Math.PI / 4 + (i * Math.PI) / 2;
    g.lineStyle(r * 0.1, HULL_LIT, 1);
    g.lineBetween(Math.cos(a) * r * 0.3, Math.sin(a) * r * 0.3, Math.cos(a) * r * 0.8, Math.sin(a) * r * 0.8);
    // Docking lights on the ring.
    g.fillStyle(LIGHT, 0.9);
    g.fillCircle(Math.cos(a + Math.PI / 4) * r * 0.86, Math.sin(a + Math.PI / 4) * r * 0.86, r * 0.045);
  }
  const hub = regular(8, r * 0.4, Math.PI / 8);
  g.fillStyle(HULL_LIT, 1);
  fillPolygon(g, hub);
  g.lineStyle(2, EDGE, 1);
  strokePolygon(g, hub);
  g.fillStyle(DARK, 1);
  g.fillCircle(0, 0, r * 0.22);
  g.fillStyle(LIGHT, 0.85);
  g.fillCircle(0, 0, r * 0.13);
  g.fillStyle(0xffffff, 0.9);
  g.fillCircle(-r * 0.04, -r * 0.04, r * 0.05);
}

/** A three-legged pylon carrying a glowing emitter dome. */
function drawShieldModule(g: Phaser.GameObjects.Graphics, r: number): void {
  for (let i = 0; i < 3; i++) {
    const a = -Math.PI / 2 + (i * Math.PI * 2) / 3;
    g.lineStyle(r * 0.18, HULL, 1);
    g.lineBetween(0, 0, Math.cos(a) * r * 0.9, Math.sin(a) * r * 0.9);
    g.fillStyle(HULL_LIT, 1);
    g.fillCircle(Math.cos(a) * r * 0.9, Math.sin(a) * r * 0.9, r * 0.14);
  }
  const base = regular(6, r * 0.55);
  g.fillStyle(HULL_LIT, 1);
  fillPolygon(g, base);
  g.lineStyle(1.5, EDGE, 1);
  strokePolygon(g, base);
  for (let i = 0; i < 4; i++) {
    g.fillStyle(LIGHT, 0.18);
    g.fillCircle(0, 0, r * (0.46 - i * 0.07));
  }
  g.fillStyle(LIGHT, 0.9);
  g.fillCircle(0, 0, r * 0.16);
  g.lineStyle(1, 0xffffff, 0.8);
  g.strokeCircle(0, 0, r * 0.34);
}

function drawGeneric(g: Phaser.GameObjects.Graphics, r: number): void {
  const body = regular(4, r * 0.9, Math.PI / 4);
  g.fillStyle(HULL, 1);
  fillPolygon(g, body);
  g.lineStyle(2, EDGE, 1);
  strokePolygon(g, body);
  g.fillStyle(LIGHT, 0.8);
  g.fillCircle(0, 0, r * 0.2);
}
