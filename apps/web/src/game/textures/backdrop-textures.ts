import { mulberry32 } from '@perihelion/game';
import type Phaser from 'phaser';
import { addCanvasTexture, bakeTexture } from './draw-helpers.js';
import { STAR_KINDS, starTextureKey, TextureKey } from './texture-keys.js';

export const NEBULA_TILE = 1024;

/** Star sprites, faint to bright: [core radius, tint, halo radius (0 = none)]. */
const STARS: ReadonlyArray<readonly [number, number, number]> = [
  [0.8, 0xffffff, 0],
  [1.1, 0xcfe0ff, 0],
  [1.3, 0xfff0d8, 2.6],
  [1.6, 0xffffff, 4.5],
];

/** Star sprites and a tileable nebula wash for the parallax background. */
export function createBackdropTextures(scene: Phaser.Scene): void {
  for (let kind = 0; kind < STAR_KINDS; kind++) {
    const [core, tint, halo] = STARS[kind] ?? STARS[0] ?? [1, 0xffffff, 0];
    const size = Math.ceil((halo || core) * 2 + 2);
    bakeTexture(scene, starTextureKey(kind), size, size, (g) => {
      if (halo > 0) {
        for (let i = 0; i < 4; i++) {
          g.fillStyle(tint, 0.07);
          g.fillCircle(size / 2, size / 2, halo * (1 - i / 4));
        }
      }
      g.fillStyle(tint, 1);
      g.fillCircle(size / 2, size / 2, core);
    });
  }
  createNebula(scene);
}

/**
 * Soft colour clouds need real radial gradients, which Graphics cannot bake, so this one is painted
 * with the 2D canvas API. Each cloud is drawn at the neighbouring tile offsets too, making the
 * texture wrap seamlessly.
 */
function createNebula(scene: Phaser.Scene): void {
  const canvas = document.createElement('canvas');
  canvas.width = NEBULA_TILE;
  canvas.height = NEBULA_TILE;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const rand = mulberry32(4242);
  const hues = ['64, 92, 220', '132, 70, 200', '36, 150, 180', '176, 56, 130'];
  for (let i = 0; i < 9; i++) {
    const x = rand() * NEBULA_TILE;
    const y = rand() * NEBULA_TILE;
    const r = 160 + rand() * 260;
    const colour = hues[i % hues.length];
    const alpha = 0.07 + rand() * 0.08;
    for (const dx of [-NEBULA_TILE, 0, NEBULA_TILE]) {
      for (const dy of [-NEBULA_TILE, 0, NEBULA_TILE]) {
        const gradient = ctx.createRadialGradient(x + dx, y + dy, 0, x + dx, y + dy, r);
        gradient.addColorStop(0, `rgba(${colour}, ${alpha})`);
        gradient.addColorStop(1, `rgba(${colour}, 0)`);
        ctx.fillStyle = gradient;
        ctx.fillRect(x + dx - r, y + dy - r, r * 2, r * 2);
      }
    }
  }
  addCanvasTexture(scene, TextureKey.Nebula, canvas);
}
