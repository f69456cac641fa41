import { mulberry32 } from '@perihelion/game';
import type Phaser from 'phaser';
import { NEBULA_TILE } from '../textures/backdrop-textures.js';
import { starTextureKey, TextureKey } from '../textures/texture-keys.js';
import { Depth } from './depth.js';

interface StarLayerSpec {
  /** How far the layer moves per unit the camera moves: small = far away. */
  parallax: number;
  count: number;
  kinds: readonly number[];
  minAlpha: number;
  maxAlpha: number;
}

const STAR_LAYERS: readonly StarLayerSpec[] = [
  { parallax: 0.08, count: 190, kinds: [0, 0, 0, 1], minAlpha: 0.25, maxAlpha: 0.6 },
  { parallax: 0.2, count: 80, kinds: [0, 1, 1, 2], minAlpha: 0.45, maxAlpha: 0.85 },
  { parallax: 0.45, count: 24, kinds: [2, 3], minAlpha: 0.75, maxAlpha: 1 },
];
const NEBULA_PARALLAX = 0.03;
/** Stars wrap inside a box a little larger than the view, so none pops in at an edge. */
const WRAP_MARGIN = 32;

interface Star {
  /** Position in the wrap box, as fractions of its size. */
  u: number;
  v: number;
  parallax: number;
  image: Phaser.GameObjects.Image;
}

/**
 * The background that shows motion even in empty space: a far nebula and three layers of stars,
 * each sliding slower than the world. Everything is pinned to the camera (scroll factor 0) and
 * wraps around, so it never runs out. Stars are individual tiny sprites rather than full-screen
 * tiled layers: that costs almost no fill, which matters on machines drawing without a GPU.
 */
export class Starfield {
  private readonly nebula: Phaser.GameObjects.Image[] = [];
  private readonly stars: Star[] = [];

  constructor(private readonly scene: Phaser.Scene) {
    const rand = mulberry32(1977);
    STAR_LAYERS.forEach((layer, i) => {
      for (let n = 0; n < layer.count; n++) {
        const kind = layer.kinds[Math.floor(rand() * layer.kinds.length)] ?? 0;
        const alpha = layer.minAlpha + rand() * (layer.maxAlpha - layer.minAlpha);
        const image = scene.add
          .image(0, 0, starTextureKey(kind))
          .setScrollFactor(0)
          .setAlpha(alpha)
          .setDepth(Depth.Backdrop + 1 + i);
        this.stars.push({ u: rand(), v: rand(), parallax: layer.parallax, image });
      }
    });
  }

  update(camera: Phaser.Cameras.Scene2D.Camera): void {
    // Pinned objects are still scaled by zoom about the viewport centre, so work in the pinned
    // frame: the view spans viewW × viewH around the viewport's centre.
    const viewW = camera.width / camera.zoom;
    const viewH = camera.height / camera.zoom;
    const left = camera.width / 2 - viewW / 2;
    const top = camera.height / 2 - viewH / 2;
    const worldX = camera.scrollX + camera.width / 2;
    const worldY = camera.scrollY + camera.height / 2;

    this.placeNebula(left, top, viewW, viewH, worldX * NEBULA_PARALLAX, worldY * NEBULA_PARALLAX);

    const boxW = viewW + WRAP_MARGIN * 2;
    const boxH = viewH + WRAP_MARGIN * 2;
    for (const star of this.stars) {
      const x = wrap(star.u * boxW - worldX * star.parallax, boxW);
      const y = wrap(star.v * boxH - worldY * star.parallax, boxH);
      star.image.setPosition(left - WRAP_MARGIN + x, top - WRAP_MARGIN + y);
    }
  }

  private placeNebula(
    left: number,
    top: number,
    viewW: number,
    viewH: number,
    offX: number,
    offY: number,
  ): void {
    const cols = Math.ceil(viewW / NEBULA_TILE) + 1;
    const rows = Math.ceil(viewH / NEBULA_TILE) + 1;
    while (this.nebula.length < cols * rows) {
      this.nebula.push(
        this.scene.add
          .image(0, 0, TextureKey.Nebula)
          .setOrigin(0)
          .setScrollFactor(0)
          .setDepth(Depth.Backdrop),
      );
    }
    const startX = left - wrap(offX, NEBULA_TILE);
    const startY = top - wrap(offY, NEBULA_TILE);
    this.nebula.forEach((image, i) => {
      const visible = i < cols * rows;
      image.setVisible(visible);
      if (visible)
        image.setPosition(startX + (i % cols) * NEBULA_TILE, startY + Math.floor(i / cols) * NEBULA_TILE);
    });
  }
}

function wrap(value: number, size: number): number {
  return ((value % size) + size) % size;
}
