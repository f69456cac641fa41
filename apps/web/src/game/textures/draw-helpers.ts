import type Phaser from 'phaser';

export type Point = readonly [x: number, y: number];

/** Fills a closed polygon given as [x, y] pairs (concave is fine). */
export function fillPolygon(g: Phaser.GameObjects.Graphics, points: readonly Point[]): void {
  tracePath(g, points);
  g.fillPath();
}

export function strokePolygon(g: Phaser.GameObjects.Graphics, points: readonly Point[]): void {
  tracePath(g, points);
  g.strokePath();
}

function tracePath(g: Phaser.GameObjects.Graphics, points: readonly Point[]): void {
  g.beginPath();
  for (const [i, [x, y]] of points.entries()) {
    if (i === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  }
  g.closePath();
}

/** Moves and scales a shape about the origin; handy for drawing insets and highlights. */
export function transform(points: readonly Point[], scale: number, dx: number, dy: number): Point[] {
  return points.map(([x, y]) => [x * scale + dx, y * scale + dy] as const);
}

/**
 * Bakes whatever `draw` paints into a texture, without ever showing the Graphics object. The
 * drawing is finished on a canvas of our own before the texture exists, so the renderer uploads it
 * once, complete: drawing into a texture's live canvas and refreshing it showed torn, partly empty
 * asteroids under WebGL.
 */
export function bakeTexture(
  scene: Phaser.Scene,
  key: string,
  width: number,
  height: number,
  draw: (g: Phaser.GameObjects.Graphics) => void,
): void {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = scene.make.graphics({ x: 0, y: 0 }, false);
  draw(g);
  g.generateTexture(canvas, width, height);
  g.destroy();
  addCanvasTexture(scene, key, canvas);
}

/** Registers a finished canvas as a texture, replacing any texture of that key. */
export function addCanvasTexture(scene: Phaser.Scene, key: string, canvas: HTMLCanvasElement): void {
  if (scene.textures.exists(key)) scene.textures.remove(key);
  scene.textures.addCanvas(key, canvas);
}
